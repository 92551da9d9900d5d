//! The sidebar's HTML, laid out once per folder rather than once per page.
//!
//! What a page's sidebar shows depends on its folder alone (which sections
//! are open, and the relative URLs, which are the same from every page of a
//! folder), except for the one line marked as the current page. So each
//! line goes through the theme's `nav_item.html` once per folder, plus once
//! more marked current for the pages of that folder, and a page's sidebar
//! is those lines joined. On a site with a hundred pages per folder that is
//! a hundredth of the template work, for the same bytes.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::BuildError;
use crate::i18n::Strings;
use crate::nav::NavNode;
use crate::paths;
use crate::theme::Theme;
use crate::view::{self, NavEntry};

/// The template that lays out one line of the sidebar.
pub const ITEM_TEMPLATE: &str = "nav_item.html";

/// Pages that see the same sidebar (but for the current mark): same source
/// folder (which sections are open) and same output folder (the URLs).
type FolderKey<'a> = (&'a str, &'a str);

/// One line, laid out as seen from its folder.
struct Line {
    html: String,
    /// The page this line links to, and the line marked as current, when
    /// that page is in this folder (only there can it be current).
    current: Option<(usize, String)>,
}

/// The laid-out lines of every folder a build needs.
pub struct Sidebars<'a> {
    folders: HashMap<FolderKey<'a>, Vec<Line>>,
    entries: &'a [NavEntry<'a>],
}

impl<'a> Sidebars<'a> {
    /// Lays out the sidebar lines of the folders of `pages` (indices into
    /// `entries`), in parallel.
    pub fn new(
        root: &'a NavNode,
        entries: &'a [NavEntry<'a>],
        pages: &[usize],
        theme: &Theme,
        strings: &Strings,
    ) -> Result<Sidebars<'a>, BuildError> {
        // One representative page per folder: any page of it sees the
        // same lines.
        let mut representatives: HashMap<FolderKey<'a>, usize> = HashMap::new();
        let mut wanted_current = vec![false; entries.len()];
        for &i in pages {
            representatives.entry(key(&entries[i])).or_insert(i);
            wanted_current[i] = true;
        }
        let folders = representatives
            .into_par_iter()
            .map(|(folder, representative)| {
                let lines = view::sidebar(root, entries, representative)
                    .into_iter()
                    .map(|mut item| {
                        let target = item.page;
                        item.current = false;
                        let html = render_line(theme, strings, &item)?;
                        let current = match target {
                            // Only a page being laid out needs its line
                            // marked (the dev server lays out one or two).
                            Some(j) if wanted_current[j] && key(&entries[j]) == folder => {
                                item.current = true;
                                Some((j, render_line(theme, strings, &item)?))
                            }
                            _ => None,
                        };
                        Ok(Line { html, current })
                    })
                    .collect::<Result<Vec<Line>, BuildError>>()?;
                Ok((folder, lines))
            })
            .collect::<Result<HashMap<_, _>, BuildError>>()?;
        Ok(Sidebars { folders, entries })
    }

    /// The sidebar of page `i`: its folder's lines, its own marked current.
    /// Empty for a page whose folder was not laid out.
    pub fn for_page(&self, i: usize) -> String {
        let Some(lines) = self.folders.get(&key(&self.entries[i])) else {
            return String::new();
        };
        let mut html = String::with_capacity(lines.iter().map(|l| l.html.len()).sum());
        for line in lines {
            match &line.current {
                Some((page, current)) if *page == i => html.push_str(current),
                _ => html.push_str(&line.html),
            }
        }
        html
    }
}

fn key<'a>(entry: &NavEntry<'a>) -> FolderKey<'a> {
    (paths::parent(entry.rel), paths::parent(entry.output))
}

fn render_line(
    theme: &Theme,
    strings: &Strings,
    item: &view::NavItemView,
) -> Result<String, BuildError> {
    let mut context = tera::Context::new();
    context.insert("item", item);
    context.insert("t", strings);
    theme.render(ITEM_TEMPLATE, &context)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nav::{self, NavInput};

    /// Each page's sidebar equals the one laid out for that page alone:
    /// same lines, and only its own line marked current.
    #[test]
    fn every_page_sees_its_folder_and_only_itself_current() {
        let rels = ["README.md", "a.md", "db/README.md", "db/x.md", "db/y.md"];
        let outputs = [
            "index.html",
            "a.html",
            "db/index.html",
            "db/x.html",
            "db/y.html",
        ];
        let inputs: Vec<NavInput> = rels
            .iter()
            .map(|rel| NavInput {
                rel,
                title: rel,
                weight: None,
                is_index: rel.ends_with("README.md"),
                links: Vec::new(),
            })
            .collect();
        let nav = nav::build(&inputs);
        let entries: Vec<NavEntry> = rels
            .iter()
            .zip(outputs)
            .map(|(rel, output)| NavEntry {
                rel,
                output,
                title: rel,
                severity: None,
            })
            .collect();
        let theme = Theme::load(None).unwrap();
        let strings = Strings::for_language("ja");
        let all: Vec<usize> = (0..rels.len()).collect();
        let sidebars = Sidebars::new(&nav.root, &entries, &all, &theme, &strings).unwrap();
        for i in all {
            let expected: String = view::sidebar(&nav.root, &entries, i)
                .iter()
                .map(|item| render_line(&theme, &strings, item).unwrap())
                .collect();
            let html = sidebars.for_page(i);
            assert_eq!(html, expected, "page {}", rels[i]);
            assert_eq!(html.matches("aria-current").count(), 1, "{html}");
        }
        // From inside db/, links climb out; db's pages are listed.
        let db = sidebars.for_page(3);
        assert!(db.contains("href=\"../index.html\""), "{db}");
        assert!(db.contains("href=\"y.html\""), "{db}");
        assert!(!sidebars.for_page(1).contains("db/x.html"));
    }
}
