//! The build, as a list of stages that each return a value:
//! load (`Sources`) → assemble (`Site`) → render (`Rendered`) → check links
//! → write (into a `Sink`) → swap the staging folder in.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::error::{BuildError, Location, Warning};
use crate::highlight::{self, Highlighter};
use crate::i18n::Strings;
use crate::nav::{self, Nav, NavInput};
use crate::output::{Exclusive, Sink, Staging};
use crate::placeholder::Placeholders;
use crate::progress::Progress;
use crate::publish::{self, AlertTarget};
use crate::render::{self, LinkTargets, PageSource, RenderContext, RenderedMarkdown};
use crate::sidebar::Sidebars;
use crate::site::{self, Site};
use crate::theme::Theme;
use crate::view::{
    self, LinkView, LiveView, NavEntry, PageContext, PageView, PlaceholderView, SiteView,
};
use crate::{git, source};

/// What `runbook build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content: PathBuf,
    pub out: PathBuf,
    /// Overrides `base_url` from runbook.yaml.
    pub base_url: Option<String>,
    /// Warnings fail the build.
    pub strict: bool,
}

/// What a finished build or check reports.
#[derive(Debug, Clone)]
pub struct Report {
    pub pages: usize,
    pub warnings: Vec<Warning>,
    pub elapsed: Duration,
}

/// A site with every page rendered, links checked, ready to write.
pub struct Rendered {
    pub site: Site,
    pub pages: Vec<RenderedPage>,
    pub nav: Nav,
    pub alerts: BTreeMap<String, AlertTarget>,
    /// Old paths (`aliases:`) → the page now there.
    pub redirects: BTreeMap<String, AlertTarget>,
    pub updated: HashMap<String, String>,
    pub warnings: Vec<Warning>,
}

/// One page's render. The Markdown sits behind an `Arc` so an incremental
/// render (`render_reusing`) shares an unchanged page's HTML with the
/// previous `Rendered` instead of copying it.
#[derive(Clone)]
pub struct RenderedPage {
    pub title: String,
    pub markdown: Arc<RenderedMarkdown>,
}

/// `runbook build`: render into a staging folder, then swap it in. On any
/// error the previous site is untouched.
pub fn build(options: &BuildOptions) -> Result<Report, BuildError> {
    let start = Instant::now();
    let mut site = timed("load", || {
        load(&options.content, std::slice::from_ref(&options.out))
    })?;
    if let Some(url) = &options.base_url {
        site.config.base_url = Some(url.clone());
    }
    let theme = timed("theme", || load_theme(&site))?;
    let rendered = render(site)?;
    if options.strict && !rendered.warnings.is_empty() {
        return Err(BuildError::Strict {
            warnings: rendered.warnings,
        });
    }
    let staging = Staging::new(&options.out, &options.content)?;
    timed("write", || write(&rendered, &theme, &staging))?;
    timed("commit", || staging.commit())?;
    Ok(Report {
        pages: rendered.pages.len(),
        warnings: rendered.warnings,
        elapsed: start.elapsed(),
    })
}

/// `runbook check`: the whole build in memory, every warning an error.
pub fn check(content: &Path) -> Result<Report, BuildError> {
    let start = Instant::now();
    let site = load(content, &[])?;
    let theme = load_theme(&site)?;
    let rendered = render(site)?;
    write(&rendered, &theme, &crate::output::MemorySink::default())?;
    if !rendered.warnings.is_empty() {
        return Err(BuildError::Strict {
            warnings: rendered.warnings,
        });
    }
    Ok(Report {
        pages: rendered.pages.len(),
        warnings: Vec::new(),
        elapsed: start.elapsed(),
    })
}

/// Load and assemble: sources from disk with front matter parsed.
pub fn load(content: &Path, exclude: &[PathBuf]) -> Result<Site, BuildError> {
    let sources = source::load(content, exclude)?;
    site::assemble(sources)
}

pub fn load_theme(site: &Site) -> Result<Theme, BuildError> {
    let dir = site.config.theme_dir.as_ref().map(|d| site.root.join(d));
    Theme::load(dir.as_deref())
}

/// Render every page (in parallel), then check links and alerts.
pub fn render(site: Site) -> Result<Rendered, BuildError> {
    let updated = timed("git dates", || git::last_updated(&site.root));
    let highlighter = timed("syntaxes", Highlighter::new);
    timed("render", || {
        render_reusing(site, None, updated, &highlighter)
    })
}

