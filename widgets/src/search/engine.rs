//! The query engine: holds the manifest and the index files fetched so far,
//! says which files a query still needs, ranks, and builds results.
//!
//! It never fetches anything itself. The browser glue (and the native
//! tests and benchmark) run the same loop:
//!
//! ```text
//! loop { ids = missing_chunks(q); if ids.is_empty() { break } fetch + add_chunk }
//! candidates = candidates(q, limit)
//! loop { pages = arrange(q, candidates, limit); ids = missing_record_files(pages);
//!        if ids.is_empty() { break } fetch + add_record_file }
//! results(q, pages)
//! ```
//!
//! so the ranking code is the same natively and in wasm, and only the
//! transport differs.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::excerpt::{best_section, snippet};
use super::format::{self, Chunk, FormatError, Manifest, PageRecord, RecordFile};
use super::lookup::{chunk_of, expand, home_chunks, typo_chunks, Expansion};
use super::normalize::normalize;
use super::query::Query;
use super::rank::{rank, Hit, Owner};
use super::synonyms::Synonyms;

/// How much a synonym's match counts against the typed word's. The order
/// of results does not rest on it (rank.rs ranks typed words first); it
/// orders pages found only through synonyms among themselves and against
/// completions and typos.
pub const SYNONYM_WEIGHT: f32 = 0.5;

/// One result, as `window.runbook.search` returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    /// From the site root, with the section's anchor: `ROLLBACK.html#手順`.
    pub url: String,
    pub title: String,
    /// The matching section's heading; empty for text above the first.
    pub heading: String,
    /// HTML: escaped text with the matched words in `<mark>`.
    pub excerpt: String,
}

pub struct Engine {
    manifest: Manifest,
    /// The first page of each record file, ascending (from the manifest's
    /// counts).
    record_starts: Vec<u32>,
    chunks: HashMap<usize, Chunk>,
    pages: HashMap<u32, PageRecord>,
    /// The built-in table and the site's sets from the manifest.
    synonyms: Synonyms,
}

impl Engine {
    pub fn new(manifest_json: &str) -> Result<Engine, FormatError> {
        let manifest: Manifest = format::parse(&format::manifest_path(), manifest_json, None)?;
        let mut record_starts = Vec::with_capacity(manifest.record_files.len());
        let mut next = 0u32;
        for &count in &manifest.record_files {
            record_starts.push(next);
            next = next.saturating_add(count);
        }
        // Counts that do not cover the pages would file records under
        // other pages' ids.
        if next != manifest.pages || manifest.record_files.contains(&0) {
            return Err(FormatError::Malformed {
                file: format::manifest_path(),
                message: format!(
                    "record_files must be counts above 0 adding up to pages ({}), not {:?}",
                    manifest.pages, manifest.record_files
                ),
            });
        }
        let synonyms = Synonyms::with_builtin(&manifest.synonyms);
        Ok(Engine {
            manifest,
            record_starts,
            chunks: HashMap::new(),
            pages: HashMap::new(),
            synonyms,
        })
    }

    /// Replaces the synonym table (`Synonyms::default()`: none), for
    /// measuring what the table does.
    pub fn set_synonyms(&mut self, synonyms: Synonyms) {
        self.synonyms = synonyms;
    }

    fn parse(&self, query: &str) -> Query {
        Query::parse_with(query, &self.synonyms)
    }

    pub fn stamp(&self) -> &str {
        &self.manifest.stamp
    }

    /// Chunks the query needs that are not loaded yet. Call again after
    /// adding them: a word missing from its chunk then asks for the
    /// neighbours that may hold its typo corrections.
    pub fn missing_chunks(&self, query: &str) -> Vec<usize> {
        let query = self.parse(query);
        let firsts = &self.manifest.chunks;
        let mut wanted = BTreeSet::new();
        for term in query.terms() {
            let home = home_chunks(firsts, term);
            let loaded: Option<Vec<&Chunk>> = home.iter().map(|c| self.chunks.get(c)).collect();
            match loaded {
                None => wanted.extend(home),
                Some(chunks) => {
                    // Neither the word nor a completion of it: maybe a typo.
                    if expand(&chunks, term).is_empty() {
                        wanted.extend(typo_chunks(firsts, term));
                    }
                }
            }
        }
        wanted
            .into_iter()
            .filter(|c| !self.chunks.contains_key(c))
            .collect()
    }

