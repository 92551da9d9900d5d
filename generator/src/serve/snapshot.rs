//! The site as the dev server publishes it: the last good output, swapped
//! whole, with the history of what each rebuild changed.
//!
//! A rebuild never edits the published files in place. It makes a new
//! `Snapshot` and sends it through a `tokio::sync::watch` channel; a request
//! clones the `Arc` it finds there, so a browser gets either the old site or
//! the new one, never a mix.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use axum::body::Bytes;
use tokio::sync::watch;

use super::overlay::ErrorReport;

/// Output path below the site root (`db/index.html`) → bytes as written.
pub type Files = BTreeMap<String, Bytes>;

/// How many rebuilds a page may fall behind and still learn exactly what
/// changed; older pages simply reload.
const HISTORY: usize = 256;

/// One published state of the dev server.
#[derive(Clone)]
pub struct Snapshot {
    /// Changes with every process, so a page loaded from an earlier server
    /// does not trust generation numbers that restarted.
    pub session: String,
    /// Swaps so far (builds, and search indexes following them); 0 while
    /// no build has succeeded.
    pub generation: u64,
    /// Successful builds so far: what a search index is matched against.
    pub build: u64,
    /// Everything but the search index, from build number `build`.
    pages: Arc<Files>,
    /// The newest search index; it follows its build by the time it takes
    /// to compute, and is never mixed with another index's files.
    search: Arc<Files>,
    /// Path the site is served under, `/` or `/TokoToko/`.
    pub base_path: String,
    /// Output paths each swap changed, newest last.
    history: Arc<VecDeque<(u64, Arc<Vec<String>>)>>,
    /// Why the latest build failed; `None` once a build succeeds again.
    pub error: Option<Arc<ErrorReport>>,
    /// The read-only API for the site's live panels.
    pub api: Option<axum::Router>,
}

impl Snapshot {
    /// Output paths changed after generation `since`; `None` when that is
    /// too long ago to tell, and the page should reload.
    pub fn changes_since(&self, since: u64) -> Option<BTreeSet<String>> {
        if since >= self.generation {
            return Some(BTreeSet::new());
        }
        let oldest = self.history.front().map(|(g, _)| *g)?;
        if oldest > since + 1 {
            return None;
        }
        Some(
            self.history
                .iter()
                .filter(|(g, _)| *g > since)
                .flat_map(|(_, paths)| paths.iter().cloned())
                .collect(),
        )
    }

    /// The bytes served at `path` (`db/index.html`), if any. The two maps
    /// are looked up in turn rather than merged: a merged copy would cost
    /// every swap a walk of the whole site.
    pub fn get(&self, path: &str) -> Option<&Bytes> {
        self.search.get(path).or_else(|| self.pages.get(path))
    }

    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// How many files are served.
    pub fn len(&self) -> usize {
        self.pages.len()
            + self
                .search
                .keys()
                .filter(|p| !self.pages.contains_key(*p))
                .count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// This snapshot with `pages` and `search` swapped in as the next
    /// generation, and the paths whose served bytes changed.
    fn next(&self, pages: Arc<Files>, search: Arc<Files>) -> (Snapshot, Arc<Vec<String>>) {
        let generation = self.generation + 1;
        let mut next = Snapshot {
            generation,
            pages,
            search,
            ..self.clone()
        };
        // A path changed in either map changed as served only if what
        // `get` finds for it changed (a search file could shadow a page).
        let mut candidates = changed_paths(&self.pages, &next.pages);
        candidates.extend(changed_paths(&self.search, &next.search));
        candidates.sort();
        candidates.dedup();
        candidates.retain(|path| match (self.get(path), next.get(path)) {
            (Some(a), Some(b)) => !same_bytes(a, b),
            (None, None) => false,
            _ => true,
        });
        let changed = Arc::new(candidates);
        let mut history = (*self.history).clone();
        history.push_back((generation, changed.clone()));
        while history.len() > HISTORY {
            history.pop_front();
        }
        next.history = Arc::new(history);
        (next, changed)
    }
}

/// The sending side: the rebuild and search threads publish through it.
/// Every change is made under the channel's lock (`send_modify`), so two
/// threads publishing at once cannot lose each other's swap.
pub struct Publisher {
    sender: watch::Sender<Arc<Snapshot>>,
}

impl Publisher {
    pub fn new(base_path: String) -> (Publisher, watch::Receiver<Arc<Snapshot>>) {
        let session = format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        let (sender, receiver) = watch::channel(Arc::new(Snapshot {
            session,
            generation: 0,
            build: 0,
            pages: Arc::new(Files::new()),
            search: Arc::new(Files::new()),
            base_path,
            history: Arc::new(VecDeque::new()),
            error: None,
            api: None,
        }));
        (Publisher { sender }, receiver)
    }

