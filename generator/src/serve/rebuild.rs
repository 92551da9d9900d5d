//! Rebuild: the cheapest correct rebuild after a batch of changes, from the
//! stage values of the last good build.
//!
//! Sources: only the files the batch names are read again (`patch`); a
//! folder event, a rescan or a config change reloads everything. What is
//! reused downstream is decided by comparing values, not by trusting events:
//! - a page's Markdown render is reused when its text, the config and the
//!   set of link targets are unchanged (`render::render_all`);
//! - a page is laid out again when its layout keys changed: its render,
//!   front matter and date, or anything of the site it shows (config, nav,
//!   every page's nav entry: `layout::changed`);
//! - pages.html is kept while the page list, the config and the theme are
//!   the last build's; everything else the writer makes (assets, the 404
//!   page, alerts) is written every time;
//! - the search index and the print documents, which span every page, are
//!   computed after the pages are served (`background_files`, on their own
//!   thread), so an edit shows without waiting for them;
//! - the theme is reloaded when the theme folder or runbook.yaml changed.
//!
//! A failed rebuild changes nothing: the last good values stay.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;

use crate::config::SiteConfig;
use crate::error::{BuildError, Warning};
use crate::highlight::Highlighter;
use crate::nav_script::{self, Naming, NavScript};
use crate::output::Sink;
use crate::pipeline::{self, NavFile, Selection};
use crate::render::Rendered;
use crate::theme::Theme;
use crate::{git, gzip, publish};

use super::snapshot::Files;
use super::watch::Batch;

/// What a successful rebuild hands to the server.
pub struct Built {
    /// Everything but the search index.
    pub files: Arc<Files>,
    /// For the search index and print documents, computed next.
    pub rendered: Arc<Rendered>,
    pub theme: Arc<Theme>,
    pub base_path: String,
    pub config: SiteConfig,
    pub warnings: Vec<Warning>,
    pub stats: Stats,
}

/// How much work a rebuild did, for the terminal and the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub pages: usize,
    /// Pages whose Markdown was rendered again.
    pub rendered: usize,
    /// Pages laid out through the theme again.
    pub laid_out: usize,
    pub elapsed: Duration,
}

/// The last good build's stage values.
struct Last {
    rendered: Arc<Rendered>,
    /// The navigation script of `rendered`, kept while the tree is equal.
    nav: Arc<NavScript>,
    theme: Arc<Theme>,
    files: Arc<Files>,
}

/// Asset bytes by output path, so an unchanged image is not read again.
/// Kept while the size and modification time stay and no event named the
/// file (two same-size writes within one timestamp tick look unchanged).
type AssetCache = HashMap<String, (SystemTime, u64, Bytes)>;

pub struct Builder {
    content: PathBuf,
    /// `content` as file events name it.
    canonical: PathBuf,
    strict: bool,
    last: Option<Last>,
    /// The build before `last`, kept until `retire`: freeing a thousand
    /// pages' values takes a millisecond the edit need not wait for.
    retired: Option<Last>,
    assets: Mutex<AssetCache>,
    /// Loading syntax definitions takes longer than rendering a page:
    /// once per session.
    highlighter: Highlighter,
}

impl Builder {
    pub fn new(content: &Path, strict: bool) -> Builder {
        Builder {
            content: content.to_path_buf(),
            canonical: content
                .canonicalize()
                .unwrap_or_else(|_| content.to_path_buf()),
            strict,
            last: None,
            retired: None,
            assets: Mutex::new(AssetCache::new()),
            highlighter: Highlighter::new(),
        }
    }

    /// The config of the last good build, if any.
    pub fn config(&self) -> Option<&SiteConfig> {
        self.last.as_ref().map(|l| &l.rendered.config)
    }

    /// Builds everything: the first build, and after a rescan.
    pub fn build_all(&mut self) -> Result<Built, BuildError> {
        self.rebuild(&Batch {
            config: true,
            theme: true,
            git: true,
            ..Batch::default()
        })
    }

