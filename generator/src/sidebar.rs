//! The sidebar a page carries in its own HTML: the no-script fallback of
//! the navigation, bounded in size whatever the size of the site.
//!
//! The whole tree is one shared script (`nav_script`), drawn by the theme's
//! `runbook.js`. Each page keeps, for readers without scripts, the way to
//! itself: the home page, then at each level of its path a window of
//! entries around the open section ([`PATH_WINDOW`]) or, at the page's own
//! level, around the page ([`WINDOW`]), with a gap line where entries are
//! left out. A page in a
//! 2,400-page folder is then as large as one in a 20-page folder, and the
//! site grows linearly with its pages.
//!
//! Each line goes through the theme's `nav_item.html` once per folder (the
//! relative URLs and the open sections are the same from every page of a
//! folder), and once more, marked current, for the page being laid out.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::BuildError;
use crate::nav::{Nav, NavNode};
use crate::paths;
use crate::theme::Theme;
use crate::view::{NavEntry, NavItemView};
use runbook_widgets::language::ThemeWords;

/// The template that lays out one line of the sidebar.
pub const ITEM_TEMPLATE: &str = "nav_item.html";

/// Entries shown at the page's own level: the page and up to five on
/// each side.
pub const WINDOW: usize = 11;

/// Entries shown at each level above the page: the open section and up to
/// two on each side. Those levels are where the reader came from, not
/// where they go next, and every line of them is on every page below.
pub const PATH_WINDOW: usize = 5;

/// One line of a page's fallback sidebar.
#[derive(Debug, Clone, Copy)]
pub enum Slot<'a> {
    Line {
        node: &'a NavNode,
        depth: usize,
        section: bool,
        open: bool,
        current: bool,
    },
    /// Entries of this level left out of the window.
    Gap { depth: usize },
}

/// A slot by what it shows, comparable between two builds (whose nodes and
/// page indices differ): what `layout::changed` compares.
#[derive(Debug, PartialEq)]
pub enum SlotKey<'a> {
    Line {
        entry: Option<&'a NavEntry<'a>>,
        label: &'a str,
        depth: usize,
        section: bool,
        open: bool,
        current: bool,
    },
    Gap {
        depth: usize,
    },
}

impl<'a> Slot<'a> {
    pub fn key(&self, entries: &'a [NavEntry<'a>]) -> SlotKey<'a> {
        match *self {
            Slot::Line {
                node,
                depth,
                section,
                open,
                current,
            } => SlotKey::Line {
                entry: node.page.map(|i| &entries[i]),
                label: &node.label,
                depth,
                section,
                open,
                current,
            },
            Slot::Gap { depth } => SlotKey::Gap { depth },
        }
    }
}

/// The fallback sidebar of page `current`, line by line.
pub fn slots<'a>(nav: &'a Nav, entries: &[NavEntry], current: usize) -> Vec<Slot<'a>> {
    let root = &nav.root;
    let mut slots = Vec::new();
    if let Some(i) = root.page {
        slots.push(Slot::Line {
            node: root,
            depth: 0,
            section: false,
            open: false,
            current: i == current,
        });
    }
    let walk = Walk {
        rel: entries[current].rel,
        current,
        place: nav.place.get(current).copied(),
    };
    walk.level(&root.children, 0, &mut slots);
    slots
}

/// The page a fallback sidebar is laid out for.
struct Walk<'r> {
    rel: &'r str,
    current: usize,
    /// The page's position among its node's siblings.
    place: Option<usize>,
}

impl Walk<'_> {
    fn level<'a>(&self, nodes: &'a [NavNode], depth: usize, slots: &mut Vec<Slot<'a>>) {
        let open = |node: &NavNode| {
            is_section(node) && !node.folder.is_empty() && self.rel.starts_with(&node.folder)
        };
        let (anchor, window) = match nodes.iter().position(open) {
            Some(section) => (section, PATH_WINDOW),
            None => (
                self.place
                    .filter(|&p| nodes.get(p).is_some_and(|n| n.page == Some(self.current)))
                    .unwrap_or(0),
                WINDOW,
            ),
        };
        let start = anchor
            .saturating_sub(window / 2)
            .min(nodes.len().saturating_sub(window));
        let end = (start + window).min(nodes.len());
        if start > 0 {
            slots.push(Slot::Gap { depth });
        }
        for node in &nodes[start..end] {
            let is_open = open(node);
            slots.push(Slot::Line {
                node,
                depth,
                section: is_section(node),
                open: is_open,
                current: node.page == Some(self.current),
            });
            if is_open {
                self.level(&node.children, depth + 1, slots);
            }
        }
        if end < nodes.len() {
            slots.push(Slot::Gap { depth });
        }
    }
}

fn is_section(node: &NavNode) -> bool {
    !node.children.is_empty() || node.page.is_none()
}

