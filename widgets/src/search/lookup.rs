//! From a query term to index terms: which chunks to fetch, and which of
//! their terms match exactly, as a prefix or with one typo.

use super::format::Chunk;
use super::query::{Term, TYPO_MIN_CHARS};

/// How much a match counts, relative to an exact one.
pub const PREFIX_WEIGHT: f32 = 0.6;
pub const TYPO_WEIGHT: f32 = 0.5;
/// Bounds on what one term may pull in: a two-letter prefix on a large
/// site must not download half the index.
const MAX_PREFIX_CHUNKS: usize = 3;
const MAX_PREFIX_TERMS: usize = 24;
const MAX_TYPO_TERMS: usize = 8;

/// The chunk whose range holds `term` (where it is or would be).
pub fn chunk_of(firsts: &[String], term: &str) -> usize {
    firsts
        .partition_point(|first| first.as_str() <= term)
        .saturating_sub(1)
}

/// Chunks a term needs first: its own and, for a prefix, the following
/// chunks whose terms still start with it.
pub fn home_chunks(firsts: &[String], term: &Term) -> Vec<usize> {
    if firsts.is_empty() {
        return Vec::new();
    }
    let home = chunk_of(firsts, &term.text);
    let mut chunks = vec![home];
    if term.prefix {
        let text = term.text.as_str();
        chunks.extend(
            (home + 1..firsts.len())
                .take_while(|&c| firsts[c].starts_with(text))
                .take(MAX_PREFIX_CHUNKS - 1),
        );
    }
    chunks
}

/// Chunks where corrections of a misspelt term may sit besides its own:
/// the neighbours that share its first two characters. A typo after them
/// keeps the word close in sort order, so one chunk either side suffices.
/// Fetched only for a word the index does not hold.
pub fn typo_chunks(firsts: &[String], term: &Term) -> Vec<usize> {
    if firsts.is_empty() || !term.typo {
        return Vec::new();
    }
    let home = chunk_of(firsts, &term.text);
    let lead: String = term.text.chars().take(2).collect();
    let mut chunks = Vec::new();
    if home > 0 && firsts[home].starts_with(&lead) {
        chunks.push(home - 1);
    }
    if home + 1 < firsts.len() && firsts[home + 1].starts_with(&lead) {
        chunks.push(home + 1);
    }
    chunks
}

/// One index term a query term matched, with its postings.
#[derive(Debug, Clone, Copy)]
pub struct Expansion<'a> {
    pub term: &'a str,
    pub postings: &'a [u32],
    pub weight: f32,
}

/// The index terms `term` matches in the loaded `chunks`. Exact first,
/// then prefix completions, most frequent first. Typo corrections only
/// when the word itself is not in the index: a word that is there means
/// what it says.
pub fn expand<'a>(chunks: &[&'a Chunk], term: &Term) -> Vec<Expansion<'a>> {
    let mut exact = Vec::new();
    let mut prefixed = Vec::new();
    let mut typos = Vec::new();
    let query: Vec<char> = term.text.chars().collect();
    for chunk in chunks {
        let terms = &chunk.terms;
        let at = terms.partition_point(|(t, _)| t.as_str() < term.text.as_str());
        if let Some((t, postings)) = terms.get(at) {
            if *t == term.text {
                exact.push(Expansion {
                    term: t,
                    postings,
                    weight: 1.0,
                });
            }
        }
        if term.prefix {
            prefixed.extend(
                terms[at..]
                    .iter()
                    .take_while(|(t, _)| t.starts_with(&term.text))
                    .filter(|(t, _)| *t != term.text)
                    .map(|(t, postings)| Expansion {
                        term: t,
                        postings,
                        weight: PREFIX_WEIGHT,
                    }),
            );
        }
        if term.typo && exact.is_empty() {
            typos.extend(
                terms
                    .iter()
                    .filter(|(t, _)| !t.starts_with(&term.text) && one_edit_apart(&query, t))
                    .map(|(t, postings)| Expansion {
                        term: t,
                        postings,
                        weight: TYPO_WEIGHT,
                    }),
            );
        }
    }
    let by_frequency = |a: &Expansion, b: &Expansion| {
        b.postings
            .len()
            .cmp(&a.postings.len())
            .then(a.term.cmp(b.term))
    };
    prefixed.sort_by(by_frequency);
    prefixed.dedup_by(|a, b| a.term == b.term);
    prefixed.truncate(MAX_PREFIX_TERMS);
    typos.sort_by(by_frequency);
    typos.dedup_by(|a, b| a.term == b.term);
    typos.truncate(MAX_TYPO_TERMS);
    exact.truncate(1);
    exact.into_iter().chain(prefixed).chain(typos).collect()
}

/// Damerau–Levenshtein distance exactly 1 (one insertion, deletion,
/// substitution or swap of neighbours), for words long enough that a
/// one-letter slip does not turn them into another word.
pub fn one_edit_apart(query: &[char], candidate: &str) -> bool {
    let cand: Vec<char> = candidate.chars().collect();
    if cand.len() + 1 < TYPO_MIN_CHARS || cand.len().abs_diff(query.len()) > 1 || cand == query {
        return false;
    }
    let (a, b) = (query, cand.as_slice());
    let common_start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let common_end = a[common_start..]
        .iter()
        .rev()
        .zip(b[common_start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ra, rb) = (
        a.len() - common_start - common_end,
        b.len() - common_start - common_end,
    );
    match (ra, rb) {
        // Substitution, insertion, deletion of one character.
        (1, 1) | (0, 1) | (1, 0) => true,
        // Swapped neighbours: "ab" ↔ "ba".
        (2, 2) => {
            let (x, y) = (
                &a[common_start..common_start + 2],
                &b[common_start..common_start + 2],
            );
            x[0] == y[1] && x[1] == y[0]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn one_typo_is_tolerated() {
        assert!(one_edit_apart(&chars("rollbak"), "rollback"));
        assert!(one_edit_apart(&chars("oomkiled"), "oomkilled"));
        assert!(one_edit_apart(&chars("vacum"), "vacuum"));
        assert!(one_edit_apart(&chars("rollbcak"), "rollback"));
        assert!(one_edit_apart(&chars("kubectk"), "kubectl"));
        assert!(!one_edit_apart(&chars("rolbak"), "rollback"));
        assert!(!one_edit_apart(&chars("rollback"), "rollback"));
        assert!(!one_edit_apart(&chars("pods"), "pod"));
    }

    #[test]
    fn chunks_cover_prefixes_and_neighbours() {
        let firsts: Vec<String> = ["a", "kube", "kubectl-x", "rollback", "rollout", "s"]
            .map(String::from)
            .to_vec();
        let term = |text: &str, prefix, typo| Term {
            text: text.into(),
            prefix,
            typo,
        };
        assert_eq!(chunk_of(&firsts, "0"), 0);
        assert_eq!(chunk_of(&firsts, "kubectl"), 1);
        assert_eq!(home_chunks(&firsts, &term("kubect", true, true)), [1, 2]);
        assert_eq!(home_chunks(&firsts, &term("rollbak", true, true)), [3]);
        assert_eq!(typo_chunks(&firsts, &term("rollbak", true, true)), [2, 4]);
        assert_eq!(home_chunks(&firsts, &term("zz", false, false)), [5]);
        assert!(typo_chunks(&firsts, &term("zz", false, false)).is_empty());
    }
}