    pub fn add_chunk(&mut self, id: usize, json: &str) -> Result<(), FormatError> {
        let chunk = format::parse(&format::chunk_path(id), json, Some(&self.manifest.stamp))?;
        self.chunks.insert(id, chunk);
        Ok(())
    }

    /// Each query term's expansions over the loaded chunks, with its
    /// owner: typed terms first, then the synonyms' (weighed less).
    fn expansions(&self, query: &Query) -> (Vec<Vec<Expansion<'_>>>, Vec<Owner>) {
        let firsts = &self.manifest.chunks;
        let mut terms = Vec::new();
        let mut owners = Vec::new();
        let typed = query
            .groups
            .iter()
            .enumerate()
            .map(|(g, group)| (Owner::Group(g), &group.terms));
        let choices = query
            .choices
            .iter()
            .enumerate()
            .map(|(c, choice)| (Owner::Choice(c), &choice.terms));
        for (owner, group_terms) in typed.chain(choices) {
            for term in group_terms {
                let mut ids = home_chunks(firsts, term);
                ids.extend(typo_chunks(firsts, term));
                let chunks: Vec<&Chunk> = ids.iter().filter_map(|c| self.chunks.get(c)).collect();
                let mut expansions = expand(&chunks, term);
                if matches!(owner, Owner::Choice(_)) {
                    for e in &mut expansions {
                        e.weight *= SYNONYM_WEIGHT;
                    }
                }
                terms.push(expansions);
                owners.push(owner);
            }
        }
        (terms, owners)
    }

    /// The best `limit` pages for the query, over the chunks loaded.
    pub fn rank(&self, query: &str, limit: usize) -> Vec<Hit> {
        let query = self.parse(query);
        if query.is_empty() || self.manifest.chunks.is_empty() {
            return Vec::new();
        }
        let (terms, owners) = self.expansions(&query);
        let covers: Vec<_> = query.choices.iter().map(|c| c.covers.clone()).collect();
        rank(self.manifest.pages, &terms, &owners, &covers, limit)
    }

    /// Pages worth a record fetch for a query that shows `limit`: the
    /// best `limit` and a few more, in rank order, for `arrange`.
    pub fn candidates(&self, query: &str, limit: usize) -> Vec<u32> {
        self.rank(query, limit + SPARE_CANDIDATES)
            .into_iter()
            .map(|h| h.page)
            .collect()
    }

    /// The `limit` pages to show from `candidates` (best first): a page
    /// whose record is loaded and lacks one of the query's unspaced runs
    /// (it holds スケールアウト and ロールバック, the reader typed
    /// ロールアウト) goes after the others. A page not loaded yet counts as
    /// holding them: call again after loading `missing_record_files` of the
    /// answer, until nothing is missing.
    pub fn arrange(&self, query: &str, candidates: &[u32], limit: usize) -> Vec<u32> {
        let query = self.parse(query);
        let (mut first, mut last): (Vec<u32>, Vec<u32>) =
            candidates.iter().copied().partition(|page| {
                self.pages
                    .get(page)
                    .is_none_or(|record| holds_phrases(record, &query))
            });
        first.append(&mut last);
        first.truncate(limit);
        first
    }

    /// The record files holding the records of `pages` not loaded yet,
    /// each once, in the order of their first page in `pages`.
    pub fn missing_record_files(&self, pages: &[u32]) -> Vec<u32> {
        let mut files = Vec::new();
        for &page in pages {
            if self.pages.contains_key(&page) || page >= self.manifest.pages {
                continue;
            }
            let file = self.record_file_of(page);
            if !files.contains(&file) {
                files.push(file);
            }
        }
        files
    }

