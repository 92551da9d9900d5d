//! The whole navigation tree as one shared script, written once per build
//! and drawn into each page's sidebar by the theme's `runbook.js`.
//!
//! Every page used to carry its folder's sidebar, so a site grew with the
//! square of its largest folder; now a page carries a bounded fallback
//! (`sidebar`) and names this file. A built site names it by its content
//! (`assets/nav-<hash>.js`), so a cached copy from an older build is never
//! drawn into newer pages. The dev server, which serves nothing cacheable,
//! names it `assets/nav.js`: a change to the tree then rewrites this one
//! file, not every page that names it.
//!
//! The file sets `window.runbookNav` to `{"v":1,"items":[…]}`, one item a
//! node in reading order: `[title, href, severity]` for a page and
//! `[title, href, severity, [children…]]` for a section; `href` is from
//! the site root, percent-encoded, `null` for a folder without an index
//! page; `severity` is `[class, as written]` (`["critical", "P1"]`), or
//! `null` when the page has none.

use serde::ser::{Serialize, SerializeSeq, Serializer};

use crate::nav::{Nav, NavNode};
use crate::paths;
use crate::view::NavEntry;

/// Version of the file's shape, checked by runbook.js.
pub const VERSION: u32 = 1;

/// How the file is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `assets/nav-<hash>.js`: a published site, cached by browsers.
    Hashed,
    /// `assets/nav.js`: the dev server, which sends `no-store`.
    Fixed,
}

/// The script: its path from the site root and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavScript {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The script of a build's navigation.
pub fn build(nav: &Nav, entries: &[NavEntry], naming: Naming) -> NavScript {
    let tree = Tree { nav, entries };
    let json = serde_json::to_string(&tree).unwrap_or_else(|_| "null".into());
    let bytes = format!("window.runbookNav={json};\n").into_bytes();
    let path = match naming {
        Naming::Fixed => "assets/nav.js".to_string(),
        Naming::Hashed => {
            // FNV-1a: the same tree names the same file with every Rust
            // release, so an unchanged site keeps its cached copy.
            let mut hash = runbook_widgets::search::format::Fnv::default();
            hash.write(&bytes);
            format!("assets/nav-{:016x}.js", hash.0)
        }
    };
    NavScript { path, bytes }
}

struct Tree<'a> {
    nav: &'a Nav,
    entries: &'a [NavEntry<'a>],
}

impl Serialize for Tree<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let root = &self.nav.root;
        let items = Items {
            home: root.page.map(|_| root),
            nodes: &root.children,
            entries: self.entries,
        };
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("v", &VERSION)?;
        map.serialize_entry("items", &items)?;
        map.end()
    }
}

/// A list of nodes (the home page first, at the top).
struct Items<'a> {
    home: Option<&'a NavNode>,
    nodes: &'a [NavNode],
    entries: &'a [NavEntry<'a>],
}

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.nodes.len() + 1))?;
        if let Some(home) = self.home {
            seq.serialize_element(&Item {
                node: home,
                entries: self.entries,
                leaf: true,
            })?;
        }
        for node in self.nodes {
            seq.serialize_element(&Item {
                node,
                entries: self.entries,
                leaf: false,
            })?;
        }
        seq.end()
    }
}

struct Item<'a> {
    node: &'a NavNode,
    entries: &'a [NavEntry<'a>],
    /// Shown without its children (the home page, whose children are the
    /// top level).
    leaf: bool,
}

impl Serialize for Item<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let node = self.node;
        let entry = node.page.map(|i| &self.entries[i]);
        let section = !self.leaf && (!node.children.is_empty() || node.page.is_none());
        let mut seq = serializer.serialize_seq(Some(if section { 4 } else { 3 }))?;
        seq.serialize_element(entry.map_or(node.label.as_str(), |e| e.title))?;
        seq.serialize_element(&entry.map(|e| paths::href(e.output)))?;
        seq.serialize_element(
            &entry
                .and_then(|e| e.severity)
                .map(|s| (s.class(), s.written.as_str())),
        )?;
        if section {
            seq.serialize_element(&Items {
                home: None,
                nodes: &node.children,
                entries: self.entries,
            })?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nav::{self, NavInput};
    use crate::severity::Severity;

    fn site(rels: &[&'static str]) -> (Nav, Vec<NavEntry<'static>>) {
        let inputs: Vec<NavInput> = rels.iter().map(|rel| NavInput::bare(rel)).collect();
        let entries = rels
            .iter()
            .map(|rel| NavEntry {
                rel,
                output: Box::leak(paths::output_path(rel).into_boxed_str()),
                title: rel,
                severity: rel
                    .starts_with("db/x")
                    .then(|| &*Box::leak(Box::new(Severity::new("P1")))),
            })
            .collect();
        (nav::build(&inputs), entries)
    }

    #[test]
    fn the_tree_in_reading_order_with_hrefs_from_the_root() {
        let (nav, entries) = site(&["README.md", "a#b.md", "db/README.md", "db/x.md", "ops/y.md"]);
        let script = build(&nav, &entries, Naming::Fixed);
        assert_eq!(script.path, "assets/nav.js");
        let text = String::from_utf8(script.bytes).unwrap();
        let json = text
            .strip_prefix("window.runbookNav=")
            .and_then(|t| t.strip_suffix(";\n"))
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"v": 1, "items": [
                ["README.md", "index.html", null],
                ["a#b.md", "a%23b.html", null],
                ["db/README.md", "db/index.html", null, [
                    ["db/x.md", "db/x.html", ["critical", "P1"]],
                ]],
                ["ops", null, null, [["ops/y.md", "ops/y.html", null]]],
            ]})
        );
    }

    #[test]
    fn a_published_name_follows_the_content() {
        let (nav, entries) = site(&["README.md", "a.md"]);
        let one = build(&nav, &entries, Naming::Hashed);
        assert_eq!(one, build(&nav, &entries, Naming::Hashed));
        assert!(one.path.starts_with("assets/nav-") && one.path.ends_with(".js"));
        let (nav, entries) = site(&["README.md", "b.md"]);
        assert_ne!(one.path, build(&nav, &entries, Naming::Hashed).path);
    }
}
