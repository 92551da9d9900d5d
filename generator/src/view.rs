//! Typed view models handed to the templates. Templates see only these,
//! so what a theme may use is written down in one place (and in README).

use serde::Serialize;

use crate::config::SiteConfig;
use crate::nav::NavNode;
use crate::page_list;
use crate::paths;
use crate::render::Heading;
use crate::severity::Severity;
use runbook_widgets::language::ThemeWords;

/// Site-wide values, the same on every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub language: &'a str,
    pub base_url: Option<&'a str>,
    /// Cache-busting suffix for theme assets (`?v=…`), from their content.
    pub asset_version: &'a str,
    pub generator: &'static str,
    pub has_search: bool,
    /// Whether pages register the offline copy's service worker (`sw.js`):
    /// a published site unless runbook.yaml says `offline: false`; never
    /// the dev server's preview.
    pub offline: bool,
    /// Whether the site has print documents (`print.html`) to link to.
    pub print: bool,
    /// The scripts' words in the site's language, from the site root
    /// (`assets/words-ja.js`, see `words_script`).
    pub words_script: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// `label`, `class` and `written` (see `severity::Severity`).
    pub severity: Option<&'a Severity>,
    pub alerts: &'a [String],
    /// The rules of the page's alerts (`build --rules`), in its order.
    pub alert_rules: Vec<AlertRuleView<'a>>,
    pub owner: Option<&'a str>,
    pub tags: &'a [String],
    pub updated: Option<&'a str>,
    /// `last_reviewed`, `YYYY-MM-DD`.
    pub reviewed: Option<&'a str>,
    /// Days since that review, when more than runbook.yaml's
    /// `review_after_days`.
    pub review_overdue_days: Option<i64>,
    /// The page's HTML; on the index page with the status board after its
    /// title.
    pub content: std::borrow::Cow<'a, str>,
    pub toc: Vec<&'a Heading>,
    /// True when the Markdown has its own `# Title`; the layout then does
    /// not print the title again.
    pub has_h1: bool,
    pub placeholders: Vec<PlaceholderView<'a>>,
    /// Panels to start: the page's own, its banner or the status board.
    pub has_widgets: bool,
    /// The slot of the banner shown when one of the page's alerts fires.
    pub banner: Option<String>,
    pub edit_url: Option<String>,
    /// Output path from the site root, e.g. `db/index.html`.
    pub path: &'a str,
    pub source: &'a str,
}

/// A rule of one of a page's alerts: its highlighted block.
#[derive(Debug, Clone, Serialize)]
pub struct AlertRuleView<'a> {
    pub name: &'a str,
    pub summary: Option<&'a str>,
    pub html: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlaceholderView<'a> {
    pub name: &'a str,
    /// As written in runbook.yaml.
    pub description: &'a str,
    /// The same, as inline Markdown rendered to HTML: descriptions say
    /// which command finds the value (`kubectl get pods`).
    pub description_html: &'a str,
    /// The alert label a link fills it from (`?pod=…`), if any.
    pub label: Option<&'a str>,
}

/// A line of Markdown from runbook.yaml (a placeholder's description) as
/// HTML, without the paragraph around it.
pub fn inline_markdown(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
    let trimmed = html.trim_end();
    trimmed
        .strip_prefix("<p>")
        .and_then(|inner| inner.strip_suffix("</p>"))
        .filter(|inner| !inner.contains("<p>"))
        .unwrap_or(trimmed)
        .to_string()
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

/// One visible line of the sidebar.
#[derive(Debug, Clone, Serialize)]
pub struct NavItemView<'a> {
    pub title: &'a str,
    /// `None` for a folder without an index page.
    pub url: Option<String>,
    pub depth: usize,
    pub current: bool,
    pub section: bool,
    pub open: bool,
    /// A line standing for entries left out (see `sidebar::WINDOW`).
    pub gap: bool,
    pub severity: Option<&'a Severity>,
}

/// The shared navigation script and where this page is in it.
#[derive(Debug, Clone, Serialize)]
pub struct NavView {
    /// The script's path from the site root (`assets/nav-….js`).
    pub script: String,
    /// This page's href from the site root, as the script names it.
    pub page: String,
}

