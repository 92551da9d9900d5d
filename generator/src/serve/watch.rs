//! Watch: file events from notify, debounced into batches and classified by
//! what they touch (a page, an asset, the config, the theme, git's HEAD).
//!
//! The batch only decides *how much* to rebuild; what changed is found by
//! comparing stage values (see `rebuild`), so a missed or reordered event
//! costs time, never correctness.

use std::cell::RefCell;
use std::collections::{BTreeSet, VecDeque};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::CONFIG_FILE;
use crate::source;

/// An editor's save is a handful of events within a millisecond or two:
/// wait this long after the last one.
const QUIET: Duration = Duration::from_millis(10);
/// A write whose file was closed again (or renamed into place) is a
/// finished save: wait only this long for a companion event (the backup
/// file an editor removes right after closing).
const SETTLED: Duration = Duration::from_millis(3);
/// A batch that only rewrote pages in place, each closed by its writer
/// (no rename, no other file touched: what most editors' saves are), is
/// complete at the close; there is no backup file to wait for, so wait only
/// this long for a second page saved with it.
const REWRITTEN: Duration = Duration::from_millis(1);
/// Whether the OS reports a file's close after writing (inotify does).
/// Where it does, a file being written is waited for until it is closed,
/// so a save is never read half-written (truncated, not yet filled),
/// however long the writer is descheduled in between.
const CLOSES_REPORTED: bool = cfg!(any(target_os = "linux", target_os = "android"));
/// Once a burst is under way (a `git checkout`, a search-and-replace),
/// wait longer between events, so it ends in one rebuild rather than many.
const BURST_QUIET: Duration = Duration::from_millis(60);
const BURST_PATHS: usize = 3;
/// Never hold back a rebuild longer than this, even if events keep coming.
const MAX_WAIT: Duration = Duration::from_millis(1500);

/// What a changed path is to the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    /// Any other file or folder of the content: images, new folders.
    Asset,
    Config,
    Theme,
    /// git moved HEAD (commit, checkout, reset): "last updated" dates change.
    Git,
    /// The content folder itself: removed, moved away, or replaced.
    Root,
    /// Hidden files, editor swap files, paths outside what we watch.
    Ignored,
}

/// The folders and files whose changes matter, canonicalised as the events
/// report them.
#[derive(Debug, Clone)]
pub struct Roots {
    pub content: PathBuf,
    pub theme: Option<PathBuf>,
    /// git's reflog of HEAD, appended to on every commit and checkout.
    pub git_log: Option<PathBuf>,
}

impl Roots {
    pub fn new(content: &Path, theme: Option<&Path>) -> Roots {
        let content = canonical(content);
        Roots {
            theme: theme.map(|t| canonical(&content.join(t))),
            git_log: git_head_log(&content),
            content,
        }
    }
}

/// Everything that changed during one quiet period.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Batch {
    pub pages: BTreeSet<PathBuf>,
    pub assets: BTreeSet<PathBuf>,
    pub config: bool,
    pub theme: bool,
    pub git: bool,
    /// The OS dropped events: nothing can be assumed.
    pub rescan: bool,
    /// An event named the content folder itself (`rm -rf`, `mv`, a branch
    /// switch that removes it): its watch may be gone with it.
    pub root: bool,
    /// When the batch's first event arrived (for the timings in the log).
    pub since: Option<Instant>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
            && self.assets.is_empty()
            && !self.config
            && !self.theme
            && !self.git
            && !self.rescan
            && !self.root
    }

    fn paths(&self) -> usize {
        self.pages.len() + self.assets.len()
    }

    fn add(&mut self, kind: Kind, path: &Path) {
        match kind {
            Kind::Page => {
                self.pages.insert(path.to_path_buf());
            }
            Kind::Asset => {
                self.assets.insert(path.to_path_buf());
            }
            Kind::Config => self.config = true,
            Kind::Theme => self.theme = true,
            Kind::Git => self.git = true,
            Kind::Root => self.root = true,
            Kind::Ignored => {}
        }
    }

    /// One line for the terminal: what set this rebuild off.
    pub fn describe(&self, content: &Path) -> String {
        let mut parts = Vec::new();
        if self.config {
            parts.push(CONFIG_FILE.to_string());
        }
        if self.theme {
            parts.push("theme".to_string());
        }
        match self.paths() {
            0 => {}
            1 => {
                let path = self.pages.iter().chain(&self.assets).next();
                if let Some(path) = path {
                    let rel = path.strip_prefix(content).unwrap_or(path);
                    parts.push(rel.display().to_string());
                }
            }
            n => parts.push(format!("{n} files")),
        }
        if self.git {
            parts.push("git HEAD".to_string());
        }
        if self.rescan {
            parts.push("rescan".to_string());
        }
        if self.root {
            parts.push("the content folder".to_string());
        }
        parts.join(", ")
    }
}

