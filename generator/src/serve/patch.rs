//! Patch: the last good `Site` with only the changed files read again, so
//! an edit costs reading and parsing one file, not the whole folder.
//!
//! It gives up (returns `None`, and the caller loads everything) whenever
//! it cannot be sure to match `source::load` + `site::assemble`: a folder
//! appeared, vanished or was renamed, the OS dropped events, or the config
//! changed. The serve tests compare the outcome with a clean build.

use std::cmp::Ordering;
use std::path::{Component, Path};

use crate::error::BuildError;
use crate::site::{self, Site};
use crate::source::{self, Asset};

use super::watch::Batch;

/// `site` with the batch's files re-read from below `canonical` (the
/// content folder as events name it), or `None` when only a full load can
/// tell.
pub fn apply(site: &Site, canonical: &Path, batch: &Batch) -> Result<Option<Site>, BuildError> {
    if batch.rescan || batch.config {
        return Ok(None);
    }
    let mut next = site.clone();
    // Only a file that appeared can break the loader's order or collide
    // with another output; an edit is replaced in place, a deletion keeps
    // the order of the rest.
    let mut added = false;
    for path in &batch.pages {
        let Some(rel) = relative(canonical, path) else {
            return Ok(None);
        };
        let abs = site.root.join(native(&rel));
        let meta = std::fs::symlink_metadata(&abs);
        let at = next.pages.iter().position(|p| p.rel == rel);
        let display = abs.clone();
        next.warnings.retain(|w| w.at.path != display);
        match meta {
            Ok(meta) if meta.is_file() => {
                let source = source::read_page(rel, &abs)?;
                let (page, warnings) = site::assemble_page(source)?;
                if page.front.draft {
                    // Drafts are left out of the site: let the loader do it.
                    return Ok(None);
                }
                match at {
                    Some(i) => next.pages[i] = page,
                    None => {
                        next.pages.push(page);
                        added = true;
                    }
                }
                next.warnings.extend(warnings);
            }
            // A folder named `x.md`, or a symbolic link: leave it to the loader.
            Ok(_) => return Ok(None),
            Err(_) if has_descendants(site, &rel) => return Ok(None),
            Err(_) => {
                if let Some(i) = at {
                    next.pages.remove(i);
                }
            }
        }
    }
    for path in &batch.assets {
        let Some(rel) = relative(canonical, path) else {
            return Ok(None);
        };
        let abs = site.root.join(native(&rel));
        let at = next.assets.iter().position(|a| a.rel == rel);
        match std::fs::symlink_metadata(&abs) {
            Ok(meta) if meta.is_file() => {
                let asset = Asset { rel, abs };
                match at {
                    Some(i) => next.assets[i] = asset,
                    None => {
                        next.assets.push(asset);
                        added = true;
                    }
                }
            }
            // A new folder may hold files whose events came before its watch.
            Ok(_) => return Ok(None),
            Err(_) if has_descendants(site, &rel) => return Ok(None),
            Err(_) => {
                if let Some(i) = at {
                    next.assets.remove(i);
                }
            }
        }
    }
    if added {
        // The loader's order: a walk sorted by file name, folder by folder.
        next.pages.sort_by(|a, b| walk_order(&a.rel, &b.rel));
        next.assets.sort_by(|a, b| walk_order(&a.rel, &b.rel));
        site::check_collisions(&next.pages, &next.assets)?;
    }
    Ok(Some(next))
}

