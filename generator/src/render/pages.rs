//! The render stage over a whole site: every page's Markdown rendered (in
//! parallel), its title settled, and what spans pages computed from the
//! renders: the alert index and the navigation order. Its output,
//! [`Rendered`], holds one value per page for the stages after it (links,
//! layout, write, search).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::error::{BuildError, Location, Warning};
use crate::front_matter::{FrontMatter, KeyLinesAt};
use crate::highlight::Highlighter;
use crate::nav::{self, Nav, NavInput};
use crate::placeholder::Placeholders;
use crate::progress::Progress;
use crate::publish::{self, AlertTarget};
use crate::site::{Page, Site};
use crate::source::Asset;

use super::{LinkTargets, PageSource, RenderContext, RenderedMarkdown};

/// A site with every page rendered, ready to check, lay out and write.
pub struct Rendered {
    pub root: PathBuf,
    pub config: SiteConfig,
    /// In the loader's order, which the navigation's indices follow.
    pub pages: Vec<RenderedPage>,
    pub assets: Vec<Asset>,
    pub alerts: BTreeMap<String, AlertTarget>,
    /// Old paths (`aliases:`) → the page now there.
    pub redirects: BTreeMap<String, AlertTarget>,
    /// What links resolve against: every page's and asset's path. Shared
    /// with the next render while the pages and assets stay the same.
    pub links: Arc<LinkTargets>,
    /// Shared with the next render while no page moved in it.
    pub nav: Arc<Nav>,
    /// "Last updated" dates by source path, shared with the next render
    /// while git's HEAD stays.
    pub updated: Arc<HashMap<String, String>>,
    /// What loading the pages found (front matter): kept apart so the dev
    /// server can patch a page's own warnings.
    pub load_warnings: Vec<Warning>,
    /// Every warning of the build, sorted.
    pub warnings: Vec<Warning>,
    /// The links whose fragment names no heading (`links`), also in
    /// `warnings`: kept apart so that the next render checks again only
    /// the links of the pages it rendered again.
    pub broken_fragments: Vec<Warning>,
    /// The alert rules read for `build --rules`, by alert name (empty
    /// without rules): shown on pages and in alerts.json.
    pub alert_rules: BTreeMap<String, Vec<crate::rules::show::RuleView>>,
}

/// One page: its source and front matter, its title and its render. The
/// Markdown sits behind an `Arc` so an incremental render shares an
/// unchanged page's HTML with the previous `Rendered` instead of copying.
#[derive(Clone)]
pub struct RenderedPage {
    pub page: Page,
    pub title: String,
    pub markdown: Arc<RenderedMarkdown>,
}

impl Rendered {
    /// "Last updated" of a page: git's date, else the front matter's
    /// `lastmod`/`date`.
    pub fn updated<'a>(&'a self, page: &'a Page) -> Option<&'a str> {
        let git = self.updated.get(&page.rel).map(String::as_str);
        git.or(page.front.updated.as_deref())
    }

    /// Each page's position in `pages` by `key` of it: its source path
    /// (`rel`), as links name pages, or its `output`, as URLs do.
    pub fn positions(&self, key: fn(&Page) -> &str) -> HashMap<&str, usize> {
        self.pages
            .iter()
            .enumerate()
            .map(|(i, rendered)| (key(&rendered.page), i))
            .collect()
    }

    /// The loaded site this render came from (pages shared, not copied):
    /// what the dev server patches with the files an edit touched.
    pub fn site(&self) -> Site {
        Site {
            root: self.root.clone(),
            config: self.config.clone(),
            pages: self.pages.iter().map(|p| p.page.clone()).collect(),
            assets: self.assets.clone(),
            warnings: self.load_warnings.clone(),
        }
    }
}

