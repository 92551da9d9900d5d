//! The layout stage: a rendered page through the theme's `page.html`, with
//! everything it shows of the site (sidebar, breadcrumbs, prev/next,
//! placeholders). The page context is built here only, for `build` and
//! `serve` alike; [`PageKey`] and [`SiteKey`] say what a page's layout
//! reads, so the dev server lays out again exactly the pages whose keys
//! changed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::error::BuildError;
use crate::nav::Nav;
use crate::paths;
use crate::render::{Rendered, RenderedPage};
use crate::sidebar::{self, Sidebars, SlotKey};
use crate::theme::Theme;
use crate::view::{
    self, LinkView, LiveView, NavEntry, NavView, PageContext, PageView, PlaceholderView, SiteView,
};
use runbook_widgets::language::ThemeWords;

/// The site-wide view every page and publishing file shares.
pub fn site_view<'a>(config: &'a SiteConfig, theme: &'a Theme) -> SiteView<'a> {
    SiteView {
        title: &config.title,
        description: config.description.as_deref(),
        language: &config.language,
        base_url: config.base_url.as_deref(),
        asset_version: &theme.asset_version,
        generator: concat!("runbook ", env!("CARGO_PKG_VERSION")),
        has_search: config.search.enabled && theme.assets.contains_key("search.js"),
        offline: false,
        print: config.print,
        words_script: crate::words_script::path(runbook_widgets::language::for_tag(
            &config.language,
        )),
    }
}

/// What the sidebar, breadcrumbs and page lists show of each page, in the
/// build's page order.
pub fn nav_entries(rendered: &Rendered) -> Vec<NavEntry<'_>> {
    rendered
        .pages
        .iter()
        .map(|r| NavEntry {
            rel: &r.page.rel,
            output: &r.page.output,
            title: &r.title,
            severity: r.page.front.severity.as_ref(),
        })
        .collect()
}

/// Whether two builds have the same navigation script: the same tree and
/// the same entries in it.
pub fn same_nav(prev: &Rendered, next: &Rendered) -> bool {
    prev.nav == next.nav && nav_entries(prev) == nav_entries(next)
}

/// What every page of one build shares, prepared once by the writer.
pub struct Shared<'a> {
    pub site: &'a SiteView<'a>,
    pub strings: &'a ThemeWords,
    pub entries: &'a [NavEntry<'a>],
    /// `placeholder_html` of the config.
    pub placeholder_html: &'a [String],
    /// The shared navigation script's path from the site root.
    pub nav_script: &'a str,
}

/// Lays out the pages of one build.
pub struct Layout<'a> {
    rendered: &'a Rendered,
    theme: &'a Theme,
    site: &'a SiteView<'a>,
    strings: &'a ThemeWords,
    entries: &'a [NavEntry<'a>],
    /// A page's place in the reading order (prev/next).
    position: HashMap<usize, usize>,
    placeholders: Vec<PlaceholderView<'a>>,
    sidebars: Sidebars<'a>,
    /// What "review overdue" counts from.
    today: jiff::civil::Date,
    /// The shared navigation script's path from the site root.
    nav_script: &'a str,
}