    pub fn add_record_file(&mut self, id: u32, json: &str) -> Result<(), FormatError> {
        let path = format::record_file_path(id);
        let file: RecordFile = format::parse(&path, json, Some(&self.manifest.stamp))?;
        let (first, expected) = match (
            self.record_starts.get(id as usize),
            self.manifest.record_files.get(id as usize),
        ) {
            (Some(&first), Some(&count)) => (first, count),
            _ => (0, 0),
        };
        // A wrong count would put every record under another page's id.
        if file.records.len() != expected as usize {
            return Err(FormatError::Malformed {
                file: path,
                message: format!(
                    "{} page records where the manifest says {expected}",
                    file.records.len()
                ),
            });
        }
        for (page, record) in (first..).zip(file.records) {
            self.pages.insert(page, record);
        }
        Ok(())
    }

    /// The record file holding `page` (`page < pages`).
    fn record_file_of(&self, page: u32) -> u32 {
        let after = self.record_starts.partition_point(|&start| start <= page);
        after.saturating_sub(1) as u32
    }

    /// Results for `pages` (in that order) whose records are loaded.
    pub fn results(&self, query: &str, pages: &[u32]) -> Vec<SearchResult> {
        let query = self.parse(query);
        let (terms, owners) = self.expansions(&query);
        // Per group (then per synonym choice), per term: the index terms
        // that satisfy it.
        let mut per_group: Vec<Vec<BTreeSet<String>>> =
            vec![Vec::new(); query.groups.len() + query.choices.len()];
        let mut mark = query.mark.clone();
        for (expansions, owner) in terms.iter().zip(&owners) {
            let set: BTreeSet<String> = expansions.iter().map(|e| e.term.to_string()).collect();
            // A synonym marks its own words (in `query.mark`), not the
            // completions of what was left of a typed run (に → に*).
            let slot = match *owner {
                Owner::Group(g) => {
                    mark.extend(set.iter().cloned());
                    g
                }
                Owner::Choice(c) => query.groups.len() + c,
            };
            per_group[slot].push(set);
        }
        pages
            .iter()
            .filter_map(|id| self.pages.get(id))
            .map(|record| {
                let best = best_section(
                    record
                        .sections
                        .iter()
                        .map(|(_, heading, text)| (heading.as_str(), text.as_str())),
                    &per_group,
                    &mark,
                );
                let (anchor, heading, text) = record
                    .sections
                    .get(best.section)
                    .map(|(a, h, t)| (a.as_str(), h.as_str(), t.as_str()))
                    .unwrap_or(("", "", ""));
                SearchResult {
                    url: if anchor.is_empty() {
                        record.url.clone()
                    } else {
                        format!("{}#{anchor}", record.url)
                    },
                    title: record.title.clone(),
                    heading: heading.to_string(),
                    excerpt: snippet(text, &best.hits),
                }
            })
            .collect()
    }

    /// The whole loop with a synchronous `fetch(path)` of files relative
    /// to the site root: for native callers (tests, benchmark).
    pub fn search<E>(
        &mut self,
        query: &str,
        limit: usize,
        mut fetch: impl FnMut(&str) -> Result<String, E>,
    ) -> Result<Vec<SearchResult>, SearchError<E>> {
        for _ in 0..3 {
            let missing = self.missing_chunks(query);
            if missing.is_empty() {
                break;
            }
            for id in missing {
                let json = fetch(&format::chunk_path(id)).map_err(SearchError::Fetch)?;
                self.add_chunk(id, &json).map_err(SearchError::Format)?;
            }
        }
        let candidates = self.candidates(query, limit);
        loop {
            let pages = self.arrange(query, &candidates, limit);
            let missing = self.missing_record_files(&pages);
            if missing.is_empty() {
                return Ok(self.results(query, &pages));
            }
            for id in missing {
                let json = fetch(&format::record_file_path(id)).map_err(SearchError::Fetch)?;
                self.add_record_file(id, &json)
                    .map_err(SearchError::Format)?;
            }
        }
    }

    /// Which chunk would hold `term`: for tests and diagnostics.
    pub fn chunk_of(&self, term: &str) -> usize {
        chunk_of(&self.manifest.chunks, term)
    }
}

