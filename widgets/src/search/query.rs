//! A query as the engine sees it: groups of terms (one group per word or
//! unspaced run the reader typed), and how each term may match.

use std::collections::BTreeSet;
use std::ops::Range;

use super::synonyms::{units, Synonyms};
use super::tokenize::{tokenize, Kind};

/// Query terms counted at most (rank.rs keeps a bit per term); synonym
/// alternatives are added only while the query stays within it.
pub const MAX_TERMS: usize = 64;

/// Latin words this long or longer also match with one typo.
pub const TYPO_MIN_CHARS: usize = 5;
/// Latin words this long or longer also match as a prefix (while typing).
pub const PREFIX_MIN_CHARS: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Normalised text, as in the index.
    pub text: String,
    /// Index terms that start with `text` match too.
    pub prefix: bool,
    /// Index terms one edit away match too.
    pub typo: bool,
}

/// The terms of one typed word or unspaced run; the page must match all
/// of them for the group to count as matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub groups: Vec<Group>,
    /// Every normalised token of the query, for marking snippets.
    pub mark: BTreeSet<String>,
    /// Unspaced runs of three or more characters, normalised: the index
    /// finds a page by the run's bigrams, which may sit in different words
    /// of it (ロールアウト from スケールアウト and ロールバック); a page
    /// whose text holds the run itself goes first (`Engine::arrange`).
    /// With the group each comes from.
    pub phrases: Vec<(usize, String)>,
    /// Synonyms of some of the groups (synonyms.rs): each may stand in for
    /// the groups it covers.
    pub choices: Vec<Choice>,
}

/// Another way to satisfy groups `covers` of the query: a synonym of what
/// the reader typed there, with what was left of a partly matched run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub covers: Range<usize>,
    /// All of them must match.
    pub terms: Vec<Term>,
    pub phrases: Vec<String>,
}

impl Query {
    /// The query with alternatives from `synonyms` for the forms it holds.
    pub fn parse_with(text: &str, synonyms: &Synonyms) -> Query {
        let mut query = Query::parse(text);
        if synonyms.is_empty() || query.groups.is_empty() {
            return query;
        }
        let typed = units(text);
        // `units` and the groups come from the same tokens: one unit per
        // group, unless a group gave no terms (a repeated word).
        if typed.len() != query.groups.len() {
            return query;
        }
        let mut count = query.terms().count();
        for found in synonyms.find(&typed) {
            for alternative in &found.alternatives {
                let mut terms = Vec::new();
                let mut phrases = Vec::new();
                let mut mark = Vec::new();
                for part in [alternative.as_str(), &found.before, &found.after] {
                    let parsed = Query::parse(part);
                    terms.extend(parsed.groups.into_iter().flat_map(|g| g.terms));
                    phrases.extend(parsed.phrases.into_iter().map(|(_, p)| p));
                    // Not a run's last character alone: marking every
                    // す that ends a run (ます) would mark half a page.
                    mark.extend(
                        parsed
                            .mark
                            .into_iter()
                            .filter(|t| t.chars().nth(1).is_some()),
                    );
                }
                if terms.is_empty() || count + terms.len() > MAX_TERMS {
                    continue;
                }
                let choice = Choice {
                    covers: found.first..found.first + found.len,
                    terms,
                    phrases,
                };
                if query.choices.contains(&choice) {
                    continue;
                }
                count += choice.terms.len();
                query.mark.extend(mark);
                query.choices.push(choice);
            }
        }
        query
    }

    pub fn parse(text: &str) -> Query {
        let tokens = tokenize(text);
        let mut query = Query::default();
        let mut seen = BTreeSet::new();
        // One run per token group, in order.
        for run in tokens.chunk_by(|a, b| a.group == b.group) {
            query.mark.extend(run.iter().map(|t| t.text.clone()));
            let phrase = phrase(run.iter().map(|t| (t.text.as_str(), t.kind)));
            let terms: Vec<Term> = group_terms(run.iter().map(|t| (t.text.as_str(), t.kind)))
                .into_iter()
                .filter(|t| seen.insert(t.text.clone()))
                .collect();
            if !terms.is_empty() {
                if let Some(phrase) = phrase {
                    if !query.phrases.iter().any(|(_, p)| *p == phrase) {
                        query.phrases.push((query.groups.len(), phrase));
                    }
                }
                query.groups.push(Group { terms });
            }
        }
        query
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The typed terms, then the synonyms'.
    pub fn terms(&self) -> impl Iterator<Item = &Term> {
        self.groups
            .iter()
            .flat_map(|g| g.terms.iter())
            .chain(self.choices.iter().flat_map(|c| c.terms.iter()))
    }
}

/// The run an unspaced group's bigrams spell, when it has more than one
/// bigram (a two-character run is its own bigram: nothing to check).
fn phrase<'a>(run: impl Iterator<Item = (&'a str, Kind)>) -> Option<String> {
    let bigrams: Vec<&str> = run
        .filter(|(_, k)| *k == Kind::Bigram)
        .map(|(t, _)| t)
        .collect();
    if bigrams.len() < 2 {
        return None;
    }
    let mut text: String = bigrams.iter().filter_map(|b| b.chars().next()).collect();
    text.extend(bigrams.last()?.chars().nth(1));
    Some(text)
}

