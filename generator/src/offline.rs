//! The offline copy: `offline.json`, the list of every file a reader's
//! browser keeps (path, SHA-256, size), and `sw.js`, the service worker
//! that keeps them, named by the build it belongs to.
//!
//! The worker (offline_worker.js) fills a cache named after the build,
//! checks each file's hash against the list so a copy never mixes two
//! builds (a CDN still serving the old file fails the install, which is
//! tried again later), and deletes older builds' caches only once the new
//! one is whole. The dev server writes neither file (`runbook serve`
//! answers `sw.js` with a worker that removes itself, see
//! `serve::http`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::BuildError;
use crate::output::Sink;

/// The service worker's file, at the site's root: its scope is the site's
/// base path, so it works for a GitHub Pages project site.
pub const WORKER: &str = "sw.js";
/// The list of files the worker keeps.
pub const MANIFEST: &str = "offline.json";
/// The search index is kept only up to this many bytes: beyond, search
/// works online only and the page says so offline. 20 MB is the index of
/// some 10,000 pages, far more than a phone should fetch unasked.
pub const SEARCH_CAP: u64 = 20 * 1024 * 1024;

const SOURCE: &str = include_str!("offline_worker.js");

/// Passes writes on to a sink, keeping each file's hash and size for the
/// manifest.
pub struct Recorder<'a> {
    inner: &'a dyn Sink,
    files: Mutex<BTreeMap<String, (String, u64)>>,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn Sink) -> Self {
        Recorder {
            inner,
            files: Mutex::default(),
        }
    }

    fn record(&self, path: &str, bytes: &[u8]) {
        if left_out(path) {
            return;
        }
        let hash = hex(&Sha256::digest(bytes)[..16]);
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), (hash, bytes.len() as u64));
    }

    /// Writes `offline.json` and `sw.js` for the files written so far.
    pub fn finish(self, built_at: Option<&str>) -> Result<(), BuildError> {
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let manifest = manifest(&files, built_at);
        let json = serde_json::to_vec(&manifest)
            .map_err(|e| BuildError::io(Path::new(MANIFEST), e.into()))?;
        self.inner.write(MANIFEST, &json)?;
        self.inner.write(WORKER, worker(&manifest.build).as_bytes())
    }
}

impl Sink for Recorder<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), BuildError> {
        self.inner.write(path, bytes)?;
        self.record(path, bytes);
        Ok(())
    }

    fn copy(&self, path: &str, from: &Path) -> Result<(), BuildError> {
        self.inner.copy(path, from)?;
        let bytes = std::fs::read(from).map_err(|e| BuildError::io(from, e))?;
        self.record(path, &bytes);
        Ok(())
    }
}

/// `offline.json`.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub version: u32,
    /// Names the build: a hash of every kept file's path and hash.
    pub build: String,
    /// When the content was last changed (its last commit), when known;
    /// the worker puts the time it saved the copy otherwise.
    pub built_at: Option<String>,
    /// Whether the search index is kept (it is under `SEARCH_CAP`).
    pub search: bool,
    /// `[href, hash, size]`: the href as pages link to it, the first 128
    /// bits of its SHA-256 in hex, its size in bytes.
    pub files: Vec<(String, String, u64)>,
}

/// The manifest of `files` (path → hash, size): every page, asset and
/// redirect, the search index under its cap; not the print documents
/// (each repeats every page it holds, fetched when printed) nor what only
/// crawlers and hosts read.
pub fn manifest(files: &BTreeMap<String, (String, u64)>, built_at: Option<&str>) -> Manifest {
    let search_size: u64 = files
        .iter()
        .filter(|(path, _)| path.starts_with("search/"))
        .map(|(_, (_, size))| size)
        .sum();
    let search = search_size > 0 && search_size <= SEARCH_CAP;
    let kept: Vec<(String, String, u64)> = files
        .iter()
        .filter(|(path, _)| !left_out(path) && (search || !path.starts_with("search/")))
        .map(|(path, (hash, size))| (crate::paths::href(path).into_owned(), hash.clone(), *size))
        .collect();
    let mut id = Sha256::new();
    for (path, hash, _) in &kept {
        id.update(path.as_bytes());
        id.update(b"\0");
        id.update(hash.as_bytes());
        id.update(b"\n");
    }
    if let Some(at) = built_at {
        id.update(at.as_bytes());
    }
    Manifest {
        version: 1,
        build: hex(&id.finalize()[..8]),
        built_at: built_at.map(str::to_string),
        search,
        files: kept,
    }
}

/// Files the copy never keeps (and the build does not hash): the print
/// documents, each repeating the pages it holds (fetched when printed),
/// what only crawlers and hosts read, and the worker and its list.
fn left_out(path: &str) -> bool {
    path == crate::print::FILE
        || path.ends_with("/print.html")
        || path == ".nojekyll"
        || path == "sitemap.xml"
        || path == WORKER
        || path == MANIFEST
}

/// `sw.js`: the worker with its build's name, so every build's worker
/// differs by its bytes and the browser installs it.
pub fn worker(build: &str) -> String {
    format!("const BUILD = \"{build}\";\n{SOURCE}")
}

/// When the content was last changed: `SOURCE_DATE_EPOCH` (seconds) when
/// set, as reproducible builds define it; else the last commit touching
/// the content folder; else unknown. Never the clock: the same input
/// gives the same bytes.
pub fn built_at(content: &Path) -> Option<String> {
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let seconds: i64 = epoch.trim().parse().ok()?;
        return jiff::Timestamp::from_second(seconds)
            .ok()
            .map(|t| t.to_string());
    }
    crate::git::last_commit(content)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, u64)]) -> BTreeMap<String, (String, u64)> {
        entries
            .iter()
            .map(|(p, size)| (p.to_string(), (format!("h{p}"), *size)))
            .collect()
    }

    #[test]
    fn the_manifest_keeps_pages_and_assets_and_names_the_build() {
        let all = files(&[
            ("index.html", 10),
            ("db/日本語.html", 10),
            ("assets/style.css", 5),
            ("print.html", 100),
            ("db/print.html", 50),
            ("sitemap.xml", 1),
            ("search/manifest.json", 3),
        ]);
        let m = manifest(&all, None);
        let paths: Vec<&str> = m.files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            paths,
            [
                "assets/style.css",
                "db/%E6%97%A5%E6%9C%AC%E8%AA%9E.html",
                "index.html",
                "search/manifest.json"
            ]
        );
        assert!(m.search);
        // Another file's bytes, another build; the same, the same.
        let mut changed = all.clone();
        changed.get_mut("index.html").unwrap().0 = "other".into();
        assert_ne!(manifest(&changed, None).build, m.build);
        assert_eq!(manifest(&all, None).build, m.build);
        assert_eq!(m.build.len(), 16);
    }

    #[test]
    fn a_search_index_over_the_cap_is_left_online() {
        let all = files(&[("index.html", 10), ("search/a.bin", SEARCH_CAP + 1)]);
        let m = manifest(&all, Some("2026-12-06T06:40:00Z"));
        assert!(!m.search);
        assert_eq!(m.files.len(), 1);
        assert_eq!(m.built_at.as_deref(), Some("2026-12-06T06:40:00Z"));
    }

    #[test]
    fn the_worker_names_its_build_first() {
        let js = worker("0123456789abcdef");
        assert!(js.starts_with("const BUILD = \"0123456789abcdef\";\n"));
        assert!(js.contains("addEventListener(\"fetch\""));
    }
}