/// Candidates ranked beyond what is shown, to take the place of pages
/// that hold a query's bigrams but not its run.
pub const SPARE_CANDIDATES: usize = 5;

/// Whether the page's text holds every phrase of the query, each within
/// one field (title, a heading, a section's text); a group's phrase may be
/// replaced by all the phrases of a synonym choice covering it.
fn holds_phrases(record: &PageRecord, query: &Query) -> bool {
    if query.phrases.is_empty() {
        return true;
    }
    let mut fields = vec![normalize(&record.title)];
    for (_, heading, text) in &record.sections {
        fields.push(normalize(heading));
        fields.push(normalize(text));
    }
    let holds = |phrase: &String| fields.iter().any(|field| field.contains(phrase.as_str()));
    query.phrases.iter().all(|(group, phrase)| {
        holds(phrase)
            || query.choices.iter().any(|c| {
                // Its words too: a choice of one English word has no
                // phrase, and must not pass for any page.
                c.covers.contains(group)
                    && c.phrases.iter().all(holds)
                    && c.terms.iter().all(|t| holds(&t.text))
            })
    })
}

#[derive(Debug)]
pub enum SearchError<E> {
    Fetch(E),
    Format(FormatError),
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::search::format::{encode_postings, weight, FORMAT};
    use crate::search::tokenize;

    /// A one-chunk index of `(title, text)` pages, as files by path, one
    /// record per file.
    fn index(pages: &[(&str, &str)]) -> BTreeMap<String, String> {
        index_grouped(pages, 1)
    }

    /// The same with records grouped `per_file` to a file.
    fn index_grouped(pages: &[(&str, &str)], per_file: u32) -> BTreeMap<String, String> {
        let mut terms: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
        for (id, (title, text)) in pages.iter().enumerate() {
            let mut tf: BTreeMap<String, u32> = BTreeMap::new();
            for token in tokenize(title).into_iter().chain(tokenize(text)) {
                *tf.entry(token.text).or_default() += 1;
            }
            for (term, n) in tf {
                terms
                    .entry(term)
                    .or_default()
                    .push((id as u32, weight(n, 10, 10.0)));
            }
        }
        let chunk = Chunk {
            format: FORMAT,
            stamp: "s".into(),
            terms: terms
                .into_iter()
                .map(|(t, p)| (t, encode_postings(&p)))
                .collect(),
        };
        let manifest = Manifest {
            format: FORMAT,
            stamp: "s".into(),
            pages: pages.len() as u32,
            record_files: (0..pages.len() as u32)
                .step_by(per_file as usize)
                .map(|first| per_file.min(pages.len() as u32 - first))
                .collect(),
            chunks: vec![String::new()],
            synonyms: Vec::new(),
        };
        let mut files = BTreeMap::new();
        files.insert(
            format::manifest_path(),
            serde_json::to_string(&manifest).unwrap(),
        );
        files.insert(
            format::chunk_path(0),
            serde_json::to_string(&chunk).unwrap(),
        );
        let records: Vec<PageRecord> = pages
            .iter()
            .enumerate()
            .map(|(id, (title, text))| PageRecord {
                url: format!("p{id}.html"),
                title: title.to_string(),
                sections: vec![(String::new(), String::new(), text.to_string())],
            })
            .collect();
        for (n, group) in records.chunks(per_file as usize).enumerate() {
            let file = RecordFile {
                format: FORMAT,
                stamp: "s".into(),
                records: group.to_vec(),
            };
            files.insert(
                format::record_file_path(n as u32),
                serde_json::to_string(&file).unwrap(),
            );
        }
        files
    }

    fn search(files: &BTreeMap<String, String>, query: &str, limit: usize) -> Vec<String> {
        let mut engine = Engine::new(&files[&format::manifest_path()]).unwrap();
        engine
            .search(query, limit, |path| {
                files.get(path).cloned().ok_or(path.to_string())
            })
            .unwrap()
            .into_iter()
            .map(|r| r.url)
            .collect()
    }

