//! The site as the dev server publishes it: the last good output, swapped
//! whole, with the history of what each rebuild changed.
//!
//! A rebuild never edits the published files in place. It makes a new
//! `Snapshot` and sends it through a `tokio::sync::watch` channel; a request
//! clones the `Arc` it finds there, so a browser gets either the old site or
//! the new one, never a mix.

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
pub struct Snapshot {
    /// Changes with every process, so a page loaded from an earlier server
    /// does not trust generation numbers that restarted.
    pub session: String,
    /// Successful builds so far; 0 while none has succeeded.
    pub generation: u64,
    /// The last good output; empty until the first build succeeds.
    pub files: Arc<Files>,
    /// Path the site is served under, `/` or `/TokoToko/`.
    pub base_path: String,
    /// Output paths each successful build changed, newest last.
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
}

/// The sending side: the rebuild loop publishes through it.
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
            files: Arc::new(Files::new()),
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

    /// Swaps in a successful build; returns the output paths whose bytes
    /// changed.
    pub fn succeed(
        &self,
        files: Arc<Files>,
        base_path: String,
        api: Option<axum::Router>,
    ) -> Arc<Vec<String>> {
        let before = self.current();
        let changed = Arc::new(changed_paths(&before.files, &files));
        let generation = before.generation + 1;
        let mut history = (*before.history).clone();
        history.push_back((generation, changed.clone()));
        while history.len() > HISTORY {
            history.pop_front();
        }
        self.sender.send_replace(Arc::new(Snapshot {
            session: before.session.clone(),
            generation,
            files,
            base_path,
            history: Arc::new(history),
            error: None,
            api,
        }));
        changed
    }

    /// Keeps the last good site and shows `report` on every open page.
    pub fn fail(&self, report: ErrorReport) {
        let before = self.current();
        self.sender.send_replace(Arc::new(Snapshot {
            session: before.session.clone(),
            generation: before.generation,
            files: before.files.clone(),
            base_path: before.base_path.clone(),
            history: before.history.clone(),
            error: Some(Arc::new(report)),
            api: before.api.clone(),
        }));
    }
}

/// Paths added, removed, or whose bytes differ. Unchanged files usually
/// share their buffer with the previous build, so most comparisons stop at
/// the pointer.
pub fn changed_paths(before: &Files, after: &Files) -> Vec<String> {
    let mut changed: Vec<String> = after
        .iter()
        .filter(|(path, bytes)| match before.get(*path) {
            Some(old) => !same_bytes(old, bytes),
            None => true,
        })
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(
        before
            .keys()
            .filter(|path| !after.contains_key(*path))
            .cloned(),
    );
    changed.sort();
    changed
}

fn same_bytes(a: &Bytes, b: &Bytes) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Arc<Files> {
        Arc::new(
            entries
                .iter()
                .map(|(p, b)| (p.to_string(), Bytes::from(b.to_string())))
                .collect(),
        )
    }

    #[test]
    fn history_tells_each_page_what_changed_since_it_loaded() {
        let (publisher, receiver) = Publisher::new("/".into());
        publisher.succeed(files(&[("a.html", "1"), ("b.html", "1")]), "/".into(), None);
        let changed = publisher.succeed(
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
    fn a_failure_keeps_the_last_good_files_and_a_success_clears_it() {
        let (publisher, receiver) = Publisher::new("/".into());
        publisher.succeed(files(&[("a.html", "1")]), "/".into(), None);
        publisher.fail(ErrorReport::from_text("broken"));
        let now = receiver.borrow().clone();
        assert!(now.error.is_some());
        assert_eq!(now.generation, 1);
        assert_eq!(now.files["a.html"], Bytes::from("1"));
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
}
