//! Errors and warnings that point at a place in the user's files.
//!
//! Every message a writer sees names the file, the line and the fix, in the
//! `path:line:column: message` shape editors and terminals can jump to.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a source file; lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            path: path.into(),
            line: line.max(1),
            column: column.max(1),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// Something worth telling the writer that does not stop a normal build:
/// a broken link, an unknown front-matter key. `check` and `--strict` turn
/// every warning into a failure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Warning {
    pub at: Location,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {}", self.at, self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  fix: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Why a build stopped. Each variant carries where and what to do.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{}: {source}\n  fix: {hint}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
        hint: &'static str,
    },
    #[error("{}: the content folder does not exist\n  fix: pass the folder that holds your Markdown files, e.g. `runbook build content/`", path.display())]
    MissingContent { path: PathBuf },
    #[error("{at}: the file is not valid UTF-8\n  fix: save the file as UTF-8 (most editors: \"Save with encoding\")")]
    NotUtf8 { at: Location },
    #[error("{at}: {message}\n  fix: {hint}")]
    FrontMatter {
        at: Location,
        message: String,
        hint: String,
    },
    #[error("{at}: {message}\n  fix: {hint}")]
    Config {
        at: Location,
        message: String,
        hint: String,
    },
    #[error("{at}: {message}\n  fix: {hint}")]
    Content {
        at: Location,
        message: String,
        hint: String,
    },
    #[error("{}: {message}\n  fix: {hint}", path.display())]
    Template {
        path: PathBuf,
        message: String,
        hint: String,
    },
    #[error("{} and {} both become {output}\n  fix: rename one of them; output paths are case-insensitive so the site works on every file system", first.display(), second.display())]
    OutputCollision {
        first: PathBuf,
        second: PathBuf,
        output: String,
    },
    #[error("{}: links to {}, outside the content folder {}; runbook never reads a file outside it into a site\n  fix: copy the file into the content folder, or remove the link", path.display(), target.display(), root.display())]
    LinkOutside {
        path: PathBuf,
        target: PathBuf,
        root: PathBuf,
    },
    #[error("{}: refusing to write the site there: the folder {reason}\n  fix: {hint}", path.display())]
    OutputRefused {
        path: PathBuf,
        reason: String,
        hint: String,
    },
    #[error("{}: becomes {output}, which runbook writes itself ({generated})\n  fix: rename the file; runbook writes that file in every site", source_file.display())]
    GeneratedCollision {
        source_file: PathBuf,
        output: String,
        generated: &'static str,
    },
    #[error("{}: cannot write its page {output}: {source}\n  fix: {hint}", source_file.display())]
    PageWrite {
        source_file: PathBuf,
        output: String,
        source: std::io::Error,
        hint: &'static str,
    },
    #[error("{}: symbolic link loop\n  fix: remove the link that points back into its own folder", path.display())]
    SymlinkLoop { path: PathBuf },
    #[error("{}", strict_message(.warnings))]
    Strict { warnings: Vec<Warning> },
}

impl BuildError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        let hint = match source.kind() {
            std::io::ErrorKind::PermissionDenied => "make the file readable by this user",
            std::io::ErrorKind::NotFound => "check the path",
            _ => "check that the file is readable and the disk is not full",
        };
        BuildError::Io {
            path: path.to_path_buf(),
            source,
            hint,
        }
    }
}

impl BuildError {
    /// A failed write of the page made from `source_file`, told at that
    /// file: the output path is ours, the name that is too long is the
    /// writer's.
    pub fn at_source(self, source_file: &Path, output: &str) -> BuildError {
        match self {
            BuildError::Io { source, .. } => {
                let hint = if source.kind() == std::io::ErrorKind::InvalidFilename {
                    "shorten the file name: most file systems allow 255 bytes per name (a Japanese character takes 3)"
                } else {
                    "check that the output folder is writable and the disk is not full"
                };
                BuildError::PageWrite {
                    source_file: source_file.to_path_buf(),
                    output: output.to_string(),
                    source,
                    hint,
                }
            }
            other => other,
        }
    }
}

fn strict_message(warnings: &[Warning]) -> String {
    let mut text = String::new();
    for w in warnings {
        text.push_str(&w.to_string());
        text.push('\n');
    }
    text.push_str(&format!(
        "{} warning(s), and `check` or `--strict` treats warnings as errors\n  fix: correct the places listed above",
        warnings.len()
    ));
    text
}

/// Maps byte offsets in a text to 1-based line and column numbers.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// 1-based (line, column) of a byte offset; columns count characters.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text
            .get(start..offset.min(text.len()))
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_lines_and_characters() {
        let text = "ab\nあい\nc";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), (1, 1));
        assert_eq!(index.position(text, 3), (2, 1));
        assert_eq!(index.position(text, 6), (2, 2));
        assert_eq!(index.position(text, text.len()), (3, 2));
    }

    #[test]
    fn warnings_print_location_and_fix() {
        let w = Warning {
            at: Location::new("a.md", 3, 5),
            message: "broken link".into(),
            hint: "fix it".into(),
        };
        assert_eq!(
            w.to_string(),
            "a.md:3:5: warning: broken link\n  fix: fix it"
        );
    }
}
