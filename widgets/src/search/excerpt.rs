//! What a result shows: the section of the page that matches best, and a
//! snippet of its text with the matched words marked.

use std::collections::BTreeSet;

use super::tokenize::{tokenize, Token};

/// Characters of text a snippet shows, and how many of them come before
/// the first match.
const SNIPPET_CHARS: usize = 160;
const LEAD_CHARS: usize = 40;

/// The section to show and the matched byte ranges in its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Best {
    pub section: usize,
    pub hits: Vec<(usize, usize)>,
}

/// Picks the section (by `(heading, text)`) that matches the most query
/// groups, then the most matched words (a heading match counting three),
/// then the earliest. `groups[g]` holds the index terms that satisfy group
/// `g`'s terms (`groups[g][t]` for term `t`); `mark` all terms to mark.
pub fn best_section<'a>(
    sections: impl Iterator<Item = (&'a str, &'a str)>,
    groups: &[Vec<BTreeSet<String>>],
    mark: &BTreeSet<String>,
) -> Best {
    let mut best: Option<((usize, usize), Best)> = None;
    for (index, (heading, text)) in sections.enumerate() {
        let head_tokens = tokenize(heading);
        let text_tokens = tokenize(text);
        let present = |term_set: &BTreeSet<String>| {
            head_tokens
                .iter()
                .chain(&text_tokens)
                .any(|t| term_set.contains(&t.text))
        };
        let covered = groups
            .iter()
            .filter(|terms| !terms.is_empty() && terms.iter().all(present))
            .count();
        let marked = |tokens: &[Token]| tokens.iter().filter(|t| mark.contains(&t.text)).count();
        let words = 3 * marked(&head_tokens) + marked(&text_tokens);
        let key = (covered, words);
        if best.as_ref().is_none_or(|(k, _)| key > *k) {
            let hits = text_tokens
                .iter()
                .filter(|t| mark.contains(&t.text))
                .map(|t| (t.start, t.end))
                .collect();
            best = Some((
                key,
                Best {
                    section: index,
                    hits,
                },
            ));
        }
    }
    best.map(|(_, b)| b).unwrap_or(Best {
        section: 0,
        hits: Vec::new(),
    })
}

/// An HTML snippet of `text` around its first hit: escaped, whitespace
/// collapsed, hits wrapped in `<mark>`, cut ends shown as `…`.
pub fn snippet(text: &str, hits: &[(usize, usize)]) -> String {
    let mut hits: Vec<(usize, usize)> = hits.to_vec();
    hits.sort_unstable();
    // Overlapping bigrams (接続, 続エ) become one mark.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in hits {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let first = merged.first().map_or(0, |h| h.0);
    let first_char = boundaries.partition_point(|&b| b < first);
    let start_char = first_char.saturating_sub(LEAD_CHARS);
    let end_char = (start_char + SNIPPET_CHARS).min(boundaries.len());
    let start = boundaries.get(start_char).copied().unwrap_or(text.len());
    let end = boundaries.get(end_char).copied().unwrap_or(text.len());

    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(s, e) in merged.iter().filter(|h| h.1 > start && h.0 < end) {
        let (s, e) = (s.max(start), e.min(end));
        push_text(&mut out, &text[at..s]);
        out.push_str("<mark>");
        push_text(&mut out, &text[s..e]);
        out.push_str("</mark>");
        at = e;
    }
    push_text(&mut out, &text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

/// HTML-escaped, runs of whitespace as one space.
fn push_text(out: &mut String, text: &str) {
    let mut space = false;
    for ch in text.chars() {
        if ch.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        crate::html::push_escaped(out, ch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn marks_merge_and_escape() {
        let text = "アプリの DB接続エラー <a> を確認";
        let tokens = tokenize(text);
        let hits: Vec<(usize, usize)> = tokens
            .iter()
            .filter(|t| t.text == "接続" || t.text == "続エ")
            .map(|t| (t.start, t.end))
            .collect();
        assert_eq!(
            snippet(text, &hits),
            "アプリの DB<mark>接続エ</mark>ラー &lt;a&gt; を確認"
        );
    }

    #[test]
    fn long_text_is_cut_around_the_first_hit() {
        let text = format!("{} needle {}", "a ".repeat(200), "b ".repeat(200));
        let at = text.find("needle").unwrap();
        let s = snippet(&text, &[(at, at + 6)]);
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("<mark>needle</mark>"));
        assert!(s.chars().count() < SNIPPET_CHARS + 20);
    }

    #[test]
    fn the_section_matching_most_groups_wins() {
        let sections = [
            ("概要", "kubectl の説明"),
            ("ロールバック", "kubectl rollout undo を実行"),
        ];
        let groups = vec![vec![set(&["rollout"])], vec![set(&["undo"])]];
        let best = best_section(
            sections.iter().map(|(h, t)| (*h, *t)),
            &groups,
            &set(&["rollout", "undo"]),
        );
        assert_eq!(best.section, 1);
        assert_eq!(best.hits.len(), 2);
    }
}
