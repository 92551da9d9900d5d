//! Output: where built files go, and the swap that publishes them whole.
//!
//! A build writes into a fresh folder next to the target and swaps it in
//! only when everything succeeded, so a failed build leaves the previous
//! site byte-for-byte as it was and a reader never sees half a site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::BuildError;

/// Written last into every output folder: a version line, then every
/// file the build wrote, one path a line. A folder is replaced only when
/// each file in it is listed there, so nothing runbook did not write (a
/// CNAME put in by hand, a user's notes, a forged marker's neighbours) is
/// ever deleted.
pub const MARKER_FILE: &str = ".runbook-site";
const MARKER_VERSION: &str = concat!("runbook ", env!("CARGO_PKG_VERSION"));

/// Receives the files of a build. Writers run in parallel.
pub trait Sink: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), BuildError>;

    /// Copies a file from disk; sinks on disk override this to avoid
    /// holding large assets in memory.
    fn copy(&self, path: &str, from: &Path) -> Result<(), BuildError> {
        let bytes = std::fs::read(from).map_err(|e| BuildError::io(from, e))?;
        self.write(path, &bytes)
    }
}

/// Keeps the files in memory: `check`, tests and the dev server.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), BuildError> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Passes writes on to a sink, refusing a second write to one path
/// (compared without case, as macOS and Windows do): a content file whose
/// output is a file runbook generates (`pages.md`, `404.md`,
/// `assets/style.css`) would otherwise be replaced without a word.
/// Collisions between content files are caught earlier, in `site`.
pub struct Exclusive<'a> {
    inner: &'a dyn Sink,
    /// Output paths in lower case → the path as written and its bytes,
    /// kept for small files only (redirects): see [`Exclusive::claim`].
    claimed: Mutex<std::collections::HashMap<String, Claim>>,
    /// The content file behind an output (compared without case) and its
    /// output path as written, for the message.
    sources: &'a (dyn Fn(&str) -> Option<(PathBuf, String)> + Sync),
}

/// A claimed output: its path as written, and its bytes when small.
type Claim = (String, Option<Vec<u8>>);

impl<'a> Exclusive<'a> {
    pub fn new(
        inner: &'a dyn Sink,
        sources: &'a (dyn Fn(&str) -> Option<(PathBuf, String)> + Sync),
    ) -> Self {
        Exclusive {
            inner,
            claimed: Mutex::default(),
            sources,
        }
    }

    /// Claims `path` (any case) for `bytes` (`None` for a copied file).
    /// A path claimed before in another case is refused, unless both are
    /// small files with identical bytes: then one file serves both names
    /// where case does not count (`alerts/Name.html` and its lower-cased
    /// twin), and both where it does.
    fn claim(&self, path: &str, bytes: Option<&[u8]>) -> Result<(), BuildError> {
        let kept = bytes
            .filter(|b| b.len() <= COMPARED_UP_TO)
            .map(<[u8]>::to_vec);
        let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        let twin = match claimed.entry(path.to_lowercase()) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert((path.to_string(), kept));
                return Ok(());
            }
            std::collections::hash_map::Entry::Occupied(slot) => slot.get().clone(),
        };
        drop(claimed);
        let case_only = twin.0 != path;
        if case_only && twin.1.is_some() && twin.1 == kept {
            return Ok(());
        }
        let (source_file, output) =
            (self.sources)(path).unwrap_or_else(|| (PathBuf::from(path), path.to_string()));
        Err(BuildError::GeneratedCollision {
            source_file,
            output,
            generated: crate::publish::generated_file(path),
        })
    }
}

/// Files up to this size are kept to compare a case-only collision: the
/// redirects runbook writes twice are a few hundred bytes.
const COMPARED_UP_TO: usize = 4096;

impl Sink for Exclusive<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), BuildError> {
        self.claim(path, Some(bytes))?;
        self.inner.write(path, bytes)
    }

    fn copy(&self, path: &str, from: &Path) -> Result<(), BuildError> {
        self.claim(path, None)?;
        self.inner.copy(path, from)
    }
}

/// A staging folder beside the target; `commit` swaps it in.
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    /// Every path written, for the marker.
    written: Mutex<Vec<String>>,
}