    pub fn current(&self) -> Arc<Snapshot> {
        self.sender.borrow().clone()
    }

    /// Swaps in a successful build (keeping the current search index until
    /// its own arrives); returns the build number and the output paths
    /// whose bytes changed.
    pub fn succeed(
        &self,
        pages: Arc<Files>,
        base_path: String,
        api: Option<axum::Router>,
    ) -> (u64, Arc<Vec<String>>) {
        self.succeed_announced(pages, base_path, api, |_| {})
    }

    /// `succeed`, calling `announce` with the changed paths once requests
    /// see the new build but before the live-reload sockets are woken: what
    /// it prints (the terminal's line) comes before any page hears of the
    /// build. The channel's lock is not held while it runs.
    pub fn succeed_announced(
        &self,
        pages: Arc<Files>,
        base_path: String,
        api: Option<axum::Router>,
        announce: impl FnOnce(&[String]),
    ) -> (u64, Arc<Vec<String>>) {
        let mut result = (0, Arc::new(Vec::new()));
        // Swapped without waking anyone (`false`): requests already get it.
        self.sender.send_if_modified(|current| {
            let (mut next, changed) = current.next(pages, current.search.clone());
            next.build = current.build + 1;
            next.base_path = base_path;
            next.api = api;
            next.error = None;
            result = (next.build, changed);
            *current = Arc::new(next);
            false
        });
        announce(&result.1);
        // Now the sockets: each reads the snapshot as it is then.
        self.sender.send_modify(|_| {});
        result
    }

    /// Swaps in the search index of build number `build`, unless a newer
    /// build was swapped in since (its own index is on the way). Returns
    /// the changed paths when it was swapped in.
    pub fn add_search(&self, build: u64, search: Arc<Files>) -> Option<Arc<Vec<String>>> {
        let mut result = None;
        self.sender.send_if_modified(|current| {
            if current.build != build {
                return false;
            }
            let (next, changed) = current.next(current.pages.clone(), search);
            result = Some(changed);
            *current = Arc::new(next);
            true
        });
        result
    }

