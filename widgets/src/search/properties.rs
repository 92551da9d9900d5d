//! Property tests of the normaliser and tokenizer over generated text
//! (a small deterministic generator: the crate takes no test dependencies,
//! and a failure prints the seed and the text that broke).

use unicode_normalization::UnicodeNormalization;

use super::normalize::{normalize, normalize_chars};
use super::tokenize::{tokenize, Kind};

/// Pieces the generator strings together: the scripts and the variants a
/// runbook mixes (full-width, half-width kana with voiced marks, combining
/// accents, long-vowel marks, identifiers, punctuation).
const PIECES: &[&str] = &[
    "a",
    "Z",
    "k",
    "8",
    "_",
    "-",
    " ",
    ".",
    "/",
    "\n",
    "ＣＰＵ",
    "Ａ",
    "１",
    "ﾛ",
    "ｰ",
    "ﾊ",
    "ﾞ",
    "ﾟ",
    "ｶ",
    "ﾞ",
    "ー",
    "メモリ",
    "リー",
    "接続",
    "再起動",
    "率",
    "高",
    "の",
    "を",
    "、",
    "。",
    "e\u{301}",
    "é",
    "\u{300}",
    "Å",
    "①",
    "㍉",
    "ｱ",
    "ﾝ",
    "・",
    "pg_stat_activity",
    "OOMKilled",
    "rollout",
    "tekutoko-api",
    "p95",
    "ß",
    "İ",
    "Ⅻ",
    "ｈｔｔｐ",
    "한국",
    "\u{1100}\u{1161}",
    "ไทย",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn text(&mut self) -> String {
        let len = (self.next() % 12) as usize;
        (0..len)
            .map(|_| PIECES[(self.next() % PIECES.len() as u64) as usize])
            .collect()
    }
}

fn for_each_text(check: impl Fn(&str)) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..5000 {
        let text = rng.text();
        check(&text);
    }
}

#[test]
fn normalising_the_nfkc_form_changes_nothing() {
    for_each_text(|text| {
        let nfkc: String = text.nfkc().collect();
        assert_eq!(normalize(&nfkc), normalize(text), "text {text:?}");
    });
}

#[test]
fn normalising_is_idempotent() {
    for_each_text(|text| {
        let once = normalize(text);
        assert_eq!(normalize(&once), once, "text {text:?}");
    });
}

#[test]
fn the_nfkc_form_gives_the_same_tokens() {
    for_each_text(|text| {
        let nfkc: String = text.nfkc().collect();
        let a: Vec<(String, Kind)> = tokenize(text)
            .into_iter()
            .map(|t| (t.text, t.kind))
            .collect();
        let b: Vec<(String, Kind)> = tokenize(&nfkc)
            .into_iter()
            .map(|t| (t.text, t.kind))
            .collect();
        assert_eq!(a, b, "text {text:?}");
    });
}

#[test]
fn ranges_are_char_boundaries_in_order() {
    for_each_text(|text| {
        let chars = normalize_chars(text);
        for pair in chars.windows(2) {
            assert!(pair[0].start <= pair[1].start, "text {text:?}");
        }
        for t in tokenize(text) {
            assert!(t.start < t.end && t.end <= text.len(), "{t:?} in {text:?}");
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(!t.text.is_empty());
        }
    });
}

#[test]
fn a_word_is_found_by_itself() {
    // What the index stores for a text contains what the query asks for
    // the same text: the tokens are a function of the text alone.
    for_each_text(|text| {
        let index: std::collections::BTreeSet<String> =
            tokenize(text).into_iter().map(|t| t.text).collect();
        let query = super::query::Query::parse(text);
        for term in query.terms() {
            assert!(index.contains(&term.text), "{term:?} of {text:?}");
        }
    });
}

#[test]
fn a_scanner_kept_across_texts_gives_what_a_fresh_one_gives() {
    // The indexer keeps one `Scanner` per page: nothing of a longer text
    // may leak into the tokens of a shorter one read after it.
    let scanner = std::cell::RefCell::new(super::tokenize::Scanner::default());
    for_each_text(|text| {
        let mut kept = Vec::new();
        scanner.borrow_mut().scan(text, |t| kept.push(t.to_token()));
        assert_eq!(kept, tokenize(text), "text {text:?}");
    });
}