    /// ロールアウト's bigrams ロー, ルア, ウト are all on a page about
    /// スケールアウト and ロールバック, more often than on the page that
    /// says ロールアウト once: the page with the word itself comes first.
    #[test]
    fn a_page_with_the_run_beats_one_with_its_bigrams_apart() {
        let files = index(&[
            (
                "スケールアウト",
                "スケールアウト。スケールアウトの前にロールバック。ロールバックとスケールアウト。",
            ),
            (
                "手順",
                "ロールアウトの完了を待つ。ほかの文。ほかの文。ほかの文。",
            ),
        ]);
        assert_eq!(search(&files, "ロールアウト", 1), ["p1.html"]);
        assert_eq!(search(&files, "ﾛｰﾙｱｳﾄ", 2), ["p1.html", "p0.html"]);
        // Two-character runs and Latin words are not reordered.
        assert_eq!(search(&files, "スケ", 2)[0], "p0.html");
    }

    /// Pages grouped three to a file, seven pages: a result in the middle
    /// of a file and one in the short last file both get their own
    /// record, and a file costs one fetch however many results it holds.
    #[test]
    fn grouped_records_land_under_their_own_pages() {
        let words = [
            "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
        ];
        let pages: Vec<(String, String)> = words
            .iter()
            .map(|w| (format!("{w} title"), format!("{w} body text")))
            .collect();
        let pages: Vec<(&str, &str)> = pages
            .iter()
            .map(|(t, b)| (t.as_str(), b.as_str()))
            .collect();
        let files = index_grouped(&pages, 3);
        assert!(files.contains_key(&format::record_file_path(2)));
        assert!(!files.contains_key(&format::record_file_path(3)));
        assert_eq!(search(&files, "delta", 1), ["p3.html"]);
        assert_eq!(search(&files, "golf", 1), ["p6.html"]);

        let mut engine = Engine::new(&files[&format::manifest_path()]).unwrap();
        let mut fetched = Vec::new();
        let results = engine
            .search("title", 7, |path| {
                fetched.push(path.to_string());
                files.get(path).cloned().ok_or(path.to_string())
            })
            .unwrap();
        assert_eq!(results.len(), 7);
        let record_fetches = fetched
            .iter()
            .filter(|p| p.starts_with("search/p/"))
            .count();
        assert_eq!(record_fetches, 3, "{fetched:?}");
        for result in &results {
            let word = result.url.trim_start_matches('p').trim_end_matches(".html");
            let id: usize = word.parse().unwrap();
            assert_eq!(result.title, format!("{} title", words[id]));
        }
    }

    /// A record file whose count disagrees with the manifest would put
    /// records under other pages' ids: refused, naming the file.
    #[test]
    fn a_record_file_of_the_wrong_length_is_refused() {
        let files = index_grouped(&[("a", "one"), ("b", "two"), ("c", "three")], 2);
        let mut engine = Engine::new(&files[&format::manifest_path()]).unwrap();
        let full = &files[&format::record_file_path(0)];
        // The last file holds one record; give it file 0's two.
        let err = engine.add_record_file(1, full).unwrap_err();
        assert!(
            err.to_string().contains(&format::record_file_path(1))
                && err
                    .to_string()
                    .contains("2 page records where the manifest says 1"),
            "{err}"
        );
        assert!(engine.add_record_file(0, full).is_ok());
    }

    /// A manifest whose record counts do not add up to its pages is
    /// refused before any record is filed under a wrong page.
    #[test]
    fn a_manifest_whose_record_counts_miss_pages_is_refused() {
        let manifest = |counts: &str| {
            format!(
                r#"{{"format":{FORMAT},"stamp":"s","pages":5,"record_files":{counts},"chunks":[""]}}"#
            )
        };
        assert!(Engine::new(&manifest("[2,3]")).is_ok());
        for wrong in ["[2,2]", "[2,4]", "[]", "[5,0]"] {
            let err = Engine::new(&manifest(wrong)).err().expect(wrong);
            assert!(err.to_string().contains("search/manifest.json"), "{err}");
        }
    }
}
