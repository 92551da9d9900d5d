//! Text normalisation shared by the indexer and the query: NFKC, case
//! folding and long-vowel folding, keeping where each character came from.
//!
//! Every character of the output remembers the byte range of the original
//! text it came from, so the snippet code can mark the reader's words in
//! the text as written (ＣＰＵ stays full-width in the excerpt, yet matches
//! `cpu`).
//!
//! NFKC is applied per *cluster* (a character plus the marks that may
//! compose with it: combining marks, the half-width voiced sound marks
//! ﾞ ﾟ, Hangul vowel/final jamo), not to the whole string at once. That is
//! what keeps the original ranges exact, and for the text runbooks hold
//! (ASCII, Japanese, accented Latin) it equals whole-string NFKC; the
//! property tests check both.
//!
//! NFKC itself comes from `super::nfkc`: unicode-normalization natively,
//! the browser's `String.prototype.normalize` in the wasm module (its
//! tables were half the module's bytes). Only the small table of canonical
//! combining classes is linked on both sides.

use unicode_normalization::char::canonical_combining_class;

use super::nfkc::{nfkc, stays_under_nfkc};

/// One normalised character and the byte range `start..end` of the
/// original text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NormChar {
    pub ch: char,
    pub start: usize,
    pub end: usize,
}

/// The prolonged sound mark: メモリー and メモリ are the same word.
const LONG_VOWEL: char = 'ー';

/// Normalises `text` for search: the characters of its NFKC form, lower
/// cased, with a word-final katakana long-vowel mark dropped.
pub fn normalize_chars(text: &str) -> Vec<NormChar> {
    let mut out = Vec::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

/// `normalize_chars` into a buffer the caller keeps: the tokenizer reuses
/// one for every text of a site.
pub fn normalize_into(text: &str, out: &mut Vec<NormChar>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII composes with nothing but a non-ASCII mark after it: with
        // ASCII next, it is a cluster of its own (most of a runbook).
        if bytes[i].is_ascii() && bytes.get(i + 1).is_none_or(u8::is_ascii) {
            out.push(NormChar {
                ch: bytes[i].to_ascii_lowercase() as char,
                start: i,
                end: i + 1,
            });
            i += 1;
        } else {
            i = push_cluster(text, i, out);
        }
    }
    fold_long_vowels(out);
}

/// Normalises the cluster that starts at byte `start`; returns its end.
fn push_cluster(text: &str, start: usize, out: &mut Vec<NormChar>) -> usize {
    let mut chars = text[start..].char_indices().peekable();
    let Some((_, first)) = chars.next() else {
        return text.len();
    };
    let mut end = start + first.len_utf8();
    while let Some(&(i, next)) = chars.peek() {
        if !composes_with_previous(next) {
            break;
        }
        end = start + i + next.len_utf8();
        chars.next();
    }
    if end == start + first.len_utf8() {
        if is_plain_japanese(first) {
            out.push(NormChar {
                ch: first,
                start,
                end,
            });
            return end;
        }
        if first.is_ascii() || stays_under_nfkc(first) {
            // Full lower-casing: a few characters lower-case to two.
            out.extend(first.to_lowercase().map(|ch| NormChar { ch, start, end }));
            return end;
        }
    }
    // Lower-casing can put combining marks out of canonical order
    // (İ → i + U+0307 before a ﾟ): compose once more after it.
    let folded: String = nfkc(&text[start..end])
        .chars()
        .flat_map(char::to_lowercase)
        .collect();
    out.extend(nfkc(&folded).chars().map(|ch| NormChar { ch, start, end }));
    end
}

/// The normalised text alone.
pub fn normalize(text: &str) -> String {
    normalize_chars(text).into_iter().map(|c| c.ch).collect()
}