    pub fn rebuild(&mut self, batch: &Batch) -> Result<Built, BuildError> {
        let start = Instant::now();
        let mut laps = Laps::new(start);
        self.forget_assets(batch);
        let last = self.last.as_ref();
        let patched = match last {
            Some(last) => super::patch::apply(&last.rendered.site(), &self.canonical, batch)?,
            None => None,
        };
        let site = match patched {
            Some(site) => site,
            None => pipeline::load(&self.content, &[])?,
        };
        laps.lap("load");

        let reload_theme = batch.config || batch.theme || batch.rescan;
        let theme = match last {
            Some(last) if !reload_theme => last.theme.clone(),
            _ => Arc::new(pipeline::load_theme(&site)?),
        };
        // Dates move only when git's HEAD does; a `git log` walk per
        // keystroke would cost more than the rest of the rebuild.
        let updated = match last {
            Some(last) if !(batch.git || batch.rescan) => last.rendered.updated.clone(),
            _ => Arc::new(git::last_updated(&site.root)),
        };
        // The config decides reuse too: render_reusing compares it.
        let previous = last.map(|l| &*l.rendered);
        let rendered = pipeline::render_reusing(site, previous, updated, &self.highlighter)?;
        laps.lap("render");
        if self.strict && !rendered.warnings.is_empty() {
            return Err(BuildError::Strict {
                warnings: rendered.warnings,
            });
        }

        let select = match last {
            Some(last) if !reload_theme => pages_to_write(&last.rendered, &last.files, &rendered),
            _ => vec![true; rendered.pages.len()],
        };
        laps.lap("select");
        let sink = ServeSink {
            files: Mutex::new(Files::new()),
            assets: &self.assets,
            previous: last.map(|l| &*l.files),
        };
        // One name for the tree: a change to it rewrites that file, not
        // every page naming it (nothing served here is cached). Built again
        // only when it changed: 10,000 titles cost milliseconds per edit.
        let same_nav = last.is_some_and(|last| crate::layout::same_nav(&last.rendered, &rendered));
        // pages.html shows the list, the config and the theme's template:
        // kept while all three are those of the last build.
        let same_page_list = same_nav
            && !reload_theme
            && last.is_some_and(|last| last.rendered.config == rendered.config);
        let nav = match last {
            Some(last) if same_nav => last.nav.clone(),
            _ => Arc::new(nav_script::build(
                &rendered.nav,
                &crate::layout::nav_entries(&rendered),
                Naming::Fixed,
            )),
        };
        let selection = Selection {
            pages: &|i| select[i],
            search: false,
            nav: NavFile::Reuse(&nav),
            print: false,
            offline: false,
            page_list: !same_page_list,
        };
        pipeline::write_selected(&rendered, &theme, &sink, &selection)?;
        laps.lap("write");
        let mut files = sink.files.into_inner().unwrap_or_else(|e| e.into_inner());
        if let (true, Some(last)) = (same_page_list, last) {
            if let Some(bytes) = last.files.get(crate::page_list::FILE) {
                files.insert(crate::page_list::FILE.to_string(), bytes.clone());
            }
        }
        if let Some(last) = last {
            // Pages not laid out again keep the bytes (and the buffers) of
            // the last build: pages_to_write proved them unchanged.
            for (page, _) in rendered
                .pages
                .iter()
                .map(|r| &r.page)
                .zip(&select)
                .filter(|(_, s)| !**s)
            {
                if let Some(bytes) = last.files.get(&page.output) {
                    files.insert(page.output.clone(), bytes.clone());
                }
            }
        }
        self.forget_deleted_assets(&rendered);

        let stats = Stats {
            pages: rendered.pages.len(),
            rendered: match previous {
                Some(prev) => count_rendered(prev, &rendered),
                None => rendered.pages.len(),
            },
            laid_out: select.iter().filter(|s| **s).count(),
            elapsed: start.elapsed(),
        };
        let rendered = Arc::new(rendered);
        let built = Built {
            files: Arc::new(files),
            rendered: rendered.clone(),
            theme: theme.clone(),
            base_path: publish::base_path(rendered.config.base_url.as_deref()),
            config: rendered.config.clone(),
            warnings: rendered.warnings.clone(),
            stats,
        };
        self.retired = self.last.replace(Last {
            rendered,
            nav,
            theme,
            files: built.files.clone(),
        });
        laps.lap("keep");
        laps.log();
        Ok(built)
    }