/// Runs one stage of a build, logging its wall time at debug level
/// (`RUNBOOK_LOG=runbook::build=debug`): where a slow build spends it.
fn timed<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    tracing::debug!(
        stage,
        elapsed_ms = start.elapsed().as_secs_f64() * 1e3,
        "build stage"
    );
    value
}

/// `render`, taking each page's Markdown render from `previous` when
/// nothing it depends on changed: its own text, the config, and the pages
/// and assets its links resolve against. Everything that spans pages (nav,
/// fragment checks, alerts, warnings) is recomputed, so the result equals a
/// full render. `updated` and `highlighter` come from the caller: a
/// `git log` walk or loading the syntax definitions per keystroke would
/// cost the dev server more than the rest of the rebuild.
pub fn render_reusing(
    site: Site,
    previous: Option<&Rendered>,
    updated: HashMap<String, String>,
    highlighter: &Highlighter,
) -> Result<Rendered, BuildError> {
    // A page's render reads the config and the link targets besides its
    // own text; when either differs, no previous render is reusable.
    let reusable: HashMap<&str, (&site::Page, &RenderedPage)> = previous
        .filter(|prev| {
            prev.site.root == site.root
                && prev.site.config == site.config
                && same_link_targets(&prev.site, &site)
        })
        .map(|prev| {
            prev.site
                .pages
                .iter()
                .zip(&prev.pages)
                .map(|(page, rendered)| (page.rel.as_str(), (page, rendered)))
                .collect()
        })
        .unwrap_or_default();
    let placeholders = Placeholders::new(site.config.placeholders.keys().cloned());
    let strings = Strings::for_language(&site.config.language);
    let links = LinkTargets {
        pages: site
            .pages
            .iter()
            .map(|p| (p.rel.clone(), p.output.clone()))
            .collect(),
        assets: site.assets.iter().map(|a| a.rel.clone()).collect(),
    };
    let ctx = RenderContext {
        highlighter,
        placeholders: &placeholders,
        live: &site.config.live,
        strings: &strings,
        links: &links,
    };
    let progress = Progress::new(site.pages.len(), "Rendering");
    let pages: Vec<RenderedPage> = site
        .pages
        .par_iter()
        .map(|page| {
            progress.tick();
            // Same path and same whole text: same front matter, body and
            // line offsets, so the same render.
            if let Some((before, rendered)) = reusable.get(page.rel.as_str()) {
                if before.text == page.text && before.display == page.display {
                    return Ok((*rendered).clone());
                }
            }
            let markdown = render::render(
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
                .unwrap_or_else(|| fallback_title(&page.rel, &site.config));
            Ok(RenderedPage {
                title,
                markdown: Arc::new(markdown),
            })
        })
        .collect::<Result<_, BuildError>>()?;
    progress.finish();

    let mut warnings = site.warnings.clone();
    for (page, rendered) in site.pages.iter().zip(&pages) {
        warnings.extend(rendered.markdown.warnings.iter().cloned());
        if page.text.trim().is_empty() {
            warnings.push(Warning {
                at: Location::new(&page.display, 1, 1),
                message: "empty page".into(),
                hint: "write the page, or delete the file".into(),
            });
        }
    }
    warnings.extend(check_fragments(&site, &pages));

    let (alerts, alert_warnings) =
        publish::alert_index(site.pages.iter().zip(&pages).map(|(page, rendered)| {
            (
                page.front.alerts.as_slice(),
                AlertTarget {
                    url: page.output.clone(),
                    title: rendered.title.clone(),
                    severity: page.front.severity.as_ref().map(|s| s.label().into()),
                },
                Location::new(&page.display, 2, 1),
            )
        }));
    warnings.extend(alert_warnings);
    let (redirects, alias_warnings) = publish::alias_index(
        site.pages.iter().zip(&pages).map(|(page, rendered)| {
            let at = Location::new(&page.display, page.front.lines.aliases, 1);
            let target = AlertTarget {
                url: page.output.clone(),
                title: rendered.title.clone(),
                severity: None,
            };
            (page.front.aliases.as_slice(), target, at)
        }),
        &|output| links.pages.values().any(|o| o == output) || links.assets.contains(output),
    );
    warnings.extend(alias_warnings);
    warnings.extend(crate::review::warnings(&site, crate::review::today()));
    warnings.sort();
    warnings.dedup();

    let nav_inputs: Vec<NavInput> = site
        .pages
        .iter()
        .zip(&pages)
        .map(|(page, rendered)| NavInput {
            rel: &page.rel,
            title: &rendered.title,
            weight: page.front.weight,
            is_index: page.is_index(),
            links: rendered
                .markdown
                .links
                .iter()
                .map(|l| l.target.as_str())
                .collect(),
        })
        .collect();
    let nav = nav::build(&nav_inputs);
    Ok(Rendered {
        site,
        pages,
        nav,
        alerts,
        redirects,
        updated,
        warnings,
    })
}

/// Links resolve against the set of pages and assets: a new, removed or
/// renamed file can change how any page renders.
fn same_link_targets(a: &Site, b: &Site) -> bool {
    a.pages.len() == b.pages.len()
        && a.assets.len() == b.assets.len()
        && a.pages.iter().zip(&b.pages).all(|(x, y)| x.rel == y.rel)
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

/// Every `#fragment` of a page link must name a heading of its target.
fn check_fragments(site: &Site, pages: &[RenderedPage]) -> Vec<Warning> {
    let index: HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel.as_str(), i))
        .collect();
    let ids: Vec<HashSet<&str>> = pages
        .iter()
        .map(|p| p.markdown.headings.iter().map(|h| h.id.as_str()).collect())
        .collect();
    let mut warnings = Vec::new();
    for page in pages {
        for link in &page.markdown.links {
            let Some(fragment) = link.fragment.as_deref() else {
                continue;
            };
            let Some(&target) = index.get(link.target.as_str()) else {
                continue;
            };
            if fragment.is_empty() || ids[target].contains(fragment) || is_generated_id(fragment) {
                continue;
            }
            let lower = fragment.to_lowercase();
            let hint = if ids[target].contains(lower.as_str()) {
                format!("heading ids are lower case: write `#{lower}`")
            } else {
                let mut known: Vec<&str> = ids[target].iter().copied().collect();
                known.sort();
                let close: Vec<&str> = known
                    .into_iter()
                    .filter(|id| id.contains(&lower) || lower.contains(*id))
                    .take(3)
                    .collect();
                if close.is_empty() {
                    "link to an existing heading; ids follow GitHub's rules (lower case, spaces to `-`, punctuation dropped)".into()
                } else {
                    format!(
                        "did you mean {}?",
                        close
                            .iter()
                            .map(|c| format!("`#{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            };
            warnings.push(Warning {
                at: link.at.clone(),
                message: format!(
                    "broken fragment: `{}` has no heading `#{fragment}`",
                    site.pages[target].rel
                ),
                hint,
            });
        }
    }
    warnings
}

/// Ids the renderer writes besides headings: footnotes.
fn is_generated_id(fragment: &str) -> bool {
    fragment.starts_with("fn-") || fragment.starts_with("fnref")
}

/// Writes pages, assets and publishing files into `sink`, in parallel.
pub fn write(rendered: &Rendered, theme: &Theme, sink: &dyn Sink) -> Result<(), BuildError> {
    write_selected(
        rendered,
        theme,
        sink,
        &Selection {
            pages: &|_| true,
            search: true,
        },
    )
}

/// What `write_selected` writes besides the files it always writes.
pub struct Selection<'a> {
    /// Pages to lay out through the theme, by index into `rendered.pages`.
    /// The dev server passes those whose layout inputs changed: when a page
    /// starts showing something of another page,
    /// `serve::rebuild::pages_to_write` must learn it too (its
    /// byte-equality test fails otherwise).
    pub pages: &'a (dyn Fn(usize) -> bool + Sync),
    /// Whether to write the search index; the dev server writes it
    /// (`write_search`) after the pages are served.
    pub search: bool,
}

/// `write`, for the pages and stages `select` names; every other file is
/// always written.
pub fn write_selected(
    rendered: &Rendered,
    theme: &Theme,
    sink: &dyn Sink,
    select: &Selection,
) -> Result<(), BuildError> {
    let site = &rendered.site;
    let config = &site.config;
    let sources = |output: &str| {
        let output = output.to_lowercase();
        site.pages
            .iter()
            .find(|p| p.output.to_lowercase() == output)
            .map(|p| (p.display.clone(), p.output.clone()))
            .or_else(|| {
                site.assets
                    .iter()
                    .find(|a| a.rel.to_lowercase() == output)
                    .map(|a| (a.abs.clone(), a.rel.clone()))
            })
    };
    let sink = &Exclusive::new(sink, &sources);
    let strings = Strings::for_language(&config.language);
    let highlight_css = highlight::stylesheet();
    let asset_version = asset_version(theme, &highlight_css);
    let site_view = SiteView {
        title: &config.title,
        description: config.description.as_deref(),
        language: &config.language,
        base_url: config.base_url.as_deref(),
        asset_version: &asset_version,
        generator: concat!("runbook ", env!("CARGO_PKG_VERSION")),
        has_search: config.search && theme.assets.contains_key("search.js"),
    };
    let entries: Vec<NavEntry> = site
        .pages
        .iter()
        .zip(&rendered.pages)
        .map(|(page, r)| NavEntry {
            rel: &page.rel,
            output: &page.output,
            title: &r.title,
            severity: page.front.severity.as_ref(),
        })
        .collect();
    let position: HashMap<usize, usize> = rendered
        .nav
        .order
        .iter()
        .enumerate()
        .map(|(n, &i)| (i, n))
        .collect();
    let link_to = |from: usize, to: usize| LinkView {
        title: entries[to].title.to_string(),
        url: crate::paths::relative_url(entries[from].output, entries[to].output),
    };

    // Descriptions rendered once, shown on every page that uses them; in
    // runbook.yaml's order: the writer lists them as a reader fills them
    // (project, region, then the pod).
    let placeholder_html: Vec<String> = config
        .placeholders
        .values()
        .map(|description| view::inline_markdown(description))
        .collect();
    let placeholders: Vec<PlaceholderView> = config
        .placeholders
        .iter()
        .zip(&placeholder_html)
        .map(|((name, description), html)| PlaceholderView {
            name,
            description,
            description_html: html,
        })
        .collect();
    let today = crate::review::today();
    let progress = Progress::new(site.pages.len(), "Writing");
    let selected: Vec<usize> = (0..site.pages.len())
        .filter(|&i| (select.pages)(i))
        .collect();
    let sidebars = timed("sidebar", || {
        Sidebars::new(&rendered.nav.root, &entries, &selected, theme, &strings)
    })?;
    let write_page = |i: usize| {
        let page = &site.pages[i];
        let r = &rendered.pages[i];
        let root = crate::paths::root_prefix(&page.output);
        let order = position.get(&i).copied();
        let prev = order
            .and_then(|n| n.checked_sub(1))
            .map(|n| link_to(i, rendered.nav.order[n]));
        let next = order
            .and_then(|n| rendered.nav.order.get(n + 1))
            .map(|&j| link_to(i, j));
        let context = PageContext {
            site: &site_view,
            t: &strings,
            page: PageView {
                title: &r.title,
                description: page.front.description.as_deref(),
                severity: page.front.severity.as_ref(),
                alerts: &page.front.alerts,
                owner: page.front.owner.as_deref(),
                tags: &page.front.tags,
                updated: updated(rendered, page),
                reviewed: page.front.reviewed.as_deref(),
                review_overdue_days: crate::review::overdue(
                    page.front.reviewed.as_deref(),
                    config.review_after_days,
                    today,
                ),
                content: &r.markdown.html,
                toc: r
                    .markdown
                    .headings
                    .iter()
                    .filter(|h| (2..=3).contains(&h.level))
                    .collect(),
                has_h1: r.markdown.first_h1.is_some(),
                placeholders: placeholders
                    .iter()
                    .filter(|p| r.markdown.placeholders.contains(p.name))
                    .cloned()
                    .collect(),
                has_widgets: r.markdown.has_widgets,
                edit_url: view::edit_url(config, &page.rel),
                path: &page.output,
                source: &page.rel,
            },
            sidebar: sidebars.for_page(i),
            breadcrumbs: view::breadcrumbs(&rendered.nav.root, &entries, i, &strings.home),
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
        let html = theme.render("page.html", &tera_context(&context)?)?;
        sink.write(&page.output, html.as_bytes())
            .map_err(|e| e.at_source(&page.display, &page.output))?;
        progress.tick();
        Ok::<(), BuildError>(())
    };
    // The search index reads only the rendered Markdown: build it while
    // the pages go through the theme, so both cores stay busy.
    let (pages, search) = rayon::join(
        || selected.into_par_iter().try_for_each(write_page),
        || {
            if select.search {
                write_search(rendered, sink)
            } else {
                Ok(())
            }
        },
    );
    pages?;
    search?;
    progress.finish();

    site.assets
        .par_iter()
        .try_for_each(|asset| sink.copy(&asset.rel, &asset.abs))?;
    for (name, bytes) in &theme.assets {
        sink.write(&format!("assets/{name}"), bytes)?;
    }
    // The panels' (and search's) wasm module and its JS glue.
    for (name, bytes) in crate::widgets_bundle::files() {
        sink.write(&format!("assets/{name}"), bytes)?;
    }
    sink.write("assets/highlight.css", highlight_css.as_bytes())?;
    write_publishing_files(rendered, theme, sink, &site_view, &strings, &entries)
}

/// The search index (generator/src/search), fetched in shards by search.js.
/// Nothing when runbook.yaml says `search: false`.
pub fn write_search(rendered: &Rendered, sink: &dyn Sink) -> Result<(), BuildError> {
    if !rendered.site.config.search {
        return Ok(());
    }
    crate::search::index(rendered, sink)
}

fn write_publishing_files(
    rendered: &Rendered,
    theme: &Theme,
    sink: &dyn Sink,
    site_view: &SiteView,
    strings: &Strings,
    entries: &[NavEntry],
) -> Result<(), BuildError> {
    let config = &rendered.site.config;
    sink.write(".nojekyll", b"")?;

    // The 404 page is served at whatever address was missed, so it links
    // from the base path rather than relatively.
    let mut context = tera::Context::new();
    context.insert("site", site_view);
    context.insert("t", strings);
    context.insert("root", &publish::base_path(config.base_url.as_deref()));
    sink.write("404.html", theme.render("404.html", &context)?.as_bytes())?;

    // Every page on one list: the no-JS fallback of search, and a map.
    let all: Vec<LinkView> = rendered
        .nav
        .order
        .iter()
        .map(|&i| LinkView {
            title: entries[i].title.to_string(),
            url: crate::paths::href(entries[i].output).into_owned(),
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("site", site_view);
    context.insert("t", strings);
    context.insert("root", "");
    context.insert("pages", &all);
    sink.write(
        "pages.html",
        theme.render("pages.html", &context)?.as_bytes(),
    )?;

    if let Some(base) = &config.base_url {
        let pages: Vec<(String, Option<String>)> = rendered
            .nav
            .order
            .iter()
            .map(|&i| {
                let page = &rendered.site.pages[i];
                (page.output.clone(), updated(rendered, page).map(Into::into))
            })
            .collect();
        sink.write("sitemap.xml", publish::sitemap(base, &pages).as_bytes())?;
    }

    let json = serde_json::to_vec_pretty(&rendered.alerts)
        .map_err(|e| BuildError::io(Path::new("alerts.json"), e.into()))?;
    sink.write("alerts.json", &json)?;
    for (name, target) in &rendered.alerts {
        sink.write(
            &format!("alerts/{name}.html"),
            publish::alert_redirect(name, target, &strings.redirecting).as_bytes(),
        )?;
    }
    for (from, target) in &rendered.redirects {
        let html = publish::alias_redirect(from, target, &strings.redirecting);
        sink.write(from, html.as_bytes())?;
    }
    Ok(())
}

/// "Last updated": git's date, else the front matter's `lastmod`/`date`.
fn updated<'a>(rendered: &'a Rendered, page: &'a site::Page) -> Option<&'a str> {
    let git = rendered.updated.get(&page.rel).map(String::as_str);
    git.or(page.front.updated.as_deref())
}

fn tera_context(context: &PageContext) -> Result<tera::Context, BuildError> {
    tera::Context::from_serialize(context).map_err(|e| BuildError::Template {
        path: PathBuf::from("page.html"),
        message: e.to_string(),
        hint: "report this: the page context could not be serialised".into(),
    })
}

/// A short content hash of the theme assets, for `?v=` cache busting.
fn asset_version(theme: &Theme, highlight_css: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    theme.assets.hash(&mut hasher);
    highlight_css.hash(&mut hasher);
    crate::widgets_bundle::files().hash(&mut hasher);
    format!("{:08x}", hasher.finish() as u32)
}
