//! Output: where built files go, and the swap that publishes them whole.
//!
//! A build writes into a fresh folder next to the target and swaps it in
//! only when everything succeeded, so a failed build leaves the previous
//! site byte-for-byte as it was and a reader never sees half a site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::BuildError;

/// Written into every output folder; an existing folder without it is not
/// ours and is never replaced.
pub const MARKER_FILE: &str = ".runbook-site";

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

/// A staging folder beside the target; `commit` swaps it in.
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging, BuildError> {
        if target.exists() && !is_replaceable(target) {
            return Err(BuildError::io(
                target,
                std::io::Error::other(
                    "the output folder exists and was not written by runbook; refusing to replace it (choose another --out, or empty it)",
                ),
            ));
        }
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
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Replaces the target with the staged folder. The old site is moved
    /// aside first and deleted last, so the target is missing only for the
    /// instant between two renames.
    pub fn commit(self) -> Result<(), BuildError> {
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
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&staged, &self.target).map_err(|e| BuildError::io(&self.target, e))?;
        }
        Ok(())
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), BuildError> {
        let full = self.dir.path().join(path);
        in_folder(&full, || std::fs::write(&full, bytes)).map_err(|e| BuildError::io(&full, e))
    }

    fn copy(&self, path: &str, from: &Path) -> Result<(), BuildError> {
        let full = self.dir.path().join(path);
        in_folder(&full, || std::fs::copy(from, &full).map(|_| ()))
            .map_err(|e| BuildError::io(from, e))
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

fn is_replaceable(target: &Path) -> bool {
    target.join(MARKER_FILE).is_file()
        || std::fs::read_dir(target)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_our_site_and_refuses_others() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("site");
        let staging = Staging::new(&target).unwrap();
        staging.write(MARKER_FILE, b"").unwrap();
        staging.write("a/index.html", b"one").unwrap();
        staging.commit().unwrap();
        assert_eq!(std::fs::read(target.join("a/index.html")).unwrap(), b"one");

        let staging = Staging::new(&target).unwrap();
        staging.write(MARKER_FILE, b"").unwrap();
        staging.write("b.html", b"two").unwrap();
        staging.commit().unwrap();
        assert!(!target.join("a/index.html").exists());
        assert_eq!(std::fs::read(target.join("b.html")).unwrap(), b"two");

        let foreign = tmp.path().join("docs");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), b"mine").unwrap();
        assert!(Staging::new(&foreign).is_err());
        // Nothing but the two sites is left behind.
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}
