//! The build as a list of stages, each a module that owns its types and
//! returns a value:
//!
//! load (`source`, `site`: `Site`) → render (`render`: `Rendered`) → check
//! links (`links`) → lay out (`layout`) → write (`output`, `publish`) →
//! index (`search`).
//!
//! This module only sequences them, for `runbook build`, `runbook check`
//! and the dev server (`serve::rebuild`), which runs the same stages on
//! what an edit changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::error::{BuildError, Warning};
use crate::highlight::{self, Highlighter};
use crate::layout::{self, Layout};
use crate::nav_script::{self, Naming, NavScript};
use crate::output::{Exclusive, MemorySink, Sink, Staging};
use crate::progress::Progress;
use crate::render::{self, Rendered};
use crate::site::{self, Site};
use crate::theme::Theme;
use crate::timing::timed;
use crate::{git, gzip, links, offline, print, publish, rules, source};

/// What `runbook build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content: PathBuf,
    pub out: PathBuf,
    /// Overrides `base_url` from runbook.yaml.
    pub base_url: Option<String>,
    /// Warnings fail the build.
    pub strict: bool,
    /// Alert rule files or folders, besides runbook.yaml's `rules:`: their
    /// rules are shown on the pages of their alerts and in alerts.json.
    pub rules: Vec<PathBuf>,
}

/// What a finished build or check reports.
#[derive(Debug, Clone)]
pub struct Report {
    pub pages: usize,
    pub warnings: Vec<Warning>,
    pub elapsed: Duration,
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
    let paths = rules::check::rule_paths(&options.content, &site.config.rules, &options.rules);
    let updated = timed("git dates", || Arc::new(git::last_updated(&site.root)));
    let highlighter = timed("syntaxes", Highlighter::new);
    let mut rendered = timed("render", || {
        render_reusing(site, None, updated, &highlighter)
    })?;
    if !paths.is_empty() {
        let read = timed("rules", || rules::read::read(&paths));
        let placeholders =
            crate::placeholder::Placeholders::new(rendered.config.placeholders.keys().cloned());
        rendered.alert_rules = rules::show::views(&read, &highlighter, &placeholders);
        rendered.warnings.extend(read.problems);
        rendered.warnings.sort();
    }
    if options.strict && !rendered.warnings.is_empty() {
        return Err(BuildError::Strict {
            warnings: rendered.warnings,
        });
    }
    let staging = Staging::new(&options.out, &options.content)?;
    timed("write", || write(&rendered, &theme, &staging))?;
    timed("commit", || staging.commit())?;
    let report = Report {
        pages: rendered.pages.len(),
        warnings: std::mem::take(&mut rendered.warnings),
        elapsed: start.elapsed(),
    };
    // Freeing every page's strings takes a few milliseconds per thousand
    // pages, after the site is written: a thread of its own does it, which
    // the command-line process does not wait for when it exits.
    std::thread::spawn(move || drop((rendered, theme, highlighter)));
    Ok(report)
}

/// `runbook check`: the whole build in memory, every warning an error.
pub fn check(content: &Path) -> Result<Report, BuildError> {
    let start = Instant::now();
    let site = load(content, &[])?;
    let theme = load_theme(&site)?;
    let rendered = render(site)?;
    write(&rendered, &theme, &MemorySink::default())?;
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

/// What `runbook check --rules` was asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub content: PathBuf,
    /// Rule files or folders, besides runbook.yaml's `rules:`.
    pub rules: Vec<PathBuf>,
    /// Overrides `base_url` from runbook.yaml: the address the rules'
    /// runbook links are resolved under.
    pub base_url: Option<String>,
}

/// What `runbook check --rules` found: the site's own warnings and the
/// rules checked against the site.
#[derive(Debug, Clone)]
pub struct RulesReport {
    pub pages: usize,
    pub site_warnings: Vec<Warning>,
    pub rules: rules::check::Outcome,
    /// `--fix-urls`'s lines: the runbook link each alert should carry.
    pub fix_urls: String,
    /// Rule files (or documents) that could not be read.
    pub unreadable: Vec<Warning>,
    pub elapsed: Duration,
}

impl RulesReport {
    /// Whether anything is wrong on either side.
    pub fn is_clean(&self) -> bool {
        self.site_warnings.is_empty() && self.rules.warnings.is_empty()
    }
}