    /// Keeps the last good site and shows `report` on every open page.
    pub fn fail(&self, report: ErrorReport) {
        self.sender.send_modify(|current| {
            *current = Arc::new(Snapshot {
                error: Some(Arc::new(report)),
                ..(**current).clone()
            });
        });
    }
}

/// Paths added, removed, or whose bytes differ, in order. Unchanged files
/// usually share their buffer with the previous build, so most comparisons
/// stop at the pointer; both maps are walked once, side by side.
pub fn changed_paths(before: &Files, after: &Files) -> Vec<String> {
    if std::ptr::eq(before, after) {
        return Vec::new();
    }
    let mut changed = Vec::new();
    let mut old = before.iter().peekable();
    let mut new = after.iter().peekable();
    loop {
        match (old.peek(), new.peek()) {
            (Some((a, a_bytes)), Some((b, b_bytes))) => match a.cmp(b) {
                Ordering::Less => {
                    changed.push((*a).clone());
                    old.next();
                }
                Ordering::Greater => {
                    changed.push((*b).clone());
                    new.next();
                }
                Ordering::Equal => {
                    if !same_bytes(a_bytes, b_bytes) {
                        changed.push((*a).clone());
                    }
                    old.next();
                    new.next();
                }
            },
            (Some((a, _)), None) => {
                changed.push((*a).clone());
                old.next();
            }
            (None, Some((b, _))) => {
                changed.push((*b).clone());
                new.next();
            }
            (None, None) => return changed,
        }
    }
}

fn same_bytes(a: &Bytes, b: &Bytes) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

/// A snapshot's files from (path, text) pairs, for tests.
#[cfg(test)]
pub(crate) fn files(entries: &[(&str, &str)]) -> Arc<Files> {
    Arc::new(
        entries
            .iter()
            .map(|(p, b)| (p.to_string(), Bytes::from(b.to_string())))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_tells_each_page_what_changed_since_it_loaded() {
        let (publisher, receiver) = Publisher::new("/".into());
        publisher.succeed(files(&[("a.html", "1"), ("b.html", "1")]), "/".into(), None);
        let (_, changed) = publisher.succeed(
            files(&[("a.html", "2"), ("b.html", "1"), ("c.html", "1")]),
            "/".into(),
            None,
        );
        assert_eq!(*changed, vec!["a.html".to_string(), "c.html".to_string()]);
        publisher.succeed(files(&[("a.html", "2"), ("c.html", "1")]), "/".into(), None);

        let now = receiver.borrow().clone();
        assert_eq!(now.generation, 3);
        let since = |g| {
            now.changes_since(g)
                .map(|s| s.into_iter().collect::<Vec<_>>())
        };
        assert_eq!(since(3), Some(vec![]));
        assert_eq!(since(2), Some(vec!["b.html".into()]));
        assert_eq!(
            since(1),
            Some(vec!["a.html".into(), "b.html".into(), "c.html".into()])
        );
    }

    #[test]
    fn the_terminal_hears_of_a_build_before_the_pages_do() {
        let (publisher, mut receiver) = Publisher::new("/".into());
        receiver.borrow_and_update();
        publisher.succeed_announced(files(&[("a.html", "1")]), "/".into(), None, |changed| {
            assert_eq!(changed, ["a.html".to_string()]);
            // Requests already get the new build; sockets are not woken yet.
            assert_eq!(receiver.borrow().len(), 1);
            assert!(!receiver.has_changed().unwrap());
        });
        assert!(receiver.has_changed().unwrap());
    }

    #[test]
    fn a_failure_keeps_the_last_good_files_and_a_success_clears_it() {
        let (publisher, receiver) = Publisher::new("/".into());
        publisher.succeed(files(&[("a.html", "1")]), "/".into(), None);
        publisher.fail(ErrorReport::from_text("broken"));
        let now = receiver.borrow().clone();
        assert!(now.error.is_some());
        assert_eq!(now.generation, 1);
        assert_eq!(now.get("a.html"), Some(&Bytes::from("1")));
        publisher.succeed(files(&[("a.html", "1")]), "/".into(), None);
        assert!(receiver.borrow().error.is_none());
    }

    #[test]
    fn a_page_too_far_behind_reloads() {
        let (publisher, receiver) = Publisher::new("/".into());
        for n in 0..HISTORY + 5 {
            publisher.succeed(files(&[("a.html", &n.to_string())]), "/".into(), None);
        }
        assert_eq!(receiver.borrow().changes_since(1), None);
    }

    #[test]
    fn a_search_index_joins_its_own_build_only() {
        let (publisher, receiver) = Publisher::new("/".into());
        let (first, _) = publisher.succeed(files(&[("a.html", "1")]), "/".into(), None);
        let changed = publisher.add_search(first, files(&[("search/0.json", "1")]));
        assert_eq!(*changed.unwrap(), vec!["search/0.json".to_string()]);
        assert_eq!(receiver.borrow().len(), 2);

        // A build keeps the current index until its own arrives.
        let (second, _) = publisher.succeed(files(&[("a.html", "2")]), "/".into(), None);
        assert_eq!(
            receiver.borrow().get("search/0.json"),
            Some(&Bytes::from("1"))
        );
        // A stale index (of the first build) is dropped.
        assert!(publisher
            .add_search(first, files(&[("search/0.json", "stale")]))
            .is_none());
        publisher.add_search(second, files(&[("search/0.json", "2")]));
        let now = receiver.borrow().clone();
        assert_eq!(now.get("search/0.json"), Some(&Bytes::from("2")));
        assert_eq!(now.get("a.html"), Some(&Bytes::from("2")));
        assert_eq!(now.build, 2);
        assert_eq!(now.generation, 4);
    }
}