/// Hiragana and katakana letters, the long-vowel mark and the common
/// kanji: NFKC leaves them as they are, they compose with nothing before
/// them and have no case. Most characters of a Japanese runbook are one of
/// these; answering for them without the Unicode tables is what keeps
/// indexing a large site cheap. (The voiced sound marks U+3099–U+309C and
/// half-width katakana are outside these ranges on purpose.)
fn is_plain_japanese(ch: char) -> bool {
    matches!(ch, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{30FC}' | '\u{4E00}'..='\u{9FFF}')
}

/// Characters NFKC may fold into the character before them.
fn composes_with_previous(ch: char) -> bool {
    !ch.is_ascii()
        && !is_plain_japanese(ch)
        && (canonical_combining_class(ch) != 0
            || matches!(ch, '\u{FF9E}' | '\u{FF9F}' | '\u{3099}' | '\u{309A}')
            || ('\u{1160}'..='\u{11FF}').contains(&ch))
}

/// Katakana letters (not the long-vowel mark, not the middle dot ・).
pub(crate) fn is_katakana_letter(ch: char) -> bool {
    matches!(ch, '\u{30A1}'..='\u{30FA}' | '\u{31F0}'..='\u{31FF}')
}

/// Drops a long-vowel mark that ends a katakana word: メモリー → メモリ,
/// サーバー → サーバ, but ロールバック keeps its inner ー. This is the
/// JIS Z 8301 variation that writers mix freely; marks inside a word are
/// left alone because there they distinguish words (ビル / ビール).
fn fold_long_vowels(chars: &mut Vec<NormChar>) {
    if !chars.iter().any(|c| c.ch == LONG_VOWEL) {
        return;
    }
    let mut after_katakana = false;
    let mut kept = 0;
    for i in 0..chars.len() {
        let c = chars[i];
        if c.ch == LONG_VOWEL && after_katakana {
            // A run ーー stays "after katakana". `chars[i + 1]` is still
            // the original: `kept` never passes `i`.
            let word_goes_on = chars.get(i + 1).is_some_and(|n| is_katakana_letter(n.ch));
            if !word_goes_on {
                continue;
            }
        } else {
            after_katakana = is_katakana_letter(c.ch);
        }
        chars[kept] = c;
        kept += 1;
    }
    chars.truncate(kept);
}

#[cfg(test)]
mod tests {
    use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

    use super::*;

    /// The shortcut for Japanese letters answers what the tables would.
    #[test]
    fn plain_japanese_needs_no_tables() {
        let all = ('\u{3000}'..='\u{A000}').filter(|&ch| is_plain_japanese(ch));
        let mut count = 0;
        for ch in all {
            count += 1;
            assert_eq!(
                is_nfkc_quick(std::iter::once(ch)),
                IsNormalized::Yes,
                "{ch}"
            );
            assert_eq!(canonical_combining_class(ch), 0, "{ch}");
            assert_eq!(
                ch.to_lowercase().collect::<String>(),
                ch.to_string(),
                "{ch}"
            );
            assert_eq!(
                ch.to_string().nfkc().collect::<String>(),
                ch.to_string(),
                "{ch}"
            );
        }
        assert!(count > 20_000);
        assert!(!is_plain_japanese('\u{3099}') && !is_plain_japanese('ﾊ'));
    }

    /// Asserts each `(text, normalized)` case, naming the one that fails.
    fn assert_normalizes(cases: &[(&str, &str)]) {
        for &(text, normalized) in cases {
            assert_eq!(normalize(text), normalized, "{text}");
        }
    }

    #[test]
    fn full_width_and_half_width_fold() {
        assert_normalizes(&[
            ("ＣＰＵ", "cpu"),
            ("ﾛｰﾙﾊﾞｯｸ", "ロールバック"),
            ("ﾃﾞｰﾀﾍﾞｰｽ", "データベース"),
            ("OOMKilled", "oomkilled"),
            ("①", "1"),
        ]);
    }

    #[test]
    fn word_final_long_vowel_is_dropped() {
        assert_normalizes(&[
            ("メモリー", "メモリ"),
            ("メモリ", "メモリ"),
            ("サーバー再起動", "サーバ再起動"),
            ("ロールバック", "ロールバック"),
            ("エラーバジェット", "エラーバジェット"),
            // Not after katakana: left alone.
            ("すごーい", "すごーい"),
        ]);
    }

    #[test]
    fn ranges_point_into_the_original() {
        let text = "高ＣＰＵﾊﾞ";
        let chars = normalize_chars(text);
        for (normalized, original) in [('c', "Ｃ"), ('バ', "ﾊﾞ")] {
            let found = chars.iter().find(|c| c.ch == normalized).unwrap();
            assert_eq!(&text[found.start..found.end], original, "{normalized}");
        }
    }
}
