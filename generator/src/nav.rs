//! Navigation: the tree of sections and pages, and the reading order.
//!
//! Within a folder, pages come in the order the folder's index page links
//! them (the index is the writer's table of contents), then by `weight`,
//! then by title. Subfolders are sections headed by their index page.

use std::collections::HashMap;

/// A node of the navigation tree.
#[derive(Debug, Clone, PartialEq)]
pub struct NavNode {
    /// The page shown for this node; a folder without an index has none.
    pub page: Option<usize>,
    /// Title of a folder without an index page: its name.
    pub label: String,
    /// For a section, its folder with a trailing `/` (`db/`); empty for a
    /// page and for the root.
    pub folder: String,
    pub children: Vec<NavNode>,
}

/// What ordering needs to know of each page.
#[derive(Debug, Clone, PartialEq)]
pub struct NavInput<'a> {
    pub rel: &'a str,
    pub title: &'a str,
    pub weight: Option<i64>,
    pub is_index: bool,
    /// Source paths this page links to, in order of appearance.
    pub links: Vec<&'a str>,
}

impl<'a> NavInput<'a> {
    /// A page titled by its path, with no weight and no links: what the
    /// navigation's tests and its users' tests start from.
    #[cfg(test)]
    pub(crate) fn bare(rel: &'a str) -> NavInput<'a> {
        NavInput {
            rel,
            title: rel,
            weight: None,
            is_index: rel.ends_with("README.md"),
            links: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Nav {
    pub root: NavNode,
    /// Page indices in reading order (pre-order walk of the tree).
    pub order: Vec<usize>,
    /// Each page's position among its node's siblings (by page index), so
    /// a page finds itself in a 2,400-page folder without a search.
    pub place: Vec<usize>,
}

/// Equality is total here (no floats in the tree). Saying so lets two
/// `Arc<Nav>` compare by pointer first: the dev server keeps the last tree
/// while no page moved in it.
impl Eq for Nav {}

pub fn build(pages: &[NavInput]) -> Nav {
    let mut root = Folder::default();
    for (i, page) in pages.iter().enumerate() {
        let mut folder = &mut root;
        let parts: Vec<&str> = page.rel.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            folder = folder.folders.entry(part.to_string()).or_default();
        }
        if page.is_index && folder.index.is_none() {
            folder.index = Some(i);
        } else {
            folder.pages.push(i);
        }
    }
    let root = to_node(pages, "", String::new(), root);
    let mut order = Vec::with_capacity(pages.len());
    walk(&root, &mut order);
    let mut place = vec![0; pages.len()];
    locate(&root, &mut place);
    Nav { root, order, place }
}

fn locate(node: &NavNode, place: &mut [usize]) {
    for (n, child) in node.children.iter().enumerate() {
        if let Some(i) = child.page {
            place[i] = n;
        }
        locate(child, place);
    }
}

#[derive(Default)]
struct Folder {
    index: Option<usize>,
    pages: Vec<usize>,
    folders: std::collections::BTreeMap<String, Folder>,
}

fn to_node(pages: &[NavInput], name: &str, path: String, folder: Folder) -> NavNode {
    // Position of each target in this folder's index page links.
    let link_rank: HashMap<&str, usize> = folder
        .index
        .map(|i| {
            let mut rank = HashMap::new();
            for (n, link) in pages[i].links.iter().enumerate() {
                rank.entry(*link).or_insert(n);
            }
            rank
        })
        .unwrap_or_default();

    let mut children: Vec<(SortKey, NavNode)> = Vec::new();
    for i in folder.pages {
        let key = SortKey::of(&pages[i], &link_rank);
        children.push((
            key,
            NavNode {
                page: Some(i),
                label: String::new(),
                folder: String::new(),
                children: Vec::new(),
            },
        ));
    }
    for (sub_name, sub) in folder.folders {
        let node = to_node(pages, &sub_name, format!("{path}{sub_name}/"), sub);
        let key = match node.page {
            Some(i) => SortKey::of(&pages[i], &link_rank),
            None => SortKey {
                link: usize::MAX,
                weight: i64::MAX,
                title: sub_name.clone(),
            },
        };
        children.push((key, node));
    }
    children.sort_by(|a, b| a.0.cmp(&b.0));
    NavNode {
        page: folder.index,
        label: name.to_string(),
        folder: path,
        children: children.into_iter().map(|(_, n)| n).collect(),
    }
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey {
    link: usize,
    weight: i64,
    title: String,
}

impl SortKey {
    fn of(page: &NavInput, link_rank: &HashMap<&str, usize>) -> SortKey {
        SortKey {
            link: link_rank.get(page.rel).copied().unwrap_or(usize::MAX),
            weight: page.weight.unwrap_or(i64::MAX),
            title: page.title.to_string(),
        }
    }
}

fn walk(node: &NavNode, order: &mut Vec<usize>) {
    if let Some(i) = node.page {
        order.push(i);
    }
    for child in &node.children {
        walk(child, order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page<'a>(
        rel: &'a str,
        title: &'a str,
        weight: Option<i64>,
        links: Vec<&'a str>,
    ) -> NavInput<'a> {
        NavInput {
            rel,
            title,
            weight,
            is_index: rel.ends_with("README.md"),
            links,
        }
    }

    #[test]
    fn index_links_then_weight_then_title() {
        let pages = vec![
            page("README.md", "Index", None, vec!["C.md", "A.md"]),
            page("A.md", "A", None, vec![]),
            page("B.md", "B", Some(1), vec![]),
            page("C.md", "C", None, vec![]),
            page("D.md", "D", None, vec![]),
            page("E.md", "Ä", Some(0), vec![]),
        ];
        let nav = build(&pages);
        let titles: Vec<&str> = nav.order.iter().map(|&i| pages[i].title).collect();
        assert_eq!(titles, ["Index", "C", "A", "Ä", "B", "D"]);
    }

    #[test]
    fn folders_are_sections_under_their_index() {
        let pages = vec![
            page("README.md", "Index", None, vec!["db/README.md"]),
            page("db/b.md", "b", None, vec![]),
            page("db/README.md", "DB", None, vec!["db/b.md"]),
            page("z.md", "z", None, vec![]),
            page("ops/x.md", "x", None, vec![]),
        ];
        let nav = build(&pages);
        let titles: Vec<&str> = nav.order.iter().map(|&i| pages[i].title).collect();
        assert_eq!(titles, ["Index", "DB", "b", "x", "z"]);
        let ops = nav.root.children.iter().find(|n| n.label == "ops").unwrap();
        assert_eq!(ops.page, None);
        // Each page knows its place among its siblings.
        for (i, page) in pages.iter().enumerate().skip(1) {
            let parent = if page.rel.contains('/') && !page.is_index {
                nav.root
                    .children
                    .iter()
                    .find(|n| !n.folder.is_empty() && page.rel.starts_with(&n.folder))
                    .unwrap()
            } else {
                &nav.root
            };
            assert_eq!(parent.children[nav.place[i]].page, Some(i), "{}", page.rel);
        }
    }
}