impl<'a> Layout<'a> {
    /// Prepares the layout of the pages `selected` (indices into
    /// `rendered.pages`): their folders' sidebars, the placeholders.
    pub fn new(
        rendered: &'a Rendered,
        theme: &'a Theme,
        shared: Shared<'a>,
        selected: &[usize],
    ) -> Result<Layout<'a>, BuildError> {
        let Shared {
            site,
            strings,
            entries,
            placeholder_html,
            nav_script,
        } = shared;
        let position = rendered
            .nav
            .order
            .iter()
            .enumerate()
            .map(|(n, &i)| (i, n))
            .collect();
        // In runbook.yaml's order: the writer lists them as a reader fills
        // them (project, region, then the pod).
        let placeholders = rendered
            .config
            .placeholders
            .iter()
            .zip(placeholder_html)
            .map(|((name, placeholder), html)| PlaceholderView {
                name,
                description: placeholder.description(),
                description_html: html,
                label: placeholder.label(),
            })
            .collect();
        let sidebars = crate::timing::timed("sidebar", || {
            Sidebars::new(&rendered.nav, entries, selected, theme, strings)
        })?;
        Ok(Layout {
            rendered,
            theme,
            site,
            strings,
            entries,
            position,
            placeholders,
            sidebars,
            today: crate::review::today(),
            nav_script,
        })
    }

    /// Page `i` as HTML.
    pub fn page(&self, i: usize) -> Result<Vec<u8>, BuildError> {
        let rendered = self.rendered;
        let config = &rendered.config;
        let r = &rendered.pages[i];
        let page = &r.page;
        let root = paths::root_prefix(&page.output);
        let link_to = |to: usize| LinkView {
            title: self.entries[to].title.to_string(),
            url: paths::relative_url(&page.output, self.entries[to].output),
        };
        let order = self.position.get(&i).copied();
        let prev = order
            .and_then(|n| n.checked_sub(1))
            .map(|n| link_to(rendered.nav.order[n]));
        let next = order
            .and_then(|n| rendered.nav.order.get(n + 1))
            .map(|&j| link_to(j));
        let live = crate::board::is_live(config);
        let page_placeholders: Vec<PlaceholderView> = self
            .placeholders
            .iter()
            .filter(|p| r.markdown.placeholders.contains(p.name))
            .cloned()
            .collect();
        let banner = (live && !page.front.alerts.is_empty()).then(|| {
            let fill = page_placeholders
                .iter()
                .filter_map(|p| p.label.map(str::to_string))
                .collect();
            crate::board::banner(&page.front.alerts, fill, self.strings)
        });
        let board = (live && page.output == "index.html")
            .then(|| crate::board::board(rendered, &root, self.strings));
        let context = PageContext {
            site: self.site,
            t: self.strings,
            page: PageView {
                title: &r.title,
                description: page.front.description.as_deref(),
                severity: page.front.severity.as_ref(),
                alerts: &page.front.alerts,
                alert_rules: page
                    .front
                    .alerts
                    .iter()
                    .flat_map(|name| {
                        rendered
                            .alert_rules
                            .get(name)
                            .into_iter()
                            .flatten()
                            .map(move |rule| view::AlertRuleView {
                                name,
                                summary: rule.summary.as_deref(),
                                html: &rule.html,
                            })
                    })
                    .collect(),
                owner: page.front.owner.as_deref(),
                tags: &page.front.tags,
                updated: rendered.updated(page),
                reviewed: page.front.reviewed.as_deref(),
                review_overdue_days: crate::review::overdue(
                    page.front.reviewed.as_deref(),
                    config.review_after_days,
                    self.today,
                ),
                content: match &board {
                    Some(board) => crate::board::after_title(&r.markdown.html, board).into(),
                    None => r.markdown.html.as_str().into(),
                },
                toc: r
                    .markdown
                    .headings
                    .iter()
                    .filter(|h| (2..=3).contains(&h.level))
                    .collect(),
                has_h1: r.markdown.first_h1.is_some(),
                placeholders: page_placeholders,
                has_widgets: r.markdown.has_widgets || banner.is_some() || board.is_some(),
                banner,
                edit_url: view::edit_url(config, &page.rel),
                path: &page.output,
                source: &page.rel,
            },
            sidebar: self.sidebars.for_page(i, self.theme, self.strings)?,
            nav: NavView {
                script: self.nav_script.to_string(),
                page: paths::href(&page.output).into_owned(),
            },
            breadcrumbs: view::breadcrumbs(&rendered.nav.root, self.entries, i, self.strings.home),
            prev,
            next,
            live: LiveView {
                api_url: config
                    .live
                    .api_url
                    .clone()
                    .unwrap_or_else(|| format!("{root}api")),
                refresh_seconds: config.live.refresh_seconds,
            },
            root,
        };
        let context =
            tera::Context::from_serialize(&context).map_err(|e| BuildError::Template {
                path: PathBuf::from("page.html"),
                message: e.to_string(),
                hint: "report this: the page context could not be serialised".into(),
            })?;
        // The theme's chrome is a few kilobytes around the content: room
        // for both at once, so the page is not copied as it grows.
        let capacity = r.markdown.html.len() + 16 * 1024;
        self.theme.render_bytes("page.html", &context, capacity)
    }
}

/// Placeholder descriptions as inline HTML, rendered once per build and
/// shown on every page that uses them.
pub fn placeholder_html(config: &SiteConfig) -> Vec<String> {
    config
        .placeholders
        .values()
        .map(|placeholder| view::inline_markdown(placeholder.description()))
        .collect()
}

/// What every page's layout reads of the whole site: the config, the
/// navigation, and each page's nav entry. When it is equal between two
/// builds, a page is laid out again only when its own key changed.
#[derive(PartialEq)]
pub struct SiteKey<'a> {
    config: &'a SiteConfig,
    nav: &'a Arc<Nav>,
    entries: Vec<NavEntry<'a>>,
    /// The index page's status board lists every page's alerts.
    alerts: &'a std::collections::BTreeMap<String, crate::publish::AlertTarget>,
}

