//! The tokenizer: normalised text to index terms, the same on both sides.
//!
//! Two kinds of text, two rules:
//!
//! * **Spaced scripts** (Latin, digits, Hangul, …): words are runs of
//!   letters and digits. Identifiers joined by `_` or `-` give their parts
//!   *and* the whole (`pg_stat_activity` → `pg`, `stat`, `activity`,
//!   `pg_stat_activity`), so `activity` finds it and the whole identifier
//!   ranks the exact spelling first.
//! * **Unspaced scripts** (Japanese kanji/kana, Thai, …): overlapping
//!   character bigrams, plus the run's last character alone. We chose
//!   bigrams over a dictionary segmenter because runbooks are full of
//!   compounds a dictionary splits the wrong way or not at all (接続 inside
//!   DB接続エラー, 再起動 inside Pod再起動頻発, product and alert names in
//!   katakana): bigrams find any substring of two or more characters with
//!   no dictionary to ship to the browser (the wasm stays small) and no
//!   disagreement between indexer and query. The trailing unigram makes a
//!   one-character query (率, 株) find every occurrence by prefix.
//!
//! A token carries the byte range of the original text it covers, for
//! marking matches in snippets, and a `group`: the word or run it belongs
//! to, which the query uses for "all terms" ranking.

use super::normalize::{normalize_into, NormChar};

/// What a token is; the query treats each kind differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A run of letters and digits of a spaced script.
    Word,
    /// Words joined by `_` or `-`: the identifier as written.
    Compound,
    /// Two characters of an unspaced run.
    Bigram,
    /// One character: a one-character run, or the last of a longer run.
    Unigram,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub kind: Kind,
    /// Tokens of one word (with its compound) or one unspaced run share it.
    pub group: usize,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
}

/// Words longer than this are hashes, keys or base64: never searched for,
/// and they would only bloat the index.
const MAX_WORD_CHARS: usize = 48;

/// A token as `scan` hands it over: its text lives in a buffer the scan
/// reuses for the next token, so an indexer counting terms allocates only
/// for terms it has not seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenRef<'a> {
    pub text: &'a str,
    pub kind: Kind,
    pub group: usize,
    pub start: usize,
    pub end: usize,
}

impl TokenRef<'_> {
    pub fn to_token(self) -> Token {
        Token {
            text: self.text.to_string(),
            kind: self.kind,
            group: self.group,
            start: self.start,
            end: self.end,
        }
    }
}

/// Tokenizes `text` (original, not yet normalised).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    scan(text, |token| tokens.push(token.to_token()));
    tokens
}

/// The tokens of `text` in order, one call each: `tokenize` without a
/// `String` per token.
pub fn scan(text: &str, emit: impl FnMut(TokenRef)) {
    Scanner::default().scan(text, emit);
}

/// `scan` with buffers kept from one text to the next: an indexer reading
/// every text of a site through one allocates only while they grow.
#[derive(Default)]
pub struct Scanner {
    chars: Vec<NormChar>,
    buffer: String,
}

impl Scanner {
    pub fn scan(&mut self, text: &str, mut emit: impl FnMut(TokenRef)) {
        normalize_into(text, &mut self.chars);
        let (chars, buffer) = (&self.chars, &mut self.buffer);
        let mut group = 0;
        let mut i = 0;
        while i < chars.len() {
            let ch = chars[i].ch;
            if is_unspaced(ch) {
                let end = run_end(chars, i, is_unspaced);
                scan_run(&chars[i..end], group, buffer, &mut emit);
                group += 1;
                i = end;
            } else if is_word_char(ch) {
                i = scan_word(chars, i, group, buffer, &mut emit);
                group += 1;
            } else {
                i += 1;
            }
        }
    }
}

/// Characters of scripts written without spaces between words.
pub fn is_unspaced(ch: char) -> bool {
    matches!(ch,
        '\u{3005}' | '\u{3006}' | '\u{3007}'       // 々 〆 〇
        | '\u{3041}'..='\u{309F}'                   // hiragana
        | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' // katakana, ー
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}'                 // CJK extensions
        | '\u{0E00}'..='\u{0EFF}'                   // Thai, Lao
        | '\u{1000}'..='\u{109F}'                   // Myanmar
        | '\u{1780}'..='\u{17FF}'                   // Khmer
    )
}

