//! A small builder for end-to-end tests: copy a fixture into a temporary
//! folder, run the binary, edit, run again, look at the output.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::assert_contains;
pub use crate::common::{copy_tree, workspace};
use std::process::Command;

pub struct TestSite {
    dir: tempfile::TempDir,
    pub content: PathBuf,
    pub out: PathBuf,
}

/// What one run of the binary did.
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.success,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_failed_with(&self, needle: &str) -> &Self {
        assert!(
            !self.success,
            "expected failure\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "a panic is never an error message:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts the run succeeded and warned with `needle` on stderr.
    #[track_caller]
    pub fn assert_warned(&self, needle: &str) -> &Self {
        self.assert_ok();
        assert_contains(&self.stderr, needle);
        self
    }
}

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/sites")
        .join(name)
}

impl TestSite {
    pub fn empty() -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir(&content).unwrap();
        let out = dir.path().join("site");
        TestSite { dir, content, out }
    }

    pub fn fixture(name: &str) -> TestSite {
        TestSite::copy_of(&fixture_dir(name))
    }

    /// The fixture `name`, built: where every test that reads a good
    /// site's output starts.
    #[track_caller]
    pub fn built(name: &str) -> TestSite {
        let site = TestSite::fixture(name);
        site.build(&[]).assert_ok();
        site
    }

    pub fn copy_of(source: &Path) -> TestSite {
        let site = TestSite::empty();
        copy_tree(source, &site.content);
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.content.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// The text of the content file `rel`.
    pub fn source(&self, rel: &str) -> String {
        std::fs::read_to_string(self.content.join(rel))
            .unwrap_or_else(|e| panic!("content/{rel}: {e}"))
    }

    /// Appends `lines` to the site's runbook.yaml: the setting a test turns
    /// on or off, after the fixture's own.
    pub fn add_config(&self, lines: &str) -> &Self {
        self.write("runbook.yaml", self.source("runbook.yaml") + lines)
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.content.join(rel)).unwrap();
        self
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_runbook"))
            .args(args)
            .current_dir(self.root())
            .env_remove("RUNBOOK_LOG")
            .output()
            .expect("run runbook");
        Run {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `runbook build content --out site` plus extra arguments.
    pub fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build", "content", "--out", "site"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    pub fn check(&self) -> Run {
        self.run(&["check", "content"])
    }

    pub fn output(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Every output file and its bytes.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.out)
    }
}

pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walk(root) {
        let rel = entry
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        files.insert(rel, std::fs::read(&entry).unwrap());
    }
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