/// `runbook check --rules`: the whole check in memory, then the alert
/// rules read and checked against the rendered site.
pub fn check_rules(options: &CheckOptions) -> Result<RulesReport, BuildError> {
    let start = Instant::now();
    let mut site = load(&options.content, &[])?;
    if let Some(url) = &options.base_url {
        site.config.base_url = Some(url.clone());
    }
    let theme = load_theme(&site)?;
    let rendered = render(site)?;
    write(&rendered, &theme, &MemorySink::default())?;
    let paths = rules::check::rule_paths(&options.content, &rendered.config.rules, &options.rules);
    let read = timed("rules", || rules::read::read(&paths));
    let base_url = rendered.config.base_url.as_deref();
    let outcome = rules::check::check(&rendered, &read, base_url);
    Ok(RulesReport {
        pages: rendered.pages.len(),
        site_warnings: rendered.warnings.clone(),
        fix_urls: rules::check::fix_urls(&rendered, &read, base_url),
        unreadable: read.problems.clone(),
        rules: outcome,
        elapsed: start.elapsed(),
    })
}

/// Load: sources from disk with front matter parsed.
pub fn load(content: &Path, exclude: &[PathBuf]) -> Result<Site, BuildError> {
    let sources = source::load(content, exclude)?;
    site::assemble(sources)
}

pub fn load_theme(site: &Site) -> Result<Theme, BuildError> {
    let dir = site.config.theme_dir.as_ref().map(|d| site.root.join(d));
    Theme::load(dir.as_deref())
}

/// Render every page (in parallel), then check links.
pub fn render(site: Site) -> Result<Rendered, BuildError> {
    let updated = timed("git dates", || Arc::new(git::last_updated(&site.root)));
    let highlighter = timed("syntaxes", Highlighter::new);
    timed("render", || {
        render_reusing(site, None, updated, &highlighter)
    })
}

/// Render and check links, reusing `previous`'s unchanged page renders
/// (see `render::render_all`).
pub fn render_reusing(
    site: Site,
    previous: Option<&Rendered>,
    updated: Arc<HashMap<String, String>>,
    highlighter: &Highlighter,
) -> Result<Rendered, BuildError> {
    let mut rendered = render::render_all(site, previous, updated, highlighter)?;
    let broken = previous
        .and_then(|prev| links::recheck_fragments(prev, &rendered))
        .unwrap_or_else(|| links::check_fragments(&rendered));
    rendered.warnings.extend(broken.iter().cloned());
    rendered.broken_fragments = broken;
    rendered.warnings.sort();
    rendered.warnings.dedup();
    Ok(rendered)
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
            nav: NavFile::Build(Naming::Hashed),
            print: true,
            offline: true,
            page_list: true,
        },
    )
}

/// What `write_selected` writes besides the files it always writes.
pub struct Selection<'a> {
    /// Pages to lay out through the theme, by index into `rendered.pages`
    /// (the dev server passes `layout::changed`).
    pub pages: &'a (dyn Fn(usize) -> bool + Sync),
    /// Whether to write the search index; the dev server writes it
    /// (`write_search`) after the pages are served.
    pub search: bool,
    /// The shared navigation script: built and named by its content for a
    /// published site, under a fixed name for the dev server, which also
    /// passes the last build's when the navigation did not change.
    pub nav: NavFile<'a>,
    /// Whether to write the print documents (`print`).
    pub print: bool,
    /// Whether to write the offline copy's worker and manifest (`offline`)
    /// when runbook.yaml does not turn it off; the dev server never does,
    /// so a writer always sees the live preview.
    pub offline: bool,
    /// Whether to write pages.html, the list of every page. The dev server
    /// keeps its last one while the list, the config and the theme are
    /// unchanged: at 10,000 pages it costs more than the edited page.
    pub page_list: bool,
}

/// Where `write_selected` takes the navigation script from.
pub enum NavFile<'a> {
    Build(Naming),
    /// A script built earlier from an equal navigation and equal entries.
    Reuse(&'a NavScript),
}