/// Decides what `path` is. Mirrors what `source::load` skips: hidden
/// files and folders, and the theme folder inside the content.
pub fn classify(roots: &Roots, path: &Path) -> Kind {
    if roots.git_log.as_deref() == Some(path) {
        return Kind::Git;
    }
    if let Some(theme) = &roots.theme {
        if let Ok(rel) = path.strip_prefix(theme) {
            return if is_hidden(rel) {
                Kind::Ignored
            } else {
                Kind::Theme
            };
        }
    }
    let Ok(rel) = path.strip_prefix(&roots.content) else {
        return Kind::Ignored;
    };
    if rel.as_os_str().is_empty() {
        return Kind::Root;
    }
    if is_hidden(rel) {
        return Kind::Ignored;
    }
    if rel == Path::new(CONFIG_FILE) {
        return Kind::Config;
    }
    if source::is_markdown(rel) {
        Kind::Page
    } else {
        Kind::Asset
    }
}

fn is_hidden(rel: &Path) -> bool {
    rel.components().any(|c| match c {
        Component::Normal(name) => name.to_string_lossy().starts_with('.'),
        _ => false,
    })
}

/// Events that cannot change a file: opening or reading it.
fn is_read_only(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => false,
        EventKind::Access(_) => true,
        _ => false,
    }
}

/// Watches the content folder (and the theme and git's HEAD log when they
/// lie outside it); hands out batches of classified changes.
pub struct Watcher {
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    /// Events taken off the channel by `removals_pending`, not yet batched.
    early: RefCell<VecDeque<notify::Result<Event>>>,
    roots: Roots,
    /// The content folder the watch was set on; a folder deleted and made
    /// again under the same name is another one, and unwatched.
    identity: Option<Identity>,
}

/// What tells one folder from another of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    device: u64,
    inode: u64,
}

impl Identity {
    #[cfg(unix)]
    fn of(path: &Path) -> Option<Identity> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        meta.is_dir().then(|| Identity {
            device: meta.dev(),
            inode: meta.ino(),
        })
    }

    /// Elsewhere only presence can be told.
    #[cfg(not(unix))]
    fn of(path: &Path) -> Option<Identity> {
        path.is_dir().then_some(Identity {
            device: 0,
            inode: 0,
        })
    }
}

