//! Ranking: BM25 over pages, with title and heading boosts baked into the
//! posting weights by the indexer, and "all groups first".
//!
//! A page's score is the sum over query terms of the query term's idf
//! (over every page any of its expansions is on) times the best
//! `weight × match kind` among the index terms it expanded to. Pages are ordered by how many query groups (typed words)
//! they match completely, then by score, then by page id (stable output).

use std::collections::HashMap;

use super::format::{decode_postings, WEIGHT_SCALE};
use super::lookup::Expansion;

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub page: u32,
    /// Query groups matched completely.
    pub groups: usize,
    pub score: f32,
}

/// BM25's inverse document frequency, never negative.
pub fn idf(pages: u32, df: usize) -> f32 {
    let (n, df) = (pages as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// `terms[i]` lists the expansions of query term `i`; `groups[i]` is its
/// group. At most 64 terms count (a longer query is cut).
pub fn rank(pages: u32, terms: &[Vec<Expansion>], groups: &[usize], limit: usize) -> Vec<Hit> {
    #[derive(Default, Clone, Copy)]
    struct Acc {
        score: f32,
        matched: u64,
    }
    let terms = &terms[..terms.len().min(64)];
    let mut acc: HashMap<u32, Acc> = HashMap::new();
    for (i, expansions) in terms.iter().enumerate() {
        // Best contribution of this term per page, over its expansions.
        let mut best: HashMap<u32, f32> = HashMap::new();
        for e in expansions {
            for (page, weight) in decode_postings(e.postings) {
                let value = e.weight * weight as f32 / WEIGHT_SCALE;
                let slot = best.entry(page).or_insert(0.0);
                *slot = slot.max(value);
            }
        }
        // The query term's rarity is that of every page it matched, not
        // of each completion or correction: `tekutoko` is on every page
        // even though `tekutokohighcpu` is on one, and must not weigh as
        // much as that rare word.
        let idf = idf(pages, best.len());
        for (page, value) in best {
            let a = acc.entry(page).or_default();
            a.score += idf * value;
            a.matched |= 1 << i;
        }
    }
    let group_masks = masks(groups, terms.len());
    let mut hits: Vec<Hit> = acc
        .into_iter()
        .map(|(page, a)| Hit {
            page,
            groups: group_masks
                .iter()
                .filter(|&&m| m != 0 && a.matched & m == m)
                .count(),
            score: a.score,
        })
        .collect();
    hits.sort_by(|a, b| {
        b.groups
            .cmp(&a.groups)
            .then(b.score.total_cmp(&a.score))
            .then(a.page.cmp(&b.page))
    });
    hits.truncate(limit);
    hits
}

/// Bit mask of the terms of each group.
fn masks(groups: &[usize], terms: usize) -> Vec<u64> {
    let count = groups.iter().copied().max().map_or(0, |g| g + 1);
    let mut masks = vec![0u64; count];
    for (i, &g) in groups.iter().enumerate().take(terms) {
        masks[g] |= 1 << i;
    }
    masks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::format::encode_postings;

    #[test]
    fn all_groups_beat_a_higher_score_on_some() {
        let a = encode_postings(&[(0, 200), (1, 50)]);
        let b = encode_postings(&[(1, 50)]);
        let exp = |postings: &'static [u32]| {
            vec![Expansion {
                term: "x",
                postings,
                weight: 1.0,
            }]
        };
        let a: &'static [u32] = Box::leak(a.into_boxed_slice());
        let b: &'static [u32] = Box::leak(b.into_boxed_slice());
        let hits = rank(10, &[exp(a), exp(b)], &[0, 1], 10);
        assert_eq!(hits[0].page, 1);
        assert_eq!(hits[0].groups, 2);
        assert_eq!(hits[1].page, 0);
    }

    /// A common word that is also the prefix of a rare one (`tekutoko`,
    /// `tekutokohighcpu`) weighs as little as the common word: the rare
    /// completion must not lift the pages it is on above a page that
    /// matches the reader's other, rarer words.
    #[test]
    fn a_common_word_stays_common_through_its_completions() {
        let leak = |p: Vec<u32>| -> &'static [u32] { Box::leak(p.into_boxed_slice()) };
        // Page 0..10 hold `tekutoko`; page 1 also `tekutokohighcpu`
        // (heading-boosted); page 2 holds the other query word more often.
        let all: Vec<(u32, u32)> = (0..10).map(|p| (p, 100)).collect();
        let common = leak(encode_postings(&all));
        let rare = leak(encode_postings(&[(1, 200)]));
        let other = leak(encode_postings(&[(1, 60), (2, 120)]));
        let tekutoko = vec![
            Expansion {
                term: "tekutoko",
                postings: common,
                weight: 1.0,
            },
            Expansion {
                term: "tekutokohighcpu",
                postings: rare,
                weight: 0.6,
            },
        ];
        let word = vec![Expansion {
            term: "x",
            postings: other,
            weight: 1.0,
        }];
        let hits = rank(10, &[tekutoko, word], &[0, 1], 10);
        assert_eq!(hits[0].page, 2, "{hits:?}");
    }

    #[test]
    fn rare_terms_weigh_more() {
        assert!(idf(1000, 1) > idf(1000, 500));
        assert!(idf(10, 10) > 0.0);
    }
}