fn is_word_char(ch: char) -> bool {
    if ch.is_ascii() {
        return ch.is_ascii_alphanumeric();
    }
    // The cheap range test first: a word usually ends at Japanese text.
    !is_unspaced(ch)
        && (ch.is_alphanumeric() || unicode_normalization::char::canonical_combining_class(ch) != 0)
}

fn run_end(chars: &[NormChar], from: usize, keep: fn(char) -> bool) -> usize {
    chars[from..]
        .iter()
        .position(|c| !keep(c.ch))
        .map_or(chars.len(), |n| from + n)
}

/// Emits the characters `chars` as one token of `kind`.
fn emit_span(
    chars: &[NormChar],
    kind: Kind,
    group: usize,
    buffer: &mut String,
    emit: &mut impl FnMut(TokenRef),
) {
    buffer.clear();
    buffer.extend(chars.iter().map(|c| c.ch));
    emit(TokenRef {
        text: buffer,
        kind,
        group,
        start: chars[0].start,
        end: chars[chars.len() - 1].end,
    });
}

/// Bigrams of an unspaced run, then its last character.
fn scan_run(run: &[NormChar], group: usize, buffer: &mut String, emit: &mut impl FnMut(TokenRef)) {
    for pair in run.windows(2) {
        emit_span(pair, Kind::Bigram, group, buffer, emit);
    }
    if let Some(last) = run.len().checked_sub(1) {
        emit_span(&run[last..], Kind::Unigram, group, buffer, emit);
    }
}

/// A word, or words joined by `_`/`-`, starting at `from`: each part,
/// then the whole. Returns where scanning goes on.
fn scan_word(
    chars: &[NormChar],
    from: usize,
    group: usize,
    buffer: &mut String,
    emit: &mut impl FnMut(TokenRef),
) -> usize {
    let mut part = from;
    loop {
        let end = run_end(chars, part, is_word_char);
        if end - part <= MAX_WORD_CHARS {
            emit_span(&chars[part..end], Kind::Word, group, buffer, emit);
        }
        let joined = chars.get(end).is_some_and(|c| matches!(c.ch, '_' | '-'))
            && chars.get(end + 1).is_some_and(|c| is_word_char(c.ch));
        if !joined {
            if part > from && end - from <= MAX_WORD_CHARS {
                emit_span(&chars[from..end], Kind::Compound, group, buffer, emit);
            }
            return end;
        }
        part = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn compounds_give_bigrams_and_a_tail() {
        assert_eq!(
            texts("DB接続エラー"),
            ["db", "接続", "続エ", "エラ", "ラ"].map(String::from)
        );
        assert!(texts("Pod再起動頻発").contains(&"再起".to_string()));
        assert_eq!(texts("高"), ["高"]);
    }

    #[test]
    fn identifiers_give_parts_and_the_whole() {
        assert_eq!(
            texts("SELECT * FROM pg_stat_activity;"),
            [
                "select",
                "from",
                "pg",
                "stat",
                "activity",
                "pg_stat_activity"
            ]
            .map(String::from)
        );
        assert_eq!(
            texts("kubectl rollout undo deployment/tekutoko-api"),
            [
                "kubectl",
                "rollout",
                "undo",
                "deployment",
                "tekutoko",
                "api",
                "tekutoko-api"
            ]
            .map(String::from)
        );
        // A trailing or doubled joiner is punctuation.
        assert_eq!(texts("a- b__c"), ["a", "b", "c"].map(String::from));
    }

    #[test]
    fn groups_and_ranges() {
        let text = "高ＣＰＵ使用率";
        let tokens = tokenize(text);
        let cpu = tokens.iter().find(|t| t.text == "cpu").unwrap();
        assert_eq!(&text[cpu.start..cpu.end], "ＣＰＵ");
        let groups: Vec<usize> = tokens.iter().map(|t| t.group).collect();
        assert_eq!(groups, [0, 1, 2, 2, 2]);
    }
}