/// The terms one token group contributes.
///
/// An unspaced run of n ≥ 2 characters is looked up by the bigrams that
/// *cover* it without overlap (positions 0, 2, 4, … and the last one):
/// half the downloads of all n-1 bigrams, and a page holding every
/// covering bigram almost always holds the run. A single character is a
/// prefix over the bigrams that start with it (and the trailing unigram).
fn group_terms<'a>(run: impl Iterator<Item = (&'a str, Kind)>) -> Vec<Term> {
    let run: Vec<(&str, Kind)> = run.collect();
    let bigrams: Vec<&str> = run
        .iter()
        .filter(|(_, k)| *k == Kind::Bigram)
        .map(|(t, _)| *t)
        .collect();
    if !bigrams.is_empty() {
        let last = bigrams.len() - 1;
        return (0..bigrams.len())
            .filter(|i| i % 2 == 0 || *i == last)
            .map(|i| Term {
                text: bigrams[i].to_string(),
                prefix: false,
                typo: false,
            })
            .collect();
    }
    // In `pg_stat_activity` the reader has finished `pg` and `stat` (a
    // joiner follows them): only the last part, and the identifier as a
    // whole, may still be being typed. Completing `stat` to `state` would
    // only add noise.
    let last_word = run.iter().rposition(|(_, k)| *k == Kind::Word);
    run.iter()
        .enumerate()
        .map(|(i, &(text, kind))| {
            let chars = text.chars().count();
            match kind {
                Kind::Unigram => Term {
                    text: text.to_string(),
                    prefix: true,
                    typo: false,
                },
                _ => Term {
                    text: text.to_string(),
                    prefix: chars >= PREFIX_MIN_CHARS
                        && (kind != Kind::Word || Some(i) == last_word),
                    typo: chars >= TYPO_MIN_CHARS && text.chars().any(char::is_alphabetic),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<Vec<String>> {
        Query::parse(text)
            .groups
            .iter()
            .map(|g| g.terms.iter().map(|t| t.text.clone()).collect())
            .collect()
    }

    #[test]
    fn runs_are_looked_up_by_covering_bigrams() {
        assert_eq!(terms("ロールバック"), [["ロー", "ルバ", "ック"]]);
        assert_eq!(terms("接続"), [["接続"]]);
        assert_eq!(terms("再起動"), [["再起", "起動"]]);
        assert_eq!(terms("DB接続"), [vec!["db"], vec!["接続"]]);
    }

    #[test]
    fn words_match_by_prefix_and_typo() {
        let q = Query::parse("rollbak p95 k");
        let t: Vec<&Term> = q.terms().collect();
        assert!(t[0].prefix && t[0].typo);
        assert!(t[1].prefix && !t[1].typo);
        assert!(!t[2].prefix && !t[2].typo);
    }

    #[test]
    fn finished_parts_of_an_identifier_are_not_prefixes() {
        let q = Query::parse("pg_stat_act");
        let prefix: Vec<(&str, bool)> = q.terms().map(|t| (t.text.as_str(), t.prefix)).collect();
        assert_eq!(
            prefix,
            [
                ("pg", false),
                ("stat", false),
                ("act", true),
                ("pg_stat_act", true)
            ]
        );
        // A lone word is still a prefix.
        assert!(Query::parse("stat").terms().all(|t| t.prefix));
    }

    #[test]
    fn runs_of_three_or_more_are_phrases() {
        let phrases = |q: &str| -> Vec<String> {
            Query::parse(q)
                .phrases
                .into_iter()
                .map(|(_, p)| p)
                .collect()
        };
        assert_eq!(phrases("ﾛｰﾙｱｳﾄ の完了"), ["ロールアウト", "の完了"]);
        assert_eq!(phrases("サーバー"), ["サーバ"]);
        assert_eq!(phrases("接続 DB pg_stat"), Vec::<String>::new());
        assert_eq!(phrases("再起動 再起動"), ["再起動"]);
        assert_eq!(
            Query::parse("db 再起動").phrases,
            [(1, "再起動".to_string())]
        );
    }

    #[test]
    fn synonyms_become_choices_over_the_groups_they_stand_for() {
        let synonyms = Synonyms::with_builtin(&[]);
        let q = Query::parse_with("証明書切れ 対応", &synonyms);
        assert_eq!(q.groups.len(), 2);
        let choice = q
            .choices
            .iter()
            .find(|c| c.terms.iter().any(|t| t.text == "有効"))
            .expect("証明書の有効期限");
        assert_eq!(choice.covers, 0..1);
        assert!(q.mark.contains("有効"));
        // Without synonyms, no choices; never past the term limit.
        assert!(Query::parse("証明書切れ").choices.is_empty());
        let long = Query::parse_with(
            "落ちた 重い ディスクがいっぱい 証明書切れ 再起動 ロールバック",
            &synonyms,
        );
        assert!(long.terms().count() <= MAX_TERMS);
        assert!(!long.choices.is_empty());
    }

    #[test]
    fn repeated_terms_count_once() {
        assert_eq!(terms("pod pod"), [["pod"]]);
    }
}
