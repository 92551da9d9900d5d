//! pages.html, the map of the site: the pages of each folder under the
//! folder's path, folders in the sidebar's order. It is where a reader
//! without scripts finds every page, and where the breadcrumb of a folder
//! without an index page leads (that folder has no page of its own).

use serde::Serialize;

use crate::nav::{Nav, NavNode};
use crate::paths;
use crate::print;
use crate::view::{LinkView, NavEntry};

/// The output path of the list.
pub const FILE: &str = "pages.html";

/// One folder's part of the list.
#[derive(Debug, Clone, Serialize)]
pub struct FolderGroup {
    /// The heading's id (`group_id`); empty for the pages at the site's
    /// root, which have no heading.
    pub id: String,
    /// The folder's path from the root, a name per level.
    pub path: Vec<String>,
    /// The folder's print document.
    pub print: String,
    /// The folder's index page, then its other pages in the sidebar's
    /// order; its subfolders follow as groups of their own.
    pub pages: Vec<LinkView>,
}

/// Every folder's group, the root's first, then depth first in the
/// sidebar's order.
pub fn folder_groups(root: &NavNode, entries: &[NavEntry]) -> Vec<FolderGroup> {
    let mut groups = Vec::new();
    collect(root, entries, &mut Vec::new(), &mut groups);
    groups
}

/// Every page on one list, in the sidebar's order.
pub fn in_order(nav: &Nav, entries: &[NavEntry]) -> Vec<LinkView> {
    nav.order.iter().map(|&i| link(&entries[i])).collect()
}

/// A page's line on the list: its title, linking from the site root.
fn link(entry: &NavEntry) -> LinkView {
    LinkView {
        title: entry.title.to_string(),
        url: paths::href(entry.output).into_owned(),
    }
}

fn collect(
    node: &NavNode,
    entries: &[NavEntry],
    path: &mut Vec<String>,
    into: &mut Vec<FolderGroup>,
) {
    let pages = node
        .page
        .into_iter()
        .chain(
            node.children
                .iter()
                .filter(|child| child.folder.is_empty())
                .filter_map(|child| child.page),
        )
        .map(|i| link(&entries[i]))
        .collect();
    into.push(FolderGroup {
        id: if node.folder.is_empty() {
            String::new()
        } else {
            group_id(&node.folder)
        },
        path: path.clone(),
        print: paths::href(&print::folder_document(&node.folder)).into_owned(),
        pages,
    });
    for child in node.children.iter().filter(|c| !c.folder.is_empty()) {
        path.push(child.label.clone());
        collect(child, entries, path, into);
        path.pop();
    }
}

/// The id of a folder's group: `db/pg/` → `folder-db/pg`. Percent-encoded
/// as the link's fragment is, so that the id has no spaces (which an id
/// must not hold) and a browser matches the fragment as it comes.
pub fn group_id(folder: &str) -> String {
    format!("folder-{}", paths::href(folder.trim_end_matches('/')))
}

/// The link from the page at output path `from` to a folder's group.
pub fn group_url(from: &str, folder: &str) -> String {
    format!("{}#{}", paths::relative_url(from, FILE), group_id(folder))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::NavFixture;

    #[test]
    fn each_folder_lists_its_own_pages_under_its_path() {
        let site = NavFixture::new(
            [
                "README.md",
                "a.md",
                "db/README.md",
                "db/b.md",
                "db/pg/c.md",
                "ops/d.md",
            ]
            .map(String::from)
            .to_vec(),
        );
        let groups = folder_groups(&site.nav().root, &site.entries());

        let shown: Vec<(String, Vec<String>, String, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.id.clone(),
                    g.path.clone(),
                    g.print.clone(),
                    g.pages.iter().map(|p| p.url.as_str()).collect(),
                )
            })
            .collect();
        let strings = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            shown,
            vec![
                (
                    String::new(),
                    vec![],
                    "print.html".into(),
                    vec!["index.html", "a.html"]
                ),
                (
                    "folder-db".into(),
                    strings(&["db"]),
                    "db/print.html".into(),
                    vec!["db/index.html", "db/b.html"]
                ),
                (
                    "folder-db/pg".into(),
                    strings(&["db", "pg"]),
                    "db/pg/print.html".into(),
                    vec!["db/pg/c.html"]
                ),
                (
                    "folder-ops".into(),
                    strings(&["ops"]),
                    "ops/print.html".into(),
                    vec!["ops/d.html"]
                ),
            ]
        );
    }

    #[test]
    fn a_group_link_is_relative_and_encoded() {
        assert_eq!(
            group_url("db/pg/c.html", "db/pg/"),
            "../../pages.html#folder-db/pg"
        );
        assert_eq!(
            group_url("a.html", "障害 対応/"),
            "pages.html#folder-%E9%9A%9C%E5%AE%B3%20%E5%AF%BE%E5%BF%9C"
        );
    }
}