impl Staging {
    /// Refuses a target that is, or holds, the content folder, and an
    /// existing folder holding any file runbook did not write there.
    pub fn new(target: &Path, content: &Path) -> Result<Staging, BuildError> {
        check_target(target, content)?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| BuildError::io(&parent, e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "site".into());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.building-"))
            .tempdir_in(&parent)
            .map_err(|e| BuildError::io(&parent, e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            written: Mutex::new(Vec::new()),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes the marker, then replaces the target with the staged folder.
    /// The old site is moved aside first and deleted last, so the target is
    /// missing only for the instant between two renames.
    pub fn commit(self) -> Result<(), BuildError> {
        let mut written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        written.sort_unstable();
        let mut marker = String::with_capacity(written.len() * 32);
        marker.push_str(MARKER_VERSION);
        marker.push('\n');
        for path in &written {
            marker.push_str(path);
            marker.push('\n');
        }
        let marker_path = self.dir.path().join(MARKER_FILE);
        std::fs::write(&marker_path, marker).map_err(|e| BuildError::io(&marker_path, e))?;

        let staged = self.dir.keep();
        let parent = staged.parent().unwrap_or(Path::new(".")).to_path_buf();
        let set_permissions = |path: &Path| {
            // tempfile creates 0700; a published site must be readable.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755));
            }
            #[cfg(not(unix))]
            let _ = path;
        };
        set_permissions(&staged);
        if self.target.exists() {
            let old = tempfile::Builder::new()
                .prefix(".old-site-")
                .tempdir_in(&parent)
                .map_err(|e| BuildError::io(&parent, e))?
                .keep();
            let old_site = old.join("site");
            std::fs::rename(&self.target, &old_site)
                .map_err(|e| BuildError::io(&self.target, e))?;
            if let Err(e) = std::fs::rename(&staged, &self.target) {
                // Put the old site back before reporting.
                let _ = std::fs::rename(&old_site, &self.target);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(BuildError::io(&self.target, e));
            }
            // Only files check_target found listed in the old marker.
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&staged, &self.target).map_err(|e| BuildError::io(&self.target, e))?;
        }
        Ok(())
    }

    fn record(&self, path: &str) {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
    }

    /// An error about `path` names it in the target, not in the staging
    /// folder whose name the writer never chose.
    fn failed(&self, path: &str, error: std::io::Error) -> BuildError {
        BuildError::io(&self.target.join(path), error)
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), BuildError> {
        let full = self.dir.path().join(path);
        in_folder(&full, || std::fs::write(&full, bytes)).map_err(|e| self.failed(path, e))?;
        self.record(path);
        Ok(())
    }

    fn copy(&self, path: &str, from: &Path) -> Result<(), BuildError> {
        let full = self.dir.path().join(path);
        in_folder(&full, || std::fs::copy(from, &full).map(|_| ()))
            .map_err(|e| BuildError::io(from, e))?;
        self.record(path);
        Ok(())
    }
}

/// Runs `create` (which makes the file `path`), first creating the folder
/// it goes in if that is missing. Most files go into a folder that exists
/// already: trying first costs one failed call per folder, where making
/// sure first cost a `mkdir` per file.
fn in_folder(path: &Path, create: impl Fn() -> std::io::Result<()>) -> std::io::Result<()> {
    match create() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            create()
        }
        done => done,
    }
}

/// Why `target` may not be replaced, if it may not.
fn check_target(target: &Path, content: &Path) -> Result<(), BuildError> {
    let refuse = |reason: String, hint: &str| {
        Err(BuildError::OutputRefused {
            path: target.to_path_buf(),
            reason,
            hint: hint.to_string(),
        })
    };
    let resolved = resolve_missing(target);
    if let (Some(out), Ok(content)) = (&resolved, content.canonicalize()) {
        if *out == content {
            return refuse(
                "is the content folder".into(),
                "write the site elsewhere, e.g. `--out site` beside the content folder",
            );
        }
        if content.starts_with(out) {
            return refuse(
                format!("holds the content folder {}", content.display()),
                "write the site to a folder of its own, e.g. `--out site`; it may sit inside the content folder, never around it",
            );
        }
    }
    let entries = match std::fs::read_dir(target) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return refuse("is a file".into(), "choose a folder name for --out")
        }
        Err(e) => return Err(BuildError::io(target, e)),
    };
    if entries.count() == 0 {
        return Ok(());
    }
    let listed = match std::fs::read_to_string(target.join(MARKER_FILE)) {
        Ok(text) => text,
        Err(_) => {
            return refuse(
                format!("exists and was not written by runbook (it has no {MARKER_FILE})"),
                "choose another --out, or empty the folder yourself",
            )
        }
    };
    let listed: std::collections::HashSet<&str> = listed.lines().skip(1).collect();
    for entry in walkdir::WalkDir::new(target)
        .min_depth(1)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| BuildError::io(target, e.into()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(target).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel != MARKER_FILE && !listed.contains(rel.as_str()) {
            return refuse(
                format!("holds {rel}, which runbook did not write there (it is not listed in {MARKER_FILE})"),
                "move the file into the content folder (files there are copied into the site), or choose another --out; a site from an older runbook lists nothing: delete that folder once",
            );
        }
    }
    Ok(())
}