/// Pages that see the same lines (but for the current mark): same source
/// folder (which sections are open) and same output folder (the URLs).
type FolderKey<'a> = (&'a str, &'a str);

/// A line as laid out from one folder: a node's line (by address: nodes
/// live as long as the build) or a gap at a depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum LineId {
    Node(usize),
    Gap(usize),
}

/// The laid-out lines of every folder a build needs.
pub struct Sidebars<'a> {
    folders: HashMap<FolderKey<'a>, HashMap<LineId, String>>,
    nav: &'a Nav,
    entries: &'a [NavEntry<'a>],
}

impl<'a> Sidebars<'a> {
    /// Lays out the lines the pages `pages` (indices into `entries`) show,
    /// once per folder, in parallel.
    pub fn new(
        nav: &'a Nav,
        entries: &'a [NavEntry<'a>],
        pages: &[usize],
        theme: &Theme,
        strings: &ThemeWords,
    ) -> Result<Sidebars<'a>, BuildError> {
        let mut by_folder: HashMap<FolderKey<'a>, Vec<usize>> = HashMap::new();
        for &i in pages {
            by_folder.entry(key(&entries[i])).or_default().push(i);
        }
        let folders = by_folder
            .into_par_iter()
            .map(|(folder, pages)| {
                let from = entries[pages[0]].output;
                let mut lines = HashMap::new();
                for &i in &pages {
                    for slot in slots(nav, entries, i) {
                        if let std::collections::hash_map::Entry::Vacant(line) =
                            lines.entry(line_id(&slot))
                        {
                            let item = item_view(entries, from, &slot, false);
                            line.insert(render_line(theme, strings, &item)?);
                        }
                    }
                }
                Ok((folder, lines))
            })
            .collect::<Result<HashMap<_, _>, BuildError>>()?;
        Ok(Sidebars {
            folders,
            nav,
            entries,
        })
    }

    /// The fallback sidebar of page `i`: its folder's lines, its own laid
    /// out again marked current. Empty for a page whose folder was not
    /// laid out.
    pub fn for_page(
        &self,
        i: usize,
        theme: &Theme,
        strings: &ThemeWords,
    ) -> Result<String, BuildError> {
        let Some(lines) = self.folders.get(&key(&self.entries[i])) else {
            return Ok(String::new());
        };
        let mut html = String::new();
        for slot in slots(self.nav, self.entries, i) {
            match slot {
                Slot::Line { current: true, .. } => {
                    let item = item_view(self.entries, self.entries[i].output, &slot, true);
                    html.push_str(&render_line(theme, strings, &item)?);
                }
                _ => {
                    if let Some(line) = lines.get(&line_id(&slot)) {
                        html.push_str(line);
                    }
                }
            }
        }
        Ok(html)
    }
}

fn key<'a>(entry: &NavEntry<'a>) -> FolderKey<'a> {
    (paths::parent(entry.rel), paths::parent(entry.output))
}

fn line_id(slot: &Slot) -> LineId {
    match *slot {
        Slot::Line { node, .. } => LineId::Node(node as *const NavNode as usize),
        Slot::Gap { depth } => LineId::Gap(depth),
    }
}

/// A slot as the template sees it, from the page at `from`.
fn item_view<'a>(
    entries: &[NavEntry<'a>],
    from: &str,
    slot: &Slot<'a>,
    current: bool,
) -> NavItemView<'a> {
    match *slot {
        Slot::Line {
            node,
            depth,
            section,
            open,
            ..
        } => {
            let entry = node.page.map(|i| &entries[i]);
            NavItemView {
                title: entry.map_or(node.label.as_str(), |e| e.title),
                url: entry.map(|e| paths::relative_url(from, e.output)),
                depth,
                current,
                section,
                open,
                gap: false,
                severity: entry.and_then(|e| e.severity),
            }
        }
        Slot::Gap { depth } => NavItemView {
            title: "",
            url: None,
            depth,
            current: false,
            section: false,
            open: false,
            gap: true,
            severity: None,
        },
    }
}