    /// Frees the values of the build before the last one; call it once the
    /// last one is served.
    pub fn retire(&mut self) {
        self.retired = None;
    }

    /// Drops cached assets an event named, or all of them after a rescan.
    fn forget_assets(&self, batch: &Batch) {
        let mut cache = self.assets.lock().unwrap_or_else(|e| e.into_inner());
        if batch.rescan {
            cache.clear();
        }
        for path in &batch.assets {
            let rel = path.strip_prefix(&self.canonical).unwrap_or(path);
            let rel = rel.to_string_lossy().replace('\\', "/");
            // A folder event names no file: drop everything below it too.
            cache.retain(|key, _| key != &rel && !key.starts_with(&format!("{rel}/")));
        }
    }

    fn forget_deleted_assets(&self, rendered: &Rendered) {
        let mut cache = self.assets.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() > rendered.assets.len() {
            let live: std::collections::HashSet<&str> =
                rendered.assets.iter().map(|a| a.rel.as_str()).collect();
            cache.retain(|rel, _| live.contains(rel.as_str()));
        }
    }
}

/// Wall time of each stage of a rebuild, logged as one line at debug
/// level (`RUNBOOK_LOG=runbook::serve=debug`): where an edit's time goes.
struct Laps {
    start: Instant,
    last: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Laps {
    fn new(start: Instant) -> Laps {
        Laps {
            start,
            last: start,
            stages: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.last));
        self.last = now;
    }

    fn log(&self) {
        if !tracing::enabled!(tracing::Level::DEBUG) {
            return;
        }
        let stages: Vec<String> = self
            .stages
            .iter()
            .map(|(stage, time)| format!("{stage} {:.1}", time.as_secs_f64() * 1e3))
            .collect();
        tracing::debug!(
            "rebuild in {:.1} ms: {}",
            self.start.elapsed().as_secs_f64() * 1e3,
            stages.join(", ")
        );
    }
}