/// Where panels fetch from, and how often.
#[derive(Debug, Clone, Serialize)]
pub struct LiveView {
    pub api_url: String,
    pub refresh_seconds: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageContext<'a> {
    pub site: &'a SiteView<'a>,
    pub t: &'a ThemeWords,
    /// Relative path from this page to the site root (`../../`).
    pub root: String,
    pub page: PageView<'a>,
    /// The sidebar's fallback lines, laid out by `nav_item.html` (see
    /// `sidebar`); runbook.js replaces them with the whole tree.
    pub sidebar: String,
    pub nav: NavView,
    pub breadcrumbs: Vec<LinkView>,
    pub prev: Option<LinkView>,
    pub next: Option<LinkView>,
    pub live: LiveView,
}

/// What the sidebar needs to know of each page.
#[derive(Debug, Clone, PartialEq)]
pub struct NavEntry<'a> {
    pub rel: &'a str,
    pub output: &'a str,
    pub title: &'a str,
    pub severity: Option<&'a Severity>,
}

/// Home › section › page, by folder. A folder without an index page has
/// no page to link to: its crumb leads to its part of pages.html.
pub fn breadcrumbs(
    root: &NavNode,
    entries: &[NavEntry],
    current: usize,
    home: &str,
) -> Vec<LinkView> {
    let here = &entries[current];
    crumbs(root, entries, current)
        .into_iter()
        .map(|crumb| match crumb {
            Crumb::Page(i) => LinkView {
                title: if Some(i) == root.page {
                    home.to_string()
                } else {
                    entries[i].title.to_string()
                },
                url: paths::relative_url(here.output, entries[i].output),
            },
            Crumb::Folder(node) => LinkView {
                title: node.label.clone(),
                url: page_list::group_url(here.output, &node.folder),
            },
        })
        .collect()
}

/// The pages `breadcrumbs` links to, from the home page down. With the
/// page's own path they say all of its crumbs: a folder without an index
/// page is named by the path.
pub fn breadcrumb_pages(root: &NavNode, entries: &[NavEntry], current: usize) -> Vec<usize> {
    crumbs(root, entries, current)
        .into_iter()
        .filter_map(|crumb| match crumb {
            Crumb::Page(i) => Some(i),
            Crumb::Folder(_) => None,
        })
        .collect()
}

/// A step of the way from the home page down to a page.
enum Crumb<'n> {
    Page(usize),
    /// A folder without an index page.
    Folder(&'n NavNode),
}

fn crumbs<'n>(root: &'n NavNode, entries: &[NavEntry], current: usize) -> Vec<Crumb<'n>> {
    let here = &entries[current];
    let mut crumbs = Vec::new();
    crumbs.extend(root.page.filter(|&i| i != current).map(Crumb::Page));
    let mut nodes = &root.children;
    while let Some(node) = nodes
        .iter()
        .find(|n| !n.folder.is_empty() && here.rel.starts_with(&n.folder))
    {
        match node.page {
            Some(i) if i == current => {}
            Some(i) => crumbs.push(Crumb::Page(i)),
            None => crumbs.push(Crumb::Folder(node)),
        }
        nodes = &node.children;
    }
    crumbs
}

/// Edit link on the forge for a source path.
pub fn edit_url(config: &SiteConfig, rel: &str) -> Option<String> {
    let repo = config.repository.as_ref()?;
    let base = repo.url.trim_end_matches('/');
    let dir = repo.path.trim_matches('/');
    let path = if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    };
    Some(format!(
        "{base}/edit/{}/{}",
        repo.branch,
        paths::href(&path)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_is_one_line_of_html() {
        assert_eq!(
            inline_markdown("`kubectl get pods` で確認"),
            "<code>kubectl get pods</code> で確認"
        );
        // Text is escaped like any Markdown text.
        assert_eq!(inline_markdown("p95 < 500 ms"), "p95 &lt; 500 ms");
        // Two paragraphs keep theirs.
        assert_eq!(inline_markdown("a\n\nb"), "<p>a</p>\n<p>b</p>");
    }
}
