//! Load: read a content folder into memory (`Sources`), nothing rendered yet.
//!
//! Markdown files become `SourcePage`s, every other file is an asset copied
//! as-is (images, downloads). Hidden files, `runbook.yaml`, the theme folder
//! and the output folder (when it lies inside the content) are skipped.
//!
//! Nothing outside the content folder is ever read: a symbolic link (to a
//! file or a folder) whose target resolves outside it stops the load. A
//! build runs in CI with secrets in its environment and a checkout's
//! credentials one folder up; `ln -s /proc/self/environ env.txt` must not
//! put either on a public site.

use std::path::{Path, PathBuf};

use crate::config::{SiteConfig, CONFIG_FILE};
use crate::error::{BuildError, LineIndex, Location, Warning};

/// Everything the later stages need from disk.
#[derive(Debug, Clone)]
pub struct Sources {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub pages: Vec<SourcePage>,
    pub assets: Vec<Asset>,
}

/// One Markdown file, read and decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcePage {
    /// Path below the content root, `/`-separated on every platform.
    pub rel: String,
    /// Path as given to the user in messages.
    pub display: PathBuf,
    pub text: String,
    /// What reading found worth telling (old Mac line endings).
    pub warnings: Vec<Warning>,
}

/// A non-Markdown file copied to the output unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub rel: String,
    pub abs: PathBuf,
}

/// True for the file names rendered as pages.
pub fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "markdown")
    )
}

/// Reads the config and every file below `root`. `exclude` names folders to
/// leave out (the output folder when it sits inside the content).
pub fn load(root: &Path, exclude: &[PathBuf]) -> Result<Sources, BuildError> {
    if !root.is_dir() {
        return Err(BuildError::MissingContent {
            path: root.to_path_buf(),
        });
    }
    let fence = Fence::new(root)?;
    fence.check(&root.join(CONFIG_FILE))?;
    let config = SiteConfig::load(root)?;
    let mut skip: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    // Paths runbook.yaml names are read into the site too: a pull request
    // that edits runbook.yaml must not point them outside the content.
    let outside = |key: &str, path: &Path, hint: &str| BuildError::Config {
        at: config.location_of(root, key),
        message: format!(
            "{key} `{}` is outside the content folder {}",
            path.display(),
            root.display()
        ),
        hint: hint.into(),
    };
    if let Some(theme) = &config.theme_dir {
        if let Ok(canonical) = root.join(theme).canonicalize() {
            if !fence.contains(&canonical) {
                return Err(outside("theme_dir", theme, "move the theme folder into the content folder (it is never published as pages) and name it relative to runbook.yaml"));
            }
            skip.push(canonical);
        }
    }
    for rules in &config.rules {
        if let Ok(canonical) = root.join(rules).canonicalize() {
            if !fence.contains(&canonical) {
                return Err(outside("rules", rules, "put the rule files inside the content folder, or name them on the command line with --rules"));
            }
        }
    }

    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    // Links are followed, so links between files of the content work; each
    // link's target is checked before the walk reads or enters it.
    let outside = std::cell::RefCell::new(None);
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            if hidden {
                return false;
            }
            if e.depth() > 0 && e.path_is_symlink() {
                if let Err(error) = fence.check(e.path()) {
                    outside.borrow_mut().get_or_insert(error);
                    return false;
                }
            }
            let skipped = e.file_type().is_dir()
                && e.path()
                    .canonicalize()
                    .map(|p| skip.contains(&p))
                    .unwrap_or(false);
            !skipped
        });
    for entry in walker {
        let entry = entry.map_err(|e| walk_error(root, e))?;
        if let Some(error) = outside.borrow_mut().take() {
            return Err(error);
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel_path = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel = rel_path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if rel == CONFIG_FILE {
            continue;
        }
        if is_markdown(entry.path()) {
            markdown.push((rel, entry.path().to_path_buf()));
        } else {
            assets.push(Asset {
                rel,
                abs: entry.path().to_path_buf(),
            });
        }
    }

    if let Some(error) = outside.into_inner() {
        return Err(error);
    }

    // Reading is I/O and UTF-8 checking: spread it over the cores too.
    use rayon::prelude::*;
    let pages = markdown
        .into_par_iter()
        .map(|(rel, abs)| read_page(rel, &abs))
        .collect::<Result<Vec<_>, _>>()?;

    Ok(Sources {
        root: root.to_path_buf(),
        config,
        pages,
        assets,
    })
}

/// The content folder as the file system resolves it: every file read
/// into a site must resolve below it.
#[derive(Debug, Clone)]
pub struct Fence {
    root: PathBuf,
    canonical: PathBuf,
}

impl Fence {
    pub fn new(root: &Path) -> Result<Fence, BuildError> {
        let canonical = root.canonicalize().map_err(|e| BuildError::io(root, e))?;
        Ok(Fence {
            root: root.to_path_buf(),
            canonical,
        })
    }

    /// True when a resolved path lies in the content folder.
    pub fn contains(&self, canonical: &Path) -> bool {
        canonical.starts_with(&self.canonical)
    }

    /// `Ok` when `path` (below the root as given) is missing or resolves
    /// inside the content folder; an error naming the link otherwise.
    pub fn check(&self, path: &Path) -> Result<(), BuildError> {
        match path.canonicalize() {
            Ok(target) if self.contains(&target) => Ok(()),
            Ok(target) => Err(BuildError::LinkOutside {
                path: path.to_path_buf(),
                target,
                root: self.root.clone(),
            }),
            // Missing (or a dangling link): nothing outside can be read.
            Err(_) => Ok(()),
        }
    }
}

/// Reads and decodes one Markdown file (also used by the dev server to
/// re-read just the pages that changed).
pub fn read_page(rel: String, abs: &Path) -> Result<SourcePage, BuildError> {
    let bytes = std::fs::read(abs).map_err(|e| BuildError::io(abs, e))?;
    let mut text = decode(abs, bytes)?;
    let mut warnings = Vec::new();
    if text.contains('\r') {
        // Lone CRs (classic Mac OS) end lines for Markdown but not for the
        // front matter split or for line numbers: make them newlines.
        text = text.replace('\r', "\n");
        warnings.push(Warning {
            at: Location::new(abs, 1, 1),
            message: "lines end with a carriage return alone (classic Mac OS)".into(),
            hint: "save the file with LF (or CRLF) line endings".into(),
        });
    }
    Ok(SourcePage {
        rel,
        display: abs.to_path_buf(),
        text,
        warnings,
    })
}

/// UTF-8 text without a byte-order mark; an invalid byte is reported at its
/// line and column.
fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, BuildError> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            if text.contains('\r') {
                text = text.replace("\r\n", "\n");
            }
            Ok(text)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let (line, column) = LineIndex::new(&prefix).position(&prefix, prefix.len());
            Err(BuildError::NotUtf8 {
                at: Location::new(path, line, column),
            })
        }
    }
}

fn walk_error(root: &Path, e: walkdir::Error) -> BuildError {
    let path = e.path().unwrap_or(root).to_path_buf();
    if e.loop_ancestor().is_some() {
        return BuildError::SymlinkLoop { path };
    }
    match e.into_io_error() {
        Some(io) => BuildError::io(&path, io),
        None => BuildError::io(&path, std::io::Error::other("cannot read")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let err = decode(Path::new("a.md"), b"ok\nab\xffc".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string().lines().next().unwrap(),
            "a.md:2:3: the file is not valid UTF-8"
        );
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        let text = decode(Path::new("a.md"), b"\xef\xbb\xbf# T\r\nx\r\n".to_vec()).unwrap();
        assert_eq!(text, "# T\nx\n");
    }
}