/// `a/b.md` below the content root, `/`-separated as the loader writes it.
fn relative(canonical: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(canonical).ok()?;
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect();
    let parts = parts?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn native(rel: &str) -> std::path::PathBuf {
    rel.split('/').collect()
}

/// A vanished path that held pages or assets was a folder.
fn has_descendants(site: &Site, rel: &str) -> bool {
    let prefix = format!("{rel}/");
    site.pages.iter().any(|p| p.rel.starts_with(&prefix))
        || site.assets.iter().any(|a| a.rel.starts_with(&prefix))
}

/// Pre-order of a walk with each folder's entries sorted by name: compare
/// path components in turn.
fn walk_order(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn load(root: &Path) -> Site {
        crate::pipeline::load(root, &[]).unwrap()
    }

    /// A content folder holding `files` (path, text), its canonical path
    /// and the site loaded from it.
    fn loaded(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, Site) {
        let tmp = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            write(tmp.path(), rel, text);
        }
        let site = load(tmp.path());
        let canonical = tmp.path().canonicalize().unwrap();
        (tmp, canonical, site)
    }

    fn same(a: &Site, b: &Site) {
        let pages = |s: &Site| -> Vec<(String, String)> {
            s.pages
                .iter()
                .map(|p| (p.rel.clone(), p.text.to_string()))
                .collect()
        };
        let assets = |s: &Site| -> Vec<String> { s.assets.iter().map(|a| a.rel.clone()).collect() };
        assert_eq!(pages(a), pages(b));
        assert_eq!(assets(a), assets(b));
        let mut wa = a.warnings.clone();
        let mut wb = b.warnings.clone();
        wa.sort();
        wb.sort();
        assert_eq!(wa, wb);
    }

    #[test]
    fn edits_additions_and_deletions_match_a_full_load() {
        let (tmp, canonical, site) = loaded(&[
            ("README.md", "# Home\n"),
            ("a/x.md", "# X\n"),
            ("a.md", "# A\n"),
            ("b/img.svg", "<svg/>"),
        ]);
        let root = tmp.path();

        write(root, "a/x.md", "---\ncolour: red\n---\n# X2\n");
        write(root, "a/w.md", "# W\n");
        write(root, "a/new.png", "png");
        std::fs::remove_file(root.join("a.md")).unwrap();
        std::fs::remove_file(root.join("b/img.svg")).unwrap();
        let batch = Batch {
            pages: ["a/x.md", "a/w.md", "a.md", "gone.md"]
                .iter()
                .map(|p| canonical.join(p))
                .collect(),
            assets: ["a/new.png", "b/img.svg"]
                .iter()
                .map(|p| canonical.join(p))
                .collect(),
            ..Batch::default()
        };
        let patched = apply(&site, &canonical, &batch).unwrap().unwrap();
        same(&patched, &load(root));
        assert_eq!(patched.warnings.len(), 1, "{:?}", patched.warnings);
    }

    #[test]
    fn an_edit_keeps_its_place_and_a_new_file_is_checked_for_collisions() {
        let (tmp, canonical, site) = loaded(&[
            ("README.md", "# Home\n"),
            ("a/x.md", "# X\n"),
            ("b.md", "# B\n"),
        ]);
        let root = tmp.path();

        write(root, "a/x.md", "---\ncolour: red\n---\n# X2\n");
        let edit = Batch {
            pages: [canonical.join("a/x.md")].into(),
            ..Batch::default()
        };
        let patched = apply(&site, &canonical, &edit).unwrap().unwrap();
        same(&patched, &load(root));

        // `B.md` and `b.md` would overwrite each other on a case-blind disk.
        write(root, "B.md", "# B again\n");
        let added = Batch {
            pages: [canonical.join("B.md")].into(),
            ..Batch::default()
        };
        assert!(matches!(
            apply(&patched, &canonical, &added),
            Err(BuildError::OutputCollision { .. })
        ));
    }

    #[test]
    fn folders_and_rescans_need_a_full_load() {
        let (tmp, canonical, site) = loaded(&[("a/x.md", "# X\n")]);
        let root = tmp.path();
        let folder = Batch {
            assets: [canonical.join("a")].into(),
            ..Batch::default()
        };
        assert!(apply(&site, &canonical, &folder).unwrap().is_none());
        std::fs::remove_dir_all(root.join("a")).unwrap();
        assert!(apply(&site, &canonical, &folder).unwrap().is_none());
        let rescan = Batch {
            rescan: true,
            ..Batch::default()
        };
        assert!(apply(&site, &canonical, &rescan).unwrap().is_none());
        let outside = Batch {
            pages: [PathBuf::from("/elsewhere/x.md")].into(),
            ..Batch::default()
        };
        assert!(apply(&site, &canonical, &outside).unwrap().is_none());
    }

    #[test]
    fn walk_order_puts_a_folder_before_its_longer_named_sibling() {
        let mut rels = vec![
            "a.md",
            "a/x.md",
            "b.md",
            "README.md",
            "a/b/c.md",
            "日本語.md",
        ];
        rels.sort_by(|a, b| walk_order(a, b));
        assert_eq!(
            rels,
            [
                "README.md",
                "a/b/c.md",
                "a/x.md",
                "a.md",
                "b.md",
                "日本語.md"
            ]
        );
    }
}