/// Renders every page, taking a page's Markdown render from `previous`
/// when nothing it depends on changed: its own text, the config, and the
/// pages and assets its links resolve against. Everything that spans pages
/// (nav, alerts, warnings) is recomputed, so the result equals a full
/// render. `updated` and `highlighter` come from the caller: a `git log`
/// walk or loading the syntax definitions per keystroke would cost the dev
/// server more than the rest of the rebuild.
pub fn render_all(
    site: Site,
    previous: Option<&Rendered>,
    updated: Arc<HashMap<String, String>>,
    highlighter: &Highlighter,
) -> Result<Rendered, BuildError> {
    // A page's render reads the config and the link targets besides its
    // own text; when either differs, no previous render is reusable. When
    // they are the same, the pages are too, in the same order: page `i`
    // was page `i` before.
    let previous = previous.filter(|prev| {
        prev.root == site.root && prev.config == site.config && same_link_targets(prev, &site)
    });
    let Site {
        root,
        config,
        pages,
        assets,
        warnings: load_warnings,
    } = site;
    let placeholders = Placeholders::new(config.placeholders.keys().cloned());
    let strings = &runbook_widgets::language::for_tag(&config.language).theme;
    let links = match previous {
        Some(prev) => prev.links.clone(),
        None => Arc::new(LinkTargets {
            pages: pages
                .iter()
                .map(|p| (p.rel.clone(), p.output.clone()))
                .collect(),
            assets: assets.iter().map(|a| a.rel.clone()).collect(),
        }),
    };
    let ctx = RenderContext {
        highlighter,
        placeholders: &placeholders,
        live: &config.live,
        strings,
        links: &links,
    };
    let progress = Progress::new(pages.len(), "Rendering");
    let pages: Vec<RenderedPage> = pages
        .into_par_iter()
        .enumerate()
        .map(|(i, page)| {
            progress.tick();
            // Same path and same whole text: same front matter, body and
            // line offsets, so the same render.
            if let Some(before) = previous.map(|prev| &prev.pages[i]) {
                // The dev server passes pages it did not read again as
                // they were: no need to compare 10,000 texts per edit.
                if before.page.same(&page)
                    || (before.page.text == page.text && before.page.display == page.display)
                {
                    return Ok(RenderedPage {
                        page,
                        title: before.title.clone(),
                        markdown: before.markdown.clone(),
                    });
                }
            }
            let markdown = super::render(
                &ctx,
                &PageSource {
                    rel: &page.rel,
                    display: &page.display,
                    body: page.body(),
                    line_offset: page.line_offset,
                },
            )?;
            let title = page
                .front
                .title
                .clone()
                .or_else(|| markdown.first_h1.clone())
                .unwrap_or_else(|| fallback_title(&page.rel, &config));
            Ok(RenderedPage {
                page,
                title,
                markdown: Arc::new(markdown),
            })
        })
        .collect::<Result<_, BuildError>>()?;
    progress.finish();

    let mut warnings = load_warnings.clone();
    for rendered in &pages {
        warnings.extend(rendered.markdown.warnings.iter().cloned());
        if rendered.page.text.trim().is_empty() {
            warnings.push(Warning {
                at: Location::new(&rendered.page.display, 1, 1),
                message: "empty page".into(),
                hint: "write the page, or delete the file".into(),
            });
        }
    }

    // Only pages that name alerts (or aliases) go in: the targets clone a
    // page's URL and title, 40,000 strings per edit at 10,000 pages.
    let naming = |names: fn(&FrontMatter) -> &[String], line: fn(&KeyLinesAt) -> usize| {
        pages.iter().filter_map(move |rendered| {
            let front = &rendered.page.front;
            let names = names(front);
            if names.is_empty() {
                return None;
            }
            let at = Location::new(&rendered.page.display, line(&front.lines), 1);
            Some((names, rendered, at))
        })
    };
    let (alerts, alert_warnings) = publish::alert_index(naming(|f| &f.alerts, |l| l.alerts).map(
        |(names, rendered, at)| {
            let severity = rendered.page.front.severity.as_ref();
            (
                names,
                target_of(rendered, severity.map(|s| s.label().into())),
                at,
            )
        },
    ));
    warnings.extend(alert_warnings);
    let (redirects, alias_warnings) = publish::alias_index(
        naming(|f| &f.aliases, |l| l.aliases)
            .map(|(names, rendered, at)| (names, target_of(rendered, None), at)),
        &|output| links.pages.values().any(|o| o == output) || links.assets.contains(output),
    );
    warnings.extend(alias_warnings);
    warnings.extend(crate::review::warnings(
        &config,
        pages.iter().map(|r| &r.page),
        crate::review::today(),
    ));

    let nav = match previous {
        Some(prev) if same_nav_inputs(prev, &pages) => prev.nav.clone(),
        _ => Arc::new(nav::build(&pages.iter().map(nav_input).collect::<Vec<_>>())),
    };
    Ok(Rendered {
        root,
        config,
        pages,
        assets,
        links,
        nav,
        alerts,
        redirects,
        updated,
        load_warnings,
        warnings,
        broken_fragments: Vec::new(),
        alert_rules: BTreeMap::new(),
    })
}

/// Where an alert or alias link leads: the page's URL and title.
fn target_of(rendered: &RenderedPage, severity: Option<String>) -> AlertTarget {
    AlertTarget {
        url: rendered.page.output.clone(),
        title: rendered.title.clone(),
        severity,
    }
}

/// What the navigation reads of a page.
fn nav_input(rendered: &RenderedPage) -> NavInput<'_> {
    NavInput {
        rel: &rendered.page.rel,
        title: &rendered.title,
        weight: rendered.page.front.weight,
        is_index: rendered.page.is_index(),
        links: rendered
            .markdown
            .links
            .iter()
            .map(|l| l.target.as_str())
            .collect(),
    }
}

/// Whether `pages` give the navigation what `prev`'s did, page by page in
/// the same order (the caller checked the paths). A render is reused, the
/// same `Arc`, only for the same text, so with the same title and weight:
/// only the pages rendered again are compared in full, and an edit to one
/// page of 10,000 costs one comparison, not a new tree.
fn same_nav_inputs(prev: &Rendered, pages: &[RenderedPage]) -> bool {
    prev.pages.par_iter().zip(pages).all(|(before, after)| {
        Arc::ptr_eq(&before.markdown, &after.markdown) || nav_input(before) == nav_input(after)
    })
}

/// Links resolve against the set of pages and assets: a new, removed or
/// renamed file can change how any page renders.
fn same_link_targets(a: &Rendered, b: &Site) -> bool {
    a.pages.len() == b.pages.len()
        && a.assets.len() == b.assets.len()
        && a.pages
            .iter()
            .zip(&b.pages)
            .all(|(x, y)| x.page.rel == y.rel)
        && a.assets.iter().zip(&b.assets).all(|(x, y)| x.rel == y.rel)
}

fn fallback_title(rel: &str, config: &SiteConfig) -> String {
    let output = crate::paths::output_path(rel);
    if output == "index.html" {
        return config.title.clone();
    }
    let name = rel
        .rsplit('/')
        .find(|s| {
            !s.is_empty()
                && !s.to_ascii_lowercase().starts_with("readme")
                && !s.starts_with("index")
        })
        .unwrap_or(rel);
    name.trim_end_matches(".markdown")
        .trim_end_matches(".md")
        .replace(['_', '-'], " ")
}