impl<'a> SiteKey<'a> {
    pub fn of(rendered: &'a Rendered) -> SiteKey<'a> {
        SiteKey {
            config: &rendered.config,
            nav: &rendered.nav,
            entries: nav_entries(rendered),
            alerts: &rendered.alerts,
        }
    }
}

/// What page `i` shows of the navigation, by content: its fallback
/// sidebar, breadcrumbs, previous and next page. The whole tree is in the
/// shared script, so a new page in a 2,400-page folder changes this for
/// the few pages whose window or neighbours it joins, not for the folder.
#[derive(PartialEq)]
struct NavKey<'a> {
    lines: Vec<SlotKey<'a>>,
    crumbs: Vec<&'a NavEntry<'a>>,
    prev: Option<&'a NavEntry<'a>>,
    next: Option<&'a NavEntry<'a>>,
}

/// Computes `NavKey`s of one build.
struct NavKeys<'a> {
    nav: &'a Nav,
    entries: &'a [NavEntry<'a>],
    /// Each page's place in the reading order.
    position: Vec<usize>,
}

impl<'a> NavKeys<'a> {
    fn new(nav: &'a Nav, entries: &'a [NavEntry<'a>]) -> NavKeys<'a> {
        let mut position = vec![usize::MAX; entries.len()];
        for (n, &i) in nav.order.iter().enumerate() {
            position[i] = n;
        }
        NavKeys {
            nav,
            entries,
            position,
        }
    }

    fn of(&self, i: usize) -> NavKey<'a> {
        let n = self.position[i];
        let at = |n: Option<usize>| {
            n.and_then(|n| self.nav.order.get(n))
                .map(|&j| &self.entries[j])
        };
        NavKey {
            lines: sidebar::slots(self.nav, self.entries, i)
                .iter()
                .map(|slot| slot.key(self.entries))
                .collect(),
            crumbs: view::breadcrumb_pages(&self.nav.root, self.entries, i)
                .into_iter()
                .map(|j| &self.entries[j])
                .collect(),
            prev: at(n.checked_sub(1)),
            next: at(n.checked_add(1)),
        }
    }
}

/// What page `i`'s layout reads of itself: its render (an unchanged page
/// shares the last build's), its front matter and its date.
pub struct PageKey<'a> {
    rendered: &'a Rendered,
    page: &'a RenderedPage,
}

impl<'a> PageKey<'a> {
    pub fn of(rendered: &'a Rendered, i: usize) -> PageKey<'a> {
        PageKey {
            rendered,
            page: &rendered.pages[i],
        }
    }
}

impl PartialEq for PageKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.page, other.page);
        // By pointer first; by value when the page was rendered again
        // anyway (a new page changes the link targets, so every page is
        // rendered again, mostly to the same HTML: comparing it costs far
        // less than laying the page out and writing it). The same loaded
        // page has the same front matter, and with the same dates (the
        // dev server shares them until git's HEAD moves) the same date.
        (Arc::ptr_eq(&a.markdown, &b.markdown) || a.markdown == b.markdown)
            && (a.page.same(&b.page) || a.page.front == b.page.front)
            && ((Arc::ptr_eq(&self.rendered.updated, &other.rendered.updated)
                && a.page.rel == b.page.rel)
                || self.rendered.updated(&a.page) == other.rendered.updated(&b.page))
    }
}

/// Which pages of `next` to lay out again after `prev`: all when the
/// config differs; else those whose page key differs, and, when the
/// navigation or any nav entry changed, those whose nav key differs (a
/// page new to `next` always).
pub fn changed(prev: &Rendered, next: &Rendered) -> Vec<bool> {
    let (before, after) = (SiteKey::of(prev), SiteKey::of(next));
    if before == after {
        // Same pages in the same order: page `i` was page `i` before.
        return (0..next.pages.len())
            .into_par_iter()
            .map(|i| PageKey::of(prev, i) != PageKey::of(next, i))
            .collect();
    }
    if prev.config != next.config {
        return vec![true; next.pages.len()];
    }
    let was = prev.positions(|page| page.rel.as_str());
    let (keys_before, keys_after) = (
        NavKeys::new(&prev.nav, &before.entries),
        NavKeys::new(&next.nav, &after.entries),
    );
    (0..next.pages.len())
        .into_par_iter()
        .map(|i| match was.get(next.pages[i].page.rel.as_str()) {
            None => true,
            Some(&j) => {
                PageKey::of(prev, j) != PageKey::of(next, i)
                    || keys_before.of(j) != keys_after.of(i)
            }
        })
        .collect()
}