fn render_line(
    theme: &Theme,
    strings: &ThemeWords,
    item: &NavItemView,
) -> Result<String, BuildError> {
    let mut context = tera::Context::new();
    context.insert("item", item);
    context.insert("t", strings);
    // One line each: a template's comment leaves its line break behind
    // (tera does not trim around comments), and 20-odd lines on every
    // page made that a blank line's worth of bytes apiece.
    let line = theme.render(ITEM_TEMPLATE, &context)?;
    Ok(format!("{}\n", line.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_contains, NavFixture};

    /// Page `i`'s fallback lines as (depth, title), a gap as "…".
    fn lines(nav: &Nav, entries: &[NavEntry], i: usize) -> Vec<(usize, String)> {
        slots(nav, entries, i)
            .iter()
            .map(|s| match s {
                Slot::Line { node, depth, .. } => (
                    *depth,
                    node.page
                        .map_or(node.label.clone(), |p| entries[p].title.to_string()),
                ),
                Slot::Gap { depth } => (*depth, "…".into()),
            })
            .collect()
    }

    fn small() -> NavFixture {
        NavFixture::new(
            ["README.md", "a.md", "db/README.md", "db/x.md", "db/y.md"]
                .map(String::from)
                .to_vec(),
        )
    }

    /// Each page's sidebar is its own slots laid out, with only its own
    /// line marked current.
    #[test]
    fn every_page_sees_its_folder_and_only_itself_current() {
        let site = small();
        let nav = site.nav();
        let entries = site.entries();
        let theme = Theme::load(None).unwrap();
        let strings = &runbook_widgets::language::for_tag("ja").theme;
        let all: Vec<usize> = (0..entries.len()).collect();
        let sidebars = Sidebars::new(&nav, &entries, &all, &theme, strings).unwrap();
        for i in all {
            let expected: String = slots(&nav, &entries, i)
                .iter()
                .map(|slot| {
                    let current = matches!(slot, Slot::Line { current: true, .. });
                    let item = item_view(&entries, entries[i].output, slot, current);
                    render_line(&theme, strings, &item).unwrap()
                })
                .collect();
            let html = sidebars.for_page(i, &theme, strings).unwrap();
            assert_eq!(html, expected, "page {}", site.rels[i]);
            assert_eq!(html.matches("aria-current").count(), 1, "{html}");
        }
        // From inside db/, links climb out; db's pages are listed.
        let db = sidebars.for_page(3, &theme, strings).unwrap();
        assert_contains(&db, "href=\"../index.html\"");
        assert_contains(&db, "href=\"y.html\"");
        assert!(!sidebars
            .for_page(1, &theme, strings)
            .unwrap()
            .contains("db/x.html"));
    }

    /// In a 500-page folder a page sees a window around itself, with gaps
    /// on the sides where pages are left out, and never more lines than a
    /// window per level.
    #[test]
    fn a_large_folder_shows_a_window_around_the_page() {
        let mut rels = vec!["README.md".to_string(), "big/README.md".to_string()];
        rels.extend((0..500).map(|n| format!("big/p{n:03}.md")));
        let site = NavFixture::new(rels);
        let nav = site.nav();
        let entries = site.entries();
        let titles = |i: usize| -> Vec<String> {
            lines(&nav, &entries, i)
                .into_iter()
                .map(|(_, t)| t)
                .collect()
        };
        let middle = site.rels.iter().position(|r| r == "big/p250.md").unwrap();
        let lines = titles(middle);
        assert_eq!(lines.len(), 2 + 1 + WINDOW + 1, "{lines:?}");
        assert_eq!(lines[..3], ["README.md", "big/README.md", "…"]);
        assert_eq!(lines[3 + WINDOW / 2], "big/p250.md");
        assert_eq!(lines.last().unwrap(), "…");
        // At the ends the window shifts rather than shrinks.
        let first = site.rels.iter().position(|r| r == "big/p000.md").unwrap();
        let lines = titles(first);
        assert_eq!(lines[2], "big/p000.md", "{lines:?}");
        assert_eq!(lines.len(), 2 + WINDOW + 1);
        // The section's own page lists the start of it.
        assert_eq!(titles(1)[2], "big/p000.md");
    }

    /// Above the page's own level the window is narrower: a page in the
    /// tenth of twenty sections sees its section and two on each side at
    /// the top, and eleven of its own folder's pages around itself.
    #[test]
    fn levels_above_the_page_show_a_narrower_window() {
        let mut rels = vec!["README.md".to_string()];
        for s in 0..20 {
            rels.push(format!("s{s:02}/README.md"));
            rels.extend((0..30).map(|p| format!("s{s:02}/p{p:02}.md")));
        }
        let site = NavFixture::new(rels);
        let nav = site.nav();
        let entries = site.entries();
        let page = site.rels.iter().position(|r| r == "s10/p15.md").unwrap();
        let lines = lines(&nav, &entries, page);
        let top: Vec<&str> = lines
            .iter()
            .filter(|(d, _)| *d == 0)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(
            top,
            [
                "README.md",
                "…",
                "s08/README.md",
                "s09/README.md",
                "s10/README.md",
                "s11/README.md",
                "s12/README.md",
                "…"
            ]
        );
        let own: Vec<&str> = lines
            .iter()
            .filter(|(d, _)| *d == 1)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(own.len(), 1 + WINDOW + 1, "{own:?}");
        assert_eq!(own[1 + WINDOW / 2], "s10/p15.md");
    }
}