impl Watcher {
    pub fn start(roots: Roots) -> notify::Result<Watcher> {
        let (sender, events) = channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            // The receiver is gone only when the server is shutting down.
            let _ = sender.send(event);
        })?;
        watcher.watch(&roots.content, RecursiveMode::Recursive)?;
        if let Some(log) = &roots.git_log {
            // A missing or unwatchable reflog only costs fresh dates.
            let _ = watcher.watch(log, RecursiveMode::NonRecursive);
        }
        let mut this = Watcher {
            watcher,
            events,
            early: RefCell::default(),
            identity: Identity::of(&roots.content),
            roots: roots.clone(),
        };
        this.roots.theme = None;
        this.set_theme(roots.theme);
        Ok(this)
    }

    pub fn roots(&self) -> &Roots {
        &self.roots
    }

    /// Whether the content folder is still the one being watched: false
    /// once it is gone, or was made again (its new files send no events
    /// until it is watched anew).
    pub fn is_current(&self) -> bool {
        self.identity.is_some() && Identity::of(&self.roots.content) == self.identity
    }

    /// Whether files of the content were removed (or the OS lost track)
    /// since the last batch: a build read meanwhile may have seen a tree
    /// half deleted. The events stay for the next batch.
    pub fn removals_pending(&self) -> bool {
        let mut early = self.early.borrow_mut();
        while let Ok(event) = self.events.try_recv() {
            early.push_back(event);
        }
        early.iter().any(|event| match event {
            // The build's own reads open every folder.
            Ok(event) if is_read_only(&event.kind) => false,
            Ok(event) => {
                event.need_rescan()
                    || (matches!(event.kind, EventKind::Remove(_))
                        && event
                            .paths
                            .iter()
                            .any(|p| classify(&self.roots, p) != Kind::Ignored))
                    || event
                        .paths
                        .iter()
                        .any(|p| classify(&self.roots, p) == Kind::Root)
            }
            Err(_) => true,
        })
    }

    /// The next event, those taken early first.
    fn recv(&self, timeout: Option<Duration>) -> Result<notify::Result<Event>, RecvTimeoutError> {
        if let Some(event) = self.early.borrow_mut().pop_front() {
            return Ok(event);
        }
        match timeout {
            Some(timeout) => self.events.recv_timeout(timeout),
            None => self
                .events
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
        }
    }

    /// Follows `theme_dir` when runbook.yaml changes it. A theme folder
    /// inside the content is already watched.
    pub fn set_theme(&mut self, theme: Option<PathBuf>) {
        if self.roots.theme == theme {
            return;
        }
        if let Some(old) = self.roots.theme.take() {
            if !old.starts_with(&self.roots.content) {
                let _ = self.watcher.unwatch(&old);
            }
        }
        if let Some(new) = &theme {
            if !new.starts_with(&self.roots.content) && new.is_dir() {
                if let Err(e) = self.watcher.watch(new, RecursiveMode::Recursive) {
                    tracing::warn!("cannot watch the theme folder {}: {e}", new.display());
                }
            }
        }
        self.roots.theme = theme;
    }

    /// Blocks until something relevant changed and the events have gone
    /// quiet; `None` once the watcher has stopped.
    pub fn next_batch(&self) -> Option<Batch> {
        loop {
            let mut batch = Batch::default();
            let mut writes = Writes::default();
            self.absorb(&mut batch, &mut writes, self.recv(None).ok()?);
            let start = Instant::now();
            batch.since = Some(start);
            loop {
                let left = MAX_WAIT.saturating_sub(start.elapsed());
                if left.is_zero() {
                    break;
                }
                let quiet = if CLOSES_REPORTED && !writes.open.is_empty() {
                    // Until its writer closes it (bounded by MAX_WAIT).
                    left
                } else if batch.paths() >= BURST_PATHS {
                    BURST_QUIET
                } else if CLOSES_REPORTED && writes.settled && writes.rewrites_only() {
                    REWRITTEN
                } else if CLOSES_REPORTED && writes.settled {
                    SETTLED
                } else {
                    QUIET
                };
                match self.recv(Some(quiet.min(left))) {
                    Ok(event) => self.absorb(&mut batch, &mut writes, event),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            if !batch.is_empty() {
                return Some(batch);
            }
        }
    }

    fn absorb(&self, batch: &mut Batch, writes: &mut Writes, event: notify::Result<Event>) {
        let event = match event {
            Ok(event) => event,
            Err(e) => {
                // An overflowed queue or a vanished watch: start over from disk.
                tracing::debug!("watch error: {e}");
                batch.rescan = true;
                writes.settled = false;
                return;
            }
        };
        if event.need_rescan() {
            batch.rescan = true;
        }
        if is_read_only(&event.kind) {
            return;
        }
        for path in &event.paths {
            let kind = classify(&self.roots, path);
            if kind != Kind::Ignored {
                writes.follow(&event.kind, path, kind);
            }
            batch.add(kind, path);
        }
    }
}

/// The files of a batch being written, as far as events tell.
#[derive(Debug, Default)]
struct Writes {
    /// Written to and not closed since.
    open: BTreeSet<PathBuf>,
    /// The last event finished a write (a close, a rename into place, a
    /// delete) and none is open: the change is complete.
    settled: bool,
    /// Something other than a page written in place and closed happened
    /// (a rename, a delete, a new file, another kind of file).
    other: bool,
}

impl Writes {
    /// Only pages written in place, the last one closed.
    fn rewrites_only(&self) -> bool {
        !self.other
    }

    fn follow(&mut self, kind: &EventKind, path: &Path, what: Kind) {
        let rewrite = matches!(
            kind,
            EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_))
                | EventKind::Access(AccessKind::Close(AccessMode::Write))
        );
        if what != Kind::Page || !rewrite {
            self.other = true;
        }
        match kind {
            EventKind::Modify(ModifyKind::Data(_)) => {
                self.open.insert(path.to_path_buf());
            }
            EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(_))
            | EventKind::Remove(_) => {
                self.open.remove(path);
            }
            _ => {}
        }
        self.settled = self.open.is_empty()
            && matches!(
                kind,
                EventKind::Access(AccessKind::Close(AccessMode::Write))
                    | EventKind::Modify(ModifyKind::Name(_))
                    | EventKind::Remove(_)
            );
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// `.git/logs/HEAD` of the repository holding `content`, if any.
fn git_head_log(content: &Path) -> Option<PathBuf> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(content)
        .args(["rev-parse", "--absolute-git-dir"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let dir = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let log = Path::new(&dir).join("logs").join("HEAD");
    log.is_file().then(|| canonical(&log))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots() -> Roots {
        Roots {
            content: PathBuf::from("/site/content"),
            theme: Some(PathBuf::from("/site/content/theme")),
            git_log: Some(PathBuf::from("/site/.git/logs/HEAD")),
        }
    }

    #[test]
    fn paths_are_classified_like_the_loader_sees_them() {
        let roots = roots();
        for (path, kind) in [
            ("/site/content/a.md", Kind::Page),
            ("/site/content/db/日本語.markdown", Kind::Page),
            ("/site/content/img/flow.svg", Kind::Asset),
            ("/site/content/new-folder", Kind::Asset),
            ("/site/content/runbook.yaml", Kind::Config),
            ("/site/content/db/runbook.yaml", Kind::Asset),
            ("/site/content/theme/templates/page.html", Kind::Theme),
            ("/site/.git/logs/HEAD", Kind::Git),
            // Editors' swap files and git's own folder.
            ("/site/content/.a.md.swp", Kind::Ignored),
            ("/site/content/.git/index", Kind::Ignored),
            ("/site/content/db/.#a.md", Kind::Ignored),
            ("/site/content/theme/.x.swp", Kind::Ignored),
            ("/elsewhere/a.md", Kind::Ignored),
            ("/site/content", Kind::Root),
        ] {
            assert_eq!(classify(&roots, Path::new(path)), kind, "{path}");
        }
    }

    #[test]
    fn batches_describe_what_changed() {
        let roots = roots();
        let mut batch = Batch::default();
        assert!(batch.is_empty());
        let path = Path::new("/site/content/db/a.md");
        batch.add(classify(&roots, path), path);
        assert_eq!(batch.describe(&roots.content), "db/a.md");
        let path = Path::new("/site/content/runbook.yaml");
        batch.add(classify(&roots, path), path);
        assert_eq!(batch.describe(&roots.content), "runbook.yaml, db/a.md");
    }

    #[test]
    fn only_pages_written_in_place_and_closed_skip_the_wait_for_companions() {
        use notify::event::{DataChange, RenameMode};
        let page = Path::new("/site/content/a.md");
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let close = EventKind::Access(AccessKind::Close(AccessMode::Write));

        let mut writes = Writes::default();
        writes.follow(&write, page, Kind::Page);
        assert!(!writes.settled);
        writes.follow(&close, page, Kind::Page);
        assert!(writes.settled && writes.rewrites_only());

        // An editor's backup beside the page: wait for its removal.
        let mut writes = Writes::default();
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Any));
        writes.follow(&rename, Path::new("/site/content/a.md~"), Kind::Asset);
        writes.follow(&write, page, Kind::Page);
        writes.follow(&close, page, Kind::Page);
        assert!(writes.settled && !writes.rewrites_only());

        // A save by rename into place.
        let mut writes = Writes::default();
        writes.follow(&rename, page, Kind::Page);
        assert!(writes.settled && !writes.rewrites_only());
    }

    #[test]
    fn an_atomic_save_arrives_as_one_batch() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.md"), "# A\n").unwrap();
        let watcher = Watcher::start(Roots::new(tmp.path(), None)).unwrap();
        // What editors do: write a temporary file, rename it over the page.
        let temp = tmp.path().join(".a.md.tmp");
        std::fs::write(&temp, "# A2\n").unwrap();
        std::fs::rename(&temp, tmp.path().join("a.md")).unwrap();
        let batch = watcher.next_batch().unwrap();
        let page = tmp.path().canonicalize().unwrap().join("a.md");
        assert_eq!(batch.pages.into_iter().collect::<Vec<_>>(), vec![page]);
        assert!(batch.assets.is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_save_is_not_read_before_its_writer_closes_the_file() {
        use std::io::Write as _;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.md");
        std::fs::write(&path, "# A\n").unwrap();
        let watcher = Watcher::start(Roots::new(tmp.path(), None)).unwrap();
        // Truncated, then filled only after a pause far longer than QUIET
        // (a writer descheduled under load), then closed.
        let writer = std::thread::spawn(move || {
            let mut file = std::fs::File::create(&path).unwrap();
            std::thread::sleep(Duration::from_millis(100));
            file.write_all(b"# A2\n").unwrap();
            std::thread::sleep(Duration::from_millis(100));
            Instant::now()
        });
        let batch = watcher.next_batch().unwrap();
        let ready = Instant::now();
        let closing = writer.join().unwrap();
        assert!(
            ready >= closing,
            "the batch came before the file was closed"
        );
        let page = tmp.path().canonicalize().unwrap().join("a.md");
        assert_eq!(batch.pages.into_iter().collect::<Vec<_>>(), vec![page]);
    }
}
