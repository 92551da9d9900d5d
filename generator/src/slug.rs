//! Heading ids by GitHub's rules, so an anchor written for GitHub
//! (`DB_MAINTENANCE.md#リカバリ手順`) lands on the same heading here.

use std::collections::HashMap;

/// GitHub's slug of one heading text: lower-cased, spaces to `-`, every
/// character that is not a letter, digit, mark, `_` or `-` dropped. Japanese
/// is kept as written.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c == ' ' || c == '-' {
            slug.push('-');
        } else if c == '_' || c.is_alphanumeric() || is_combining_mark(c) {
            slug.extend(c.to_lowercase());
        }
    }
    slug
}

/// Marks GitHub keeps although they are neither letters nor digits: the
/// combining diacritics and the kana voicing marks.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{3099}'..='\u{309A}' | '\u{20D0}'..='\u{20FF}')
}

/// Gives each heading of one page a unique id, numbering repeats `-1`,
/// `-2` as GitHub does.
#[derive(Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    /// The id for a heading with this text.
    pub fn slug(&mut self, text: &str) -> String {
        self.claim(slugify(text))
    }

    /// Reserves an id chosen by the writer (`{#id}`), or numbers it if taken.
    pub fn claim(&mut self, base: String) -> String {
        let mut result = base.clone();
        while self.seen.contains_key(&result) {
            // Counted on the base, as github-slugger does, so `a`, `a`,
            // `a-1` give `a`, `a-1`, `a-1-1`.
            let count = self.seen.entry(base.clone()).or_insert(0);
            *count += 1;
            result = format!("{base}-{count}");
        }
        self.seen.insert(result.clone(), 0);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_cases() {
        for (heading, slug) in [
            ("Hello World", "hello-world"),
            ("Pod再起動頻発対応", "pod再起動頻発対応"),
            ("高CPU使用率対応", "高cpu使用率対応"),
            ("リカバリ手順", "リカバリ手順"),
            ("1. ロールバック", "1-ロールバック"),
            ("SLI/SLO", "slislo"),
            ("What's new?", "whats-new"),
            ("snake_case & more", "snake_case--more"),
            ("手順（詳細）：確認", "手順詳細確認"),
            ("メモリー・CPU", "メモリーcpu"),
            ("  trimmed  ", "trimmed"),
            ("Ünïcödé Ök", "ünïcödé-ök"),
            ("a--b", "a--b"),
            ("🚀 Launch", "-launch"),
        ] {
            assert_eq!(slugify(heading), slug, "slug of {heading:?}");
        }
    }

    /// One page's headings in order, each with the slug it must get.
    fn assert_slugs_in_turn(headings: &[(&str, &str)]) {
        let mut s = Slugger::default();
        for (i, &(heading, slug)) in headings.iter().enumerate() {
            assert_eq!(s.slug(heading), slug, "heading {i}: {heading:?}");
        }
    }

    #[test]
    fn duplicates_are_numbered() {
        assert_slugs_in_turn(&[
            ("手順", "手順"),
            ("手順", "手順-1"),
            ("手順", "手順-2"),
            ("手順-1", "手順-1-1"),
            ("Foo", "foo"),
            ("foo", "foo-1"),
        ]);
    }

    #[test]
    fn empty_heading_has_empty_slug_then_numbers() {
        assert_slugs_in_turn(&[("!!!", ""), ("???", "-1")]);
    }
}
