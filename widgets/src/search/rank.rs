//! Ranking: BM25 over pages, with title and heading boosts baked into the
//! posting weights by the indexer, and "all groups first".
//!
//! A page's score is the sum over query terms of the query term's idf
//! (over every page any of its expansions is on) times the best
//! `weight × match kind` among the index terms it expanded to. Pages are ordered by how many query groups (typed words)
//! they match completely, then by how many of those they match with the
//! typed words themselves rather than a synonym's (so a synonym never
//! puts a page above one holding what the reader typed), then by the
//! typed terms' score, then the synonyms' score, then by page id (stable
//! output).

use std::collections::HashMap;
use std::ops::Range;

use super::format::{decode_postings, WEIGHT_SCALE};
use super::lookup::Expansion;

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub page: u32,
    /// Query groups matched completely, by their own terms or a synonym's.
    pub groups: usize,
    /// Of those, the ones matched by their own terms.
    pub exact: usize,
    /// From the typed terms.
    pub score: f32,
    /// From synonyms' terms: orders pages only where `score` ties.
    pub synonym_score: f32,
    /// From typed terms of groups a synonym satisfied: last.
    pub rest: f32,
}

/// Whose a query term is: a typed group's, or a synonym choice's (which
/// stands in for the groups `covers[choice]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Group(usize),
    Choice(usize),
}

/// BM25's inverse document frequency, never negative.
pub fn idf(pages: u32, df: usize) -> f32 {
    let (n, df) = (pages as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// `terms[i]` lists the expansions of query term `i`; `owners[i]` is whose
/// it is; `covers[c]` the groups choice `c` stands in for. At most 64 terms
/// count (a longer query is cut).
pub fn rank(
    pages: u32,
    terms: &[Vec<Expansion>],
    owners: &[Owner],
    covers: &[Range<usize>],
    limit: usize,
) -> Vec<Hit> {
    let terms = &terms[..terms.len().min(64)];
    // Per term: its best contribution on each page it matched.
    let mut values: Vec<HashMap<u32, f32>> = Vec::with_capacity(terms.len());
    let mut matched: HashMap<u32, u64> = HashMap::new();
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
        for (page, value) in best.iter_mut() {
            *value *= idf;
            *matched.entry(*page).or_default() |= 1 << i;
        }
        values.push(best);
    }
    let (group_masks, choice_masks) = masks(owners, covers.len(), terms.len());
    let full = |mask: u64, matched: u64| mask != 0 && matched & mask == mask;
    let mut hits: Vec<Hit> = matched
        .into_iter()
        .map(|(page, matched)| {
            let mut groups = 0;
            let mut exact = 0;
            // Typed terms of groups that only a synonym satisfies: their
            // stray bigrams must not order the pages found that way.
            let mut demoted = 0u64;
            for (g, &mask) in group_masks.iter().enumerate() {
                if full(mask, matched) {
                    groups += 1;
                    exact += 1;
                } else if covers
                    .iter()
                    .zip(&choice_masks)
                    .any(|(range, &choice)| range.contains(&g) && full(choice, matched))
                {
                    groups += 1;
                    demoted |= mask;
                }
            }
            let mut hit = Hit {
                page,
                groups,
                exact,
                score: 0.0,
                synonym_score: 0.0,
                rest: 0.0,
            };
            for (i, owner) in owners.iter().enumerate().take(terms.len()) {
                let Some(value) = values[i].get(&page) else {
                    continue;
                };
                match owner {
                    Owner::Choice(_) => hit.synonym_score += value,
                    Owner::Group(_) if demoted & (1 << i) != 0 => hit.rest += value,
                    Owner::Group(_) => hit.score += value,
                }
            }
            hit
        })
        .collect();
    hits.sort_by(|a, b| {
        b.groups
            .cmp(&a.groups)
            .then(b.exact.cmp(&a.exact))
            .then(b.score.total_cmp(&a.score))
            .then(b.synonym_score.total_cmp(&a.synonym_score))
            .then(b.rest.total_cmp(&a.rest))
            .then(a.page.cmp(&b.page))
    });
    hits.truncate(limit);
    hits
}

/// Bit masks of the terms of each group and of each choice.
fn masks(owners: &[Owner], choices: usize, terms: usize) -> (Vec<u64>, Vec<u64>) {
    let groups = owners
        .iter()
        .filter_map(|o| match o {
            Owner::Group(g) => Some(g + 1),
            Owner::Choice(_) => None,
        })
        .max()
        .unwrap_or(0);
    let mut group_masks = vec![0u64; groups];
    let mut choice_masks = vec![0u64; choices];
    for (i, owner) in owners.iter().enumerate().take(terms) {
        match *owner {
            Owner::Group(g) => group_masks[g] |= 1 << i,
            Owner::Choice(c) => {
                if let Some(mask) = choice_masks.get_mut(c) {
                    *mask |= 1 << i;
                }
            }
        }
    }
    (group_masks, choice_masks)
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
        let owners = [Owner::Group(0), Owner::Group(1)];
        let hits = rank(10, &[exp(a), exp(b)], &owners, &[], 10);
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
        let owners = [Owner::Group(0), Owner::Group(1)];
        let hits = rank(10, &[tekutoko, word], &owners, &[], 10);
        assert_eq!(hits[0].page, 2, "{hits:?}");
    }

    /// Page 0 holds the typed word once; page 1 a rare synonym of it,
    /// heading-boosted: page 0 still comes first, page 1 is found.
    #[test]
    fn a_synonym_never_outranks_the_typed_word() {
        let leak = |p: Vec<u32>| -> &'static [u32] { Box::leak(p.into_boxed_slice()) };
        let all: Vec<(u32, u32)> = (0..10).map(|p| (p, 100)).collect();
        let typed = leak(encode_postings(&[(0, 20)]));
        let common = leak(encode_postings(&all));
        let synonym = leak(encode_postings(&[(1, 240)]));
        let exp = |postings, weight| Expansion {
            term: "x",
            postings,
            weight,
        };
        let hits = rank(
            10,
            &[
                vec![exp(typed, 1.0)],
                vec![exp(common, 1.0)],
                vec![exp(synonym, 0.5)],
            ],
            &[Owner::Group(0), Owner::Group(1), Owner::Choice(0)],
            &[Range { start: 0, end: 1 }],
            10,
        );
        assert_eq!((hits[0].page, hits[0].groups, hits[0].exact), (0, 2, 2));
        assert_eq!((hits[1].page, hits[1].groups, hits[1].exact), (1, 2, 1));
        assert!(hits[1].synonym_score > hits[0].score, "{hits:?}");
    }

    #[test]
    fn rare_terms_weigh_more() {
        assert!(idf(1000, 1) > idf(1000, 500));
        assert!(idf(10, 10) > 0.0);
    }
}
