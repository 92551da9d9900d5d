//! Assemble: sources with front matter parsed and output paths fixed.
//!
//! This is where two sources claiming one output path are caught, before
//! anything is rendered.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::error::{BuildError, Warning};
use crate::front_matter::{self, FrontMatter};
use crate::paths;
use crate::source::{Asset, SourcePage, Sources};

/// One page, shared: a copy of a `Site` shares every page with the
/// original. The dev server patches the last site on every edit (only the
/// changed files are read again), so a thousand-page site costs a thousand
/// reference counts per edit, not a copy of every page's text.
#[derive(Debug, Clone)]
pub struct Page(Arc<PageData>);

#[derive(Debug)]
pub struct PageData {
    /// Source path below the content root (`db/README.md`).
    pub rel: String,
    pub display: PathBuf,
    /// Output path below the site root (`db/index.html`).
    pub output: String,
    pub front: FrontMatter,
    pub text: Text,
    /// Byte where the Markdown body starts, after the front matter.
    pub body_start: usize,
    /// Lines before the body, for positions in messages.
    pub line_offset: usize,
}

impl Page {
    pub fn new(data: PageData) -> Page {
        Page(Arc::new(data))
    }

    /// The same loaded page (a page the dev server did not read again),
    /// told without comparing its text.
    pub fn same(&self, other: &Page) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Deref for Page {
    type Target = PageData;

    fn deref(&self) -> &PageData {
        &self.0
    }
}

impl PageData {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The page a folder opens with (`README.md`, `index.md`).
    pub fn is_index(&self) -> bool {
        self.output == "index.html" || self.output.ends_with("/index.html")
    }
}

/// A page's whole source text. Equal texts are usually the same buffer (a
/// page the dev server did not read again), so equality looks at the
/// buffer first: comparing every page's text byte by byte on each edit
/// would read the whole site.
#[derive(Debug, Clone, Default, Eq)]
pub struct Text(String);

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        (self.0.as_ptr() == other.0.as_ptr() && self.0.len() == other.0.len()) || self.0 == other.0
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text(text)
    }
}

#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    pub warnings: Vec<Warning>,
}

pub fn assemble(sources: Sources) -> Result<Site, BuildError> {
    let parsed: Vec<(Page, Vec<Warning>)> = sources
        .pages
        .into_par_iter()
        .map(assemble_page)
        .collect::<Result<_, BuildError>>()?;

    let mut pages = Vec::with_capacity(parsed.len());
    let mut warnings = Vec::new();
    for (page, page_warnings) in parsed {
        warnings.extend(page_warnings);
        if page.front.draft {
            warnings.push(draft_warning(&page));
            continue;
        }
        pages.push(page);
    }
    check_collisions(&pages, &sources.assets)?;
    Ok(Site {
        root: sources.root,
        config: sources.config,
        pages,
        assets: sources.assets,
        warnings,
    })
}

/// One source page with its front matter parsed, and that front matter's
/// warnings. The dev server re-assembles only the pages that changed.
pub fn assemble_page(source: SourcePage) -> Result<(Page, Vec<Warning>), BuildError> {
    let parsed = front_matter::parse(&source.display, &source.text)?;
    let body_start = source.text.len() - parsed.body.len();
    let (front, line_offset, mut warnings) =
        (parsed.front, parsed.body_line_offset, parsed.warnings);
    warnings.extend(source.warnings);
    let page = Page::new(PageData {
        output: paths::output_path(&source.rel),
        front,
        body_start,
        line_offset,
        rel: source.rel,
        display: source.display,
        text: source.text.into(),
    });
    Ok((page, warnings))
}

/// Drafts (`draft: true`) are left out of the site: no page, no link
/// target, no search entry. `check` lists them, so a draft is not
/// forgotten on the way to publishing.
pub fn draft_warning(page: &Page) -> Warning {
    Warning {
        at: crate::error::Location::new(&page.display, page.front.lines.draft, 1),
        message: "draft: this page is not published".into(),
        hint: "remove `draft: true` to publish it".into(),
    }
}

/// Output paths compared without case: `Foo.md` and `foo.md` would
/// overwrite each other on macOS, Windows and in many zip tools.
pub fn check_collisions(pages: &[Page], assets: &[Asset]) -> Result<(), BuildError> {
    let mut seen: HashMap<String, (&str, &str)> = HashMap::new();
    let outputs = pages
        .iter()
        .map(|p| (p.output.as_str(), p.rel.as_str()))
        .chain(assets.iter().map(|a| (a.rel.as_str(), a.rel.as_str())));
    for (output, source) in outputs {
        if let Some((first, first_output)) = seen.insert(output.to_lowercase(), (source, output)) {
            return Err(BuildError::OutputCollision {
                first: PathBuf::from(first),
                second: PathBuf::from(source),
                output: first_output.to_string(),
            });
        }
    }
    Ok(())
}