/// `path` resolved through the links of its nearest existing ancestor,
/// for a target that does not exist yet.
fn resolve_missing(path: &Path) -> Option<PathBuf> {
    if let Ok(found) = path.canonicalize() {
        return Some(found);
    }
    // Missing: `..` cannot be resolved by the file system, so lexically.
    let mut absolute = PathBuf::new();
    for part in std::path::absolute(path).ok()?.components() {
        match part {
            std::path::Component::ParentDir => {
                absolute.pop();
            }
            std::path::Component::CurDir => {}
            other => absolute.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut current = absolute.as_path();
    loop {
        if let Ok(found) = current.canonicalize() {
            let mut resolved = found;
            for part in rest.iter().rev() {
                resolved.push(part);
            }
            return Some(resolved);
        }
        rest.push(current.file_name()?.to_os_string());
        current = current.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_contains;

    /// A temporary folder holding `content/a.md`, and that content folder.
    fn with_content() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("a.md"), "# A\n").unwrap();
        (tmp, content)
    }

    /// One build into `target`: `file` staged, then committed.
    fn build_into(target: &Path, content: &Path, file: &str, bytes: &[u8]) {
        let staging = Staging::new(target, content).unwrap();
        staging.write(file, bytes).unwrap();
        staging.commit().unwrap();
    }

    #[test]
    fn commit_replaces_our_site_and_refuses_others() {
        let (tmp, content) = with_content();
        let target = tmp.path().join("site");
        build_into(&target, &content, "a/index.html", b"one");
        assert_eq!(std::fs::read(target.join("a/index.html")).unwrap(), b"one");
        let marker = std::fs::read_to_string(target.join(MARKER_FILE)).unwrap();
        assert_eq!(marker, format!("{MARKER_VERSION}\na/index.html\n"));

        build_into(&target, &content, "b.html", b"two");
        assert!(!target.join("a/index.html").exists());
        assert_eq!(std::fs::read(target.join("b.html")).unwrap(), b"two");

        let foreign = tmp.path().join("docs");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), b"mine").unwrap();
        assert!(Staging::new(&foreign, &content).is_err());
        // Nothing but the content and the two folders is left behind.
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
    }

    #[test]
    fn a_file_put_into_the_site_by_hand_stops_the_replacement() {
        let (tmp, content) = with_content();
        let target = tmp.path().join("site");
        build_into(&target, &content, "index.html", b"one");
        std::fs::write(target.join("CNAME"), b"runbook.example.com").unwrap();
        let error = Staging::new(&target, &content).err().unwrap().to_string();
        assert_contains(&error, "holds CNAME");
        assert_contains(&error, "fix: move the file into the content folder");
        assert_eq!(
            std::fs::read(target.join("CNAME")).unwrap(),
            b"runbook.example.com"
        );
    }

    #[test]
    fn a_forged_marker_does_not_make_a_folder_ours() {
        let (tmp, content) = with_content();
        let notes = tmp.path().join("notes");
        std::fs::create_dir(&notes).unwrap();
        std::fs::write(notes.join(MARKER_FILE), b"").unwrap();
        std::fs::write(notes.join("todo.md"), b"mine").unwrap();
        let error = Staging::new(&notes, &content).err().unwrap().to_string();
        assert_contains(&error, "holds todo.md");
    }

    #[test]
    fn the_content_folder_and_its_parents_are_refused_whatever_they_hold() {
        let (tmp, content) = with_content();
        std::fs::write(content.join(MARKER_FILE), b"").unwrap();
        std::fs::write(tmp.path().join(MARKER_FILE), b"").unwrap();
        let error = Staging::new(&content, &content).err().unwrap().to_string();
        assert_contains(&error, "is the content folder");
        let error = Staging::new(tmp.path(), &content)
            .err()
            .unwrap()
            .to_string();
        assert_contains(&error, "holds the content folder");
        // Spelled another way: through `..` and through a link.
        let dotted = content.join("sub/../..");
        assert!(Staging::new(&dotted, &content).is_err());
        #[cfg(unix)]
        {
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(&content, &link).unwrap();
            assert!(Staging::new(&link, &content).is_err());
        }
        assert!(content.join("a.md").is_file());
    }

    /// Writes nothing; records what it was asked to write.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Sink for Recorder {
        fn write(&self, path: &str, _: &[u8]) -> Result<(), BuildError> {
            self.0.lock().unwrap().push(path.to_string());
            Ok(())
        }
        fn copy(&self, path: &str, _: &Path) -> Result<(), BuildError> {
            self.0.lock().unwrap().push(path.to_string());
            Ok(())
        }
    }

    #[test]
    fn a_case_only_twin_with_the_same_bytes_is_the_only_collision_allowed() {
        let inner = Recorder::default();
        let sources = |_: &str| None;
        let sink = Exclusive::new(&inner, &sources);
        sink.write("alerts/PodDown.html", b"redirect").unwrap();
        // Its lower-cased twin, same bytes: both written.
        sink.write("alerts/poddown.html", b"redirect").unwrap();
        // Other bytes under a case-only twin: refused.
        assert!(sink.write("alerts/PODDOWN.html", b"another page").is_err());
        // The same path twice, even with the same bytes: refused.
        assert!(sink.write("alerts/PodDown.html", b"redirect").is_err());
        // A copied file is never compared.
        sink.copy("a/Logo.png", Path::new("x")).unwrap();
        assert!(sink.copy("a/logo.png", Path::new("x")).is_err());
        assert_eq!(
            *inner.0.lock().unwrap(),
            ["alerts/PodDown.html", "alerts/poddown.html", "a/Logo.png"]
        );
    }
}
