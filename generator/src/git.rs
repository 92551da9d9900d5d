//! "Last updated" dates from git, when the content lives in a repository.
//!
//! One `git log` walk for the whole folder, not one process per page: a
//! 10,000-page site must not spawn 10,000 processes.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// Source path (below `root`) → date of the last commit touching it,
/// `YYYY-MM-DD`. Empty when `root` is not in a git work tree or git is
/// missing: dates are a courtesy, never a reason to fail.
pub fn last_updated(root: &Path) -> HashMap<String, String> {
    let mut dates = HashMap::new();
    let Some(prefix) = git(root, &["rev-parse", "--show-prefix"]) else {
        return dates;
    };
    let prefix = prefix.trim().to_string();
    let Some(log) = git(
        root,
        &[
            "log",
            "--format=%x00%cs",
            "--name-only",
            "--no-renames",
            "--",
            ".",
        ],
    ) else {
        return dates;
    };
    let mut current = "";
    for line in log.lines() {
        if let Some(date) = line.strip_prefix('\0') {
            current = date;
        } else if !line.is_empty() && !current.is_empty() {
            // Paths are relative to the repository root.
            if let Some(rel) = line.strip_prefix(prefix.as_str()) {
                dates
                    .entry(rel.to_string())
                    .or_insert_with(|| current.to_string());
            }
        }
    }
    dates
}

/// The time of the last commit touching `root` (RFC 3339, UTC), when it
/// is in a git work tree: what the offline copy says it is from.
pub fn last_commit(root: &Path) -> Option<String> {
    let line = git(root, &["log", "-1", "--format=%ct", "--", "."])?;
    let seconds: i64 = line.trim().parse().ok()?;
    jiff::Timestamp::from_second(seconds)
        .ok()
        .map(|t| t.to_string())
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotepath=off"])
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_repository_means_no_dates() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(last_updated(tmp.path()).is_empty());
        assert_eq!(last_commit(tmp.path()), None);
    }

    #[test]
    fn dates_come_from_the_last_commit_of_each_file() {
        let tmp = tempfile::tempdir().unwrap();
        let run = |args: &[&str], date: &str| {
            let ok = Command::new("git")
                .arg("-C")
                .arg(tmp.path())
                .args(args)
                .env("GIT_AUTHOR_DATE", date)
                .env("GIT_COMMITTER_DATE", date)
                .env("GIT_AUTHOR_NAME", "t")
                .env("GIT_AUTHOR_EMAIL", "t@t")
                .env("GIT_COMMITTER_NAME", "t")
                .env("GIT_COMMITTER_EMAIL", "t@t")
                .status()
                .unwrap()
                .success();
            assert!(ok, "git {args:?}");
        };
        run(&["init", "-q"], "2026-01-01T00:00:00Z");
        std::fs::create_dir(tmp.path().join("content")).unwrap();
        std::fs::write(tmp.path().join("content/a.md"), "a").unwrap();
        std::fs::write(tmp.path().join("content/日本語.md"), "b").unwrap();
        run(&["add", "."], "2026-01-01T00:00:00Z");
        run(&["commit", "-q", "-m", "one"], "2026-01-02T00:00:00Z");
        std::fs::write(tmp.path().join("content/a.md"), "a2").unwrap();
        run(&["commit", "-q", "-am", "two"], "2026-03-04T00:00:00Z");
        let dates = last_updated(&tmp.path().join("content"));
        assert_eq!(
            last_commit(&tmp.path().join("content")).as_deref(),
            Some("2026-03-04T00:00:00Z")
        );
        assert_eq!(dates.get("a.md").map(String::as_str), Some("2026-03-04"));
        assert_eq!(
            dates.get("日本語.md").map(String::as_str),
            Some("2026-01-02")
        );
    }
}