/// `write`, for the pages and stages `select` names; every other file is
/// always written.
pub fn write_selected(
    rendered: &Rendered,
    theme: &Theme,
    sink: &dyn Sink,
    select: &Selection,
) -> Result<(), BuildError> {
    let sources = |output: &str| {
        let output = output.to_lowercase();
        rendered
            .pages
            .iter()
            .map(|r| &r.page)
            .find(|p| p.output.to_lowercase() == output)
            .map(|p| (p.display.clone(), p.output.clone()))
            .or_else(|| {
                rendered
                    .assets
                    .iter()
                    .find(|a| a.rel.to_lowercase() == output)
                    .map(|a| (a.abs.clone(), a.rel.clone()))
            })
    };
    let exclusive = Exclusive::new(sink, &sources);
    let config = &rendered.config;
    let recorder = (select.offline && config.offline).then(|| offline::Recorder::new(&exclusive));
    let sink: &dyn Sink = match &recorder {
        Some(recorder) => recorder,
        None => &exclusive,
    };
    let language = runbook_widgets::language::for_tag(&config.language);
    let strings = &language.theme;
    let mut site_view = layout::site_view(config, theme);
    site_view.offline = recorder.is_some();
    let entries = layout::nav_entries(rendered);
    let placeholder_html = layout::placeholder_html(config);
    let selected: Vec<usize> = (0..rendered.pages.len())
        .filter(|&i| (select.pages)(i))
        .collect();
    let built_nav;
    let nav_script = match select.nav {
        NavFile::Build(naming) => {
            built_nav = timed("nav script", || {
                nav_script::build(&rendered.nav, &entries, naming)
            });
            &built_nav
        }
        NavFile::Reuse(script) => script,
    };
    let layout = Layout::new(
        rendered,
        theme,
        layout::Shared {
            site: &site_view,
            strings,
            entries: &entries,
            placeholder_html: &placeholder_html,
            nav_script: &nav_script.path,
        },
        &selected,
    )?;
    let progress = Progress::new(rendered.pages.len(), "Writing");
    let write_page = |i: usize| {
        let page = &rendered.pages[i].page;
        let html = layout.page(i)?;
        sink.write(&page.output, &html)
            .map_err(|e| e.at_source(&page.display, &page.output))?;
        progress.tick();
        Ok::<(), BuildError>(())
    };
    // The search index and the print documents read only the rendered
    // Markdown: build them while the pages go through the theme, so both
    // cores stay busy through the index's one-thread stretches (merging,
    // splitting the dictionary).
    let (pages, (search, print)) = rayon::join(
        || selected.into_par_iter().try_for_each(write_page),
        || {
            rayon::join(
                || {
                    if select.search {
                        write_search(rendered, sink, gzip::index_level(rendered.pages.len()))
                    } else {
                        Ok(())
                    }
                },
                || {
                    if select.print {
                        timed("print", || write_print(rendered, theme, sink))
                    } else {
                        Ok(())
                    }
                },
            )
        },
    );
    pages?;
    search?;
    print?;
    progress.finish();

    rendered
        .assets
        .par_iter()
        .try_for_each(|asset| sink.copy(&asset.rel, &asset.abs))?;
    for (name, bytes) in &theme.assets {
        sink.write(&format!("assets/{name}"), bytes)?;
    }
    // The panels' (and search's) wasm module and its JS glue.
    for (name, bytes) in crate::widgets_bundle::files() {
        sink.write(&format!("assets/{name}"), bytes)?;
    }
    sink.write("assets/highlight.css", highlight::stylesheet().as_bytes())?;
    sink.write(&nav_script.path, &nav_script.bytes)?;
    // Where the pages were told it is (`site.words_script`).
    sink.write(
        &site_view.words_script,
        &crate::words_script::bytes(language),
    )?;
    timed("publish", || {
        publish::write_files(
            rendered,
            theme,
            sink,
            &site_view,
            strings,
            &entries,
            select.page_list,
        )
    })?;
    match recorder {
        Some(recorder) => timed("offline", || {
            recorder.finish(offline::built_at(&rendered.root).as_deref())
        }),
        None => Ok(()),
    }
}

/// The print documents (`print`); nothing when runbook.yaml says
/// `print: false`. The dev server writes them after the pages are served.
pub fn write_print(rendered: &Rendered, theme: &Theme, sink: &dyn Sink) -> Result<(), BuildError> {
    if !rendered.config.print {
        return Ok(());
    }
    let strings = &runbook_widgets::language::for_tag(&rendered.config.language).theme;
    let site_view = layout::site_view(&rendered.config, theme);
    print::write(rendered, theme, sink, &site_view, strings)
}

/// The search index (generator/src/search), fetched in shards by search.js,
/// its files gzipped at `level` (`gzip::index_level` for a published site).
/// Nothing when runbook.yaml says `search: false`.
pub fn write_search(rendered: &Rendered, sink: &dyn Sink, level: u32) -> Result<(), BuildError> {
    if !rendered.config.search.enabled {
        return Ok(());
    }
    crate::search::index(rendered, sink, level)
}