/// The files of a build that span every page, as files: the search index
/// and the print documents.
pub fn background_files(rendered: &Rendered, theme: &Theme) -> Result<Files, BuildError> {
    let assets = Mutex::new(AssetCache::new());
    let sink = ServeSink {
        files: Mutex::new(Files::new()),
        assets: &assets,
        previous: None,
    };
    pipeline::write_search(rendered, &sink, gzip::STORED)?;
    pipeline::write_print(rendered, theme, &sink)?;
    Ok(sink.files.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Which pages must be laid out through the theme again, by index into
/// `next.pages`: those whose layout keys changed (`layout::changed`), and
/// any the last build's files lack.
pub fn pages_to_write(prev: &Rendered, prev_files: &Files, next: &Rendered) -> Vec<bool> {
    let mut select = crate::layout::changed(prev, next);
    for (selected, rendered) in select.iter_mut().zip(&next.pages) {
        *selected |= !prev_files.contains_key(&rendered.page.output);
    }
    select
}

/// Pages of `next` whose Markdown was rendered rather than reused.
fn count_rendered(prev: &Rendered, next: &Rendered) -> usize {
    let reused: std::collections::HashSet<*const _> = prev
        .pages
        .iter()
        .map(|p| Arc::as_ptr(&p.markdown))
        .collect();
    next.pages
        .iter()
        .filter(|p| !reused.contains(&Arc::as_ptr(&p.markdown)))
        .count()
}

/// Collects a build in memory as shareable buffers.
struct ServeSink<'a> {
    files: Mutex<Files>,
    assets: &'a Mutex<AssetCache>,
    /// The last build's files: a file written again with the same bytes
    /// (the wasm modules, the theme's assets, most generated files) keeps
    /// the last build's buffer, so nothing is copied and the swap sees it
    /// unchanged at the pointer.
    previous: Option<&'a Files>,
}

impl Sink for ServeSink<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), BuildError> {
        let bytes = match self.previous.and_then(|files| files.get(path)) {
            Some(old) if old[..] == *bytes => old.clone(),
            _ => Bytes::copy_from_slice(bytes),
        };
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes);
        Ok(())
    }

    /// Reads an asset only when its size or modification time moved.
    fn copy(&self, path: &str, from: &Path) -> Result<(), BuildError> {
        let meta = std::fs::metadata(from).map_err(|e| BuildError::io(from, e))?;
        let stamp = (
            meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            meta.len(),
        );
        let cached = {
            let cache = self.assets.lock().unwrap_or_else(|e| e.into_inner());
            cache
                .get(path)
                .filter(|(modified, len, _)| (*modified, *len) == stamp)
                .map(|(_, _, bytes)| bytes.clone())
        };
        let bytes = match cached {
            Some(bytes) => bytes,
            None => {
                let bytes = Bytes::from(std::fs::read(from).map_err(|e| BuildError::io(from, e))?);
                let mut cache = self.assets.lock().unwrap_or_else(|e| e.into_inner());
                cache.insert(path.to_string(), (stamp.0, stamp.1, bytes.clone()));
                bytes
            }
        };
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_contains;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = tmp.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        tmp
    }

    /// What a clean build writes for the dev server: every file, search
    /// index included (packed as serve packs it), the navigation script
    /// under its fixed name.
    fn clean_build(content: &Path) -> Files {
        let site = pipeline::load(content, &[]).unwrap();
        let theme = pipeline::load_theme(&site).unwrap();
        let rendered = pipeline::render(site).unwrap();
        let memory = crate::output::MemorySink::default();
        let all = Selection {
            pages: &|_| true,
            search: true,
            nav: NavFile::Build(Naming::Fixed),
            print: true,
            offline: false,
            page_list: true,
        };
        pipeline::write_selected(&rendered, &theme, &memory, &all).unwrap();
        // The dev server packs the index in stored gzip blocks.
        pipeline::write_search(&rendered, &memory, gzip::STORED).unwrap();
        memory
            .into_files()
            .into_iter()
            .map(|(p, b)| (p, Bytes::from(b)))
            .collect()
    }

    fn with_search(built: &Built) -> Files {
        let mut files = (*built.files).clone();
        files.extend(background_files(&built.rendered, &built.theme).unwrap());
        files
    }

    /// What the watcher reports after `rels` changed below `root`.
    fn changed(root: &Path, rels: &[&str]) -> Batch {
        let canonical = root.canonicalize().unwrap();
        let mut batch = Batch::default();
        for rel in rels {
            let path = canonical.join(rel);
            if crate::source::is_markdown(&path) {
                batch.pages.insert(path);
            } else {
                batch.assets.insert(path);
            }
        }
        batch
    }

    /// The writer saves `text` to `rel` below `root`; the server rebuilds.
    fn save(
        builder: &mut Builder,
        root: &Path,
        rel: &str,
        text: &str,
    ) -> Result<Built, BuildError> {
        std::fs::write(root.join(rel), text).unwrap();
        builder.rebuild(&changed(root, &[rel]))
    }

    const INDEX: &str = "# Home\n\n- [A](a.md)\n- [B](b.md)\n";

    /// The index linking two one-line pages.
    const THREE_PAGES: &[(&str, &str)] =
        &[("README.md", INDEX), ("a.md", "# A\n"), ("b.md", "# B\n")];

    /// A site of `files` and its builder (`strict` or not), after the
    /// first full build.
    fn first_build(files: &[(&str, &str)], strict: bool) -> (tempfile::TempDir, Builder, Built) {
        let tmp = site(files);
        let mut builder = Builder::new(tmp.path(), strict);
        let first = builder.build_all().unwrap();
        (tmp, builder, first)
    }

    #[test]
    fn a_body_edit_renders_and_lays_out_one_page() {
        let (tmp, mut builder, _) = first_build(
            &[
                ("README.md", INDEX),
                ("a.md", "# A\n\ntext\n"),
                ("b.md", "# B\n\nsee [A](a.md#a)\n"),
            ],
            false,
        );
        let built = save(&mut builder, tmp.path(), "a.md", "# A\n\nnew text\n").unwrap();
        assert_eq!((built.stats.rendered, built.stats.laid_out), (1, 1));
        assert_eq!(with_search(&built), clean_build(tmp.path()));
    }

    /// The warnings of a clean build of `root`.
    fn clean_warnings(root: &Path) -> Vec<String> {
        let rendered = pipeline::render(pipeline::load(root, &[]).unwrap()).unwrap();
        rendered.warnings.iter().map(|w| w.to_string()).collect()
    }

    /// The dev server checks again only the links of the pages it rendered
    /// again, and everything when a heading id moved: the warnings equal a
    /// clean build's after each step.
    #[test]
    fn fragment_warnings_follow_edits_as_a_clean_build_sees_them() {
        let (tmp, mut builder, first) = first_build(
            &[
                ("README.md", INDEX),
                ("a.md", "# A\n\nsee [B](b.md#missing)\n"),
                ("b.md", "# B\n\n## Steps\n"),
                ("c.md", "# C\n\nsee [B](b.md#gone)\n"),
            ],
            false,
        );
        let root = tmp.path();
        let broken = |built: &Built| -> Vec<String> {
            let all: Vec<String> = built.warnings.iter().map(|w| w.to_string()).collect();
            assert_eq!(all, clean_warnings(root));
            all.into_iter()
                .filter(|w| w.contains("broken fragment"))
                .collect()
        };
        assert_eq!(broken(&first).len(), 2, "{:?}", first.warnings);
        // Mended on the edited page; the other page's warning stays.
        let mended = save(&mut builder, root, "a.md", "# A\n\nsee [B](b.md#steps)\n").unwrap();
        let left = broken(&mended);
        assert_eq!(left.len(), 1);
        assert_contains(&left[0], "c.md:3:");
        // An edit elsewhere keeps it.
        let other = save(&mut builder, root, "README.md", &format!("{INDEX}\nmore\n")).unwrap();
        assert_eq!(broken(&other), left);
        // The target's heading renamed: a's link breaks without a's edit.
        let renamed = save(&mut builder, root, "b.md", "# B\n\n## Recovery\n").unwrap();
        let now = broken(&renamed);
        assert_eq!(now.len(), 2, "{now:?}");
        assert!(now.iter().any(|w| w.contains("a.md:3:")), "{now:?}");
    }

    #[test]
    fn the_page_list_is_written_again_only_when_the_list_changes() {
        let (tmp, mut builder, first) = first_build(THREE_PAGES, false);
        let body_edit = save(&mut builder, tmp.path(), "a.md", "# A\n\nnew text\n").unwrap();
        // The same buffer: kept, not rendered again.
        assert_eq!(
            body_edit.files["pages.html"].as_ptr(),
            first.files["pages.html"].as_ptr()
        );
        let title_edit = save(&mut builder, tmp.path(), "a.md", "# A renamed\n").unwrap();
        let list = String::from_utf8_lossy(&title_edit.files["pages.html"]).to_string();
        assert_contains(&list, "A renamed");
        assert_eq!(with_search(&title_edit), clean_build(tmp.path()));
    }

    #[test]
    fn a_title_edit_lays_out_every_page_that_shows_it() {
        let (tmp, mut builder, _) = first_build(THREE_PAGES, false);
        let built = save(&mut builder, tmp.path(), "a.md", "# A renamed\n").unwrap();
        assert_eq!((built.stats.rendered, built.stats.laid_out), (1, 3));
        let b = String::from_utf8_lossy(&built.files["b.html"]).to_string();
        assert_contains(&b, "A renamed");
        assert_eq!(with_search(&built), clean_build(tmp.path()));
    }

    #[test]
    fn new_and_deleted_pages_match_a_clean_build() {
        let (tmp, mut builder, first) = first_build(
            &[
                ("README.md", INDEX),
                ("a.md", "# A\n"),
                ("b.md", "# B\n[C](c.md)\n"),
            ],
            false,
        );
        assert_eq!(first.warnings.len(), 1, "{:?}", first.warnings);
        let built = save(&mut builder, tmp.path(), "c.md", "# C\n").unwrap();
        assert!(built.warnings.is_empty(), "{:?}", built.warnings);
        assert_eq!(with_search(&built), clean_build(tmp.path()));
        std::fs::remove_file(tmp.path().join("a.md")).unwrap();
        let built = builder.rebuild(&changed(tmp.path(), &["a.md"])).unwrap();
        assert!(!built.files.contains_key("a.html"));
        assert_eq!(with_search(&built), clean_build(tmp.path()));
    }

    /// A new page in a 60-page folder: the shared navigation script is
    /// written again, and only the pages whose fallback window or
    /// neighbours it joins are laid out again, not the folder.
    #[test]
    fn a_new_page_in_a_large_folder_lays_out_its_neighbours_only() {
        let mut files = vec![
            (
                "README.md".to_string(),
                "# Home\n\n- [Big](big/README.md)\n".to_string(),
            ),
            ("big/README.md".to_string(), "# Big\n".to_string()),
        ];
        for n in 0..60 {
            files.push((
                format!("big/p{n:02}.md"),
                format!("# Page {n:02}\n\ntext\n"),
            ));
        }
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let (tmp, mut builder, first) = first_build(&files, false);
        let built = save(&mut builder, tmp.path(), "big/p60.md", "# Page 60\n").unwrap();
        // The new page, the window of pages at the end of the folder, and
        // its neighbours in the reading order.
        assert!(
            (2..=crate::sidebar::WINDOW + 2).contains(&built.stats.laid_out),
            "{:?}",
            built.stats
        );
        assert_ne!(first.files["assets/nav.js"], built.files["assets/nav.js"]);
        assert_eq!(first.files["big/p10.html"], built.files["big/p10.html"]);
        assert_eq!(with_search(&built), clean_build(tmp.path()));
    }

    #[test]
    fn a_failed_rebuild_keeps_the_last_good_values() {
        let (tmp, mut builder, good) = first_build(THREE_PAGES, true);
        assert!(matches!(
            save(&mut builder, tmp.path(), "a.md", "# A\n[x](missing.md)\n"),
            Err(BuildError::Strict { .. })
        ));
        let fixed = save(&mut builder, tmp.path(), "a.md", "# A\n").unwrap();
        assert_eq!(fixed.files, good.files);
        // Back to the text of the last good build: its render is reused.
        assert_eq!(fixed.stats.rendered, 0);
    }

    #[test]
    fn a_changed_asset_is_read_again() {
        let (tmp, mut builder, _) = first_build(
            &[("README.md", "# Home\n![x](x.svg)\n"), ("x.svg", "<svg/>")],
            false,
        );
        let built = save(&mut builder, tmp.path(), "x.svg", "<svg>2</svg>").unwrap();
        assert_eq!(built.files["x.svg"], Bytes::from("<svg>2</svg>"));
    }
}
