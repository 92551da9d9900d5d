//! The reader's words, not the writer's: sets of forms that mean the same
//! thing in operations (証明書切れ / 証明書の有効期限 / cert expired), found
//! in a query and offered to the ranking as alternatives.
//!
//! Applied at query time only, so the index does not grow and a site's
//! own sets (`search.synonyms` in runbook.yaml, shipped in the manifest)
//! work without reindexing. The built-in table is `synonyms.tsv`.
//!
//! A form is found in the query by its units (whole words, unspaced runs):
//! a one-unit Japanese form may sit inside a longer typed run
//! (証明書切れ in 証明書切れ対応); the rest of that run stays required
//! with the alternative. How an alternative ranks is rank.rs's business:
//! never above a page with the typed words.
//!
//! synonyms.tsv holds one set per line, its forms separated by tabs, and
//! nothing else (it ships inside the search module: comments would be
//! bytes every reader downloads). Its sets are words people type at
//! 3 a.m. (colloquial Japanese, katakana for English terms and the
//! reverse, English for Japanese pages), not a thesaurus: a form common in
//! unrelated pages only adds noise. Grouped by topic: availability,
//! latency and load, memory and disk, pods and deploys, database,
//! security, monitoring and process.

use super::tokenize::{tokenize, Kind};

const BUILTIN: &str = include_str!("synonyms.tsv");

/// One piece of a query or a form: a whole word (an identifier as a
/// whole) or an unspaced run, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Word(String),
    Run(String),
}

/// The units of `text`, in order, one per token group.
pub fn units(text: &str) -> Vec<Unit> {
    let tokens = tokenize(text);
    let mut out = Vec::new();
    // One run per token group, in order.
    for run in tokens.chunk_by(|a, b| a.group == b.group) {
        let unspaced = run
            .iter()
            .any(|t| matches!(t.kind, Kind::Bigram | Kind::Unigram));
        if unspaced {
            // Bigrams' first characters, then the run's last character.
            let mut text: String = run
                .iter()
                .filter(|t| t.kind == Kind::Bigram)
                .filter_map(|t| t.text.chars().next())
                .collect();
            text.extend(
                run.iter()
                    .filter(|t| t.kind == Kind::Unigram)
                    .map(|t| t.text.as_str()),
            );
            out.push(Unit::Run(text));
        } else if let Some(word) = run
            .iter()
            .find(|t| t.kind == Kind::Compound)
            .or_else(|| run.first())
        {
            out.push(Unit::Word(word.text.clone()));
        }
    }
    out
}

/// A form found in a query: units `first..first + len` of the query, and
/// what is left of partly matched Japanese runs before and after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub first: usize,
    pub len: usize,
    pub before: String,
    pub after: String,
    /// The other forms of the set, as written.
    pub alternatives: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct Form {
    written: String,
    units: Vec<Unit>,
}

/// Sets of forms; see the module comment.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    sets: Vec<Vec<Form>>,
}

impl Synonyms {
    /// The built-in table and `extra` sets (a site's own).
    pub fn with_builtin(extra: &[Vec<String>]) -> Synonyms {
        let mut synonyms = Synonyms::default();
        for line in BUILTIN.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                continue;
            }
            synonyms.add(line.split('\t').map(str::to_string).collect());
        }
        for set in extra {
            synonyms.add(set.clone());
        }
        synonyms
    }

    /// Adds a set; forms without a searchable word are dropped, and a set
    /// of fewer than two forms has nothing to offer.
    pub fn add(&mut self, forms: Vec<String>) {
        let forms: Vec<Form> = forms
            .into_iter()
            .map(|written| Form {
                units: units(&written),
                written,
            })
            .filter(|f| !f.units.is_empty())
            .collect();
        if forms.len() >= 2 {
            self.sets.push(forms);
        }
    }

    pub fn len(&self) -> usize {
        self.sets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// Every form of every set found in `query` (its units), with the
    /// set's other forms. A set's alternatives are offered once per place.
    pub fn find(&self, query: &[Unit]) -> Vec<Found> {
        let mut found: Vec<Found> = Vec::new();
        for set in &self.sets {
            for (n, form) in set.iter().enumerate() {
                for first in 0..query.len() {
                    let Some((before, after)) = match_at(&form.units, &query[first..]) else {
                        continue;
                    };
                    let place = (first, form.units.len(), &before, &after);
                    let alternatives: Vec<String> = set
                        .iter()
                        .enumerate()
                        .filter(|&(m, other)| m != n && other.units != form.units)
                        .map(|(_, other)| other.written.clone())
                        .collect();
                    if let Some(same) = found
                        .iter_mut()
                        .find(|f| (f.first, f.len, &f.before, &f.after) == place)
                    {
                        for alternative in alternatives {
                            if !same.alternatives.contains(&alternative) {
                                same.alternatives.push(alternative);
                            }
                        }
                    } else {
                        found.push(Found {
                            first,
                            len: form.units.len(),
                            before,
                            after,
                            alternatives,
                        });
                    }
                }
            }
        }
        found
    }
}

