//! The query suite and what the native and browser runs share: building
//! content/ into a temporary site, and checking results against the
//! expectations.

use std::path::{Path, PathBuf};
use std::process::Command;

use runbook_widgets::search::{Engine, SearchResult};
use serde::Deserialize;

use crate::common::run_ok;

/// Results per query the expectations are about.
pub const TOP: usize = 3;
/// recall@3 over all (query, expected page) pairs must reach this.
pub const MIN_RECALL: f64 = 0.95;

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub query: String,
    /// Source file stems (README for the index page).
    pub expect: Vec<String>,
    #[serde(default)]
    pub why: String,
}

pub fn cases() -> Vec<Case> {
    cases_of("queries.yaml")
}

/// The cases of a suite file in tests/search/.
pub fn cases_of(file: &str) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/search")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases: Vec<Case> =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(cases.len() >= 30, "the suite has {} queries", cases.len());
    cases
}

/// content/ built with the binary into a temporary folder.
pub struct Site {
    _dir: tempfile::TempDir,
    pub out: PathBuf,
}

impl Site {
    pub fn build() -> Site {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        Site::build_from(&content)
    }

    /// `content` built into a temporary folder.
    pub fn build_from(content: &Path) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        run_ok(
            Command::new(env!("CARGO_BIN_EXE_runbook"))
                .arg("build")
                .arg(content)
                .arg("--out")
                .arg(&out)
                .env_remove("RUNBOOK_LOG"),
        );
        Site { _dir: dir, out }
    }

    /// A file of the site as text; the search index's gzipped files
    /// unpacked, as the browser's search.js does.
    pub fn read(&self, rel: &str) -> String {
        read_text(&self.out.join(rel))
    }

    /// A native engine over the site's index: `search/manifest.json`
    /// loaded, the other files read when the engine asks for them.
    pub fn engine(&self) -> NativeSearch<'_> {
        NativeSearch {
            site: self,
            engine: Engine::new(&self.read("search/manifest.json")).expect("manifest"),
            fetched: Vec::new(),
        }
    }
}

pub struct NativeSearch<'a> {
    site: &'a Site,
    pub engine: Engine,
    /// Every file the engine asked for, in order.
    pub fetched: Vec<String>,
}

impl NativeSearch<'_> {
    /// The URLs of each case's top results, in the cases' order.
    pub fn top_urls(&mut self, cases: &[Case]) -> Vec<Vec<String>> {
        cases
            .iter()
            .map(|case| {
                self.search(&case.query, TOP)
                    .into_iter()
                    .map(|r| r.url)
                    .collect()
            })
            .collect()
    }

    pub fn search(&mut self, query: &str, limit: usize) -> Vec<SearchResult> {
        let site = self.site;
        let fetched = &mut self.fetched;
        self.engine
            .search(query, limit, |path| {
                fetched.push(path.to_string());
                Ok::<_, std::convert::Infallible>(read_text(&site.out.join(path)))
            })
            .unwrap_or_else(|e| panic!("{query}: {e:?}"))
    }
}

/// A file as text, gunzipped when it is gzip (the search index's `.json.gz`
/// files). Asserts that a `.gz` file really is gzip.
pub fn read_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let gzipped = bytes.starts_with(&[0x1f, 0x8b]);
    assert_eq!(
        gzipped,
        path.extension().is_some_and(|e| e == "gz"),
        "{}: gzip and its name disagree",
        path.display()
    );
    let bytes = if gzipped {
        runbook::gzip::gunzip(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    } else {
        bytes
    };
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The page a result URL belongs to, as the suite names it.
pub fn page_of(url: &str) -> String {
    let file = url.split('#').next().unwrap_or(url);
    let stem = file.strip_suffix(".html").unwrap_or(file);
    match stem {
        "index" => "README".to_string(),
        other => other.to_string(),
    }
}

/// How the suite did on one side.
pub struct Report {
    pub found: usize,
    pub expected: usize,
    pub failures: Vec<String>,
}

impl Report {
    pub fn recall(&self) -> f64 {
        self.found as f64 / self.expected.max(1) as f64
    }
}

/// Checks each case's top results (urls, best first) against its
/// expectations.
pub fn score(cases: &[Case], results: &[Vec<String>]) -> Report {
    let mut report = Report {
        found: 0,
        expected: 0,
        failures: Vec::new(),
    };
    for (case, urls) in cases.iter().zip(results) {
        let top: Vec<String> = urls.iter().take(TOP).map(|u| page_of(u)).collect();
        let missing: Vec<&String> = case.expect.iter().filter(|p| !top.contains(p)).collect();
        report.expected += case.expect.len();
        report.found += case.expect.len() - missing.len();
        if !missing.is_empty() {
            report.failures.push(format!(
                "  {:?} ({}): expected {:?} in the top {TOP}, got {:?}",
                case.query, case.why, missing, top
            ));
        }
    }
    report
}

#[track_caller]
pub fn assert_recall(side: &str, report: &Report) {
    let recall = report.recall();
    println!(
        "{side}: recall@{TOP} = {recall:.3} ({}/{}), {} queries with a miss",
        report.found,
        report.expected,
        report.failures.len()
    );
    for failure in &report.failures {
        println!("{failure}");
    }
    assert!(
        recall >= MIN_RECALL,
        "{side}: recall@{TOP} {recall:.3} < {MIN_RECALL}; misses:\n{}",
        report.failures.join("\n")
    );
}