/// Whether `form` starts at `query[0]`: words equal, a Japanese run at
/// either end of a longer form may be the end (first) or the start (last)
/// of the typed run, and a one-unit run anywhere inside it. Returns the
/// typed text left before and after.
fn match_at(form: &[Unit], query: &[Unit]) -> Option<(String, String)> {
    if form.len() > query.len() {
        return None;
    }
    let last = form.len() - 1;
    let (mut before, mut after) = (String::new(), String::new());
    for (i, (f, q)) in form.iter().zip(query).enumerate() {
        match (f, q) {
            (Unit::Word(f), Unit::Word(q)) if f == q => {}
            (Unit::Run(f), Unit::Run(q)) => {
                let at = if last == 0 {
                    q.find(f.as_str())?
                } else if i == 0 {
                    q.strip_suffix(f.as_str())?.len()
                } else if i == last {
                    q.strip_prefix(f.as_str()).map(|_| 0)?
                } else if f == q {
                    0
                } else {
                    return None;
                };
                if i == 0 {
                    before = q[..at].to_string();
                }
                if i == last {
                    after = q[at + f.len()..].to_string();
                }
            }
            _ => return None,
        }
    }
    Some((before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> Unit {
        Unit::Run(s.into())
    }
    fn word(s: &str) -> Unit {
        Unit::Word(s.into())
    }

    #[test]
    fn units_of_mixed_text() {
        assert_eq!(
            units("Pod再起動 cert expired max_connections 高"),
            [
                word("pod"),
                run("再起動"),
                word("cert"),
                word("expired"),
                word("max_connections"),
                run("高")
            ]
        );
        // Normalised like the index: ﾃﾞｨｽｸ, サーバー → サーバ.
        assert_eq!(units("ﾃﾞｨｽｸ サーバー"), [run("ディスク"), run("サーバ")]);
    }

    #[test]
    fn forms_are_found_inside_runs_and_as_whole_words() {
        let synonyms = Synonyms::with_builtin(&[]);
        let found = synonyms.find(&units("証明書切れ対応"));
        let f = found
            .iter()
            .find(|f| f.alternatives.iter().any(|a| a == "証明書の有効期限"))
            .expect("証明書切れ");
        assert_eq!(
            (f.first, f.len, f.before.as_str(), f.after.as_str()),
            (0, 1, "", "対応")
        );

        let found = synonyms.find(&units("disk full now"));
        assert!(found.iter().any(|f| f.first == 0
            && f.len == 2
            && f.alternatives.iter().any(|a| a == "ディスク使用率")));
        // A word is never matched inside another word.
        assert!(synonyms.find(&units("podcast")).is_empty());
    }

    #[test]
    fn the_builtin_table_is_well_formed() {
        let synonyms = Synonyms::with_builtin(&[]);
        assert!(synonyms.len() >= 40, "{} sets", synonyms.len());
        for line in BUILTIN
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let forms: Vec<&str> = line.split('\t').collect();
            assert!(forms.len() >= 2, "a set of one form: {line:?}");
            for form in forms {
                assert!(
                    form.trim() == form && !form.is_empty() && !units(form).is_empty(),
                    "form {form:?} in {line:?}: no searchable word, or spaces around it"
                );
            }
        }
    }

    #[test]
    fn site_sets_join_the_builtin_ones() {
        let synonyms = Synonyms::with_builtin(&[vec!["テクトコ".into(), "TekuToko".into()]]);
        let found = synonyms.find(&units("テクトコ"));
        assert_eq!(found[0].alternatives, ["TekuToko"]);
    }
}
