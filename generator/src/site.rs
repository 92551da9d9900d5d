//! Assemble: sources with front matter parsed and output paths fixed.
//!
//! This is where two sources claiming one output path are caught, before
//! anything is rendered.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::error::{BuildError, Warning};
use crate::front_matter::{self, FrontMatter};
use crate::paths;
use crate::source::{Asset, SourcePage, Sources};

#[derive(Debug, Clone)]
pub struct Page {
    /// Source path below the content root (`db/README.md`).
    pub rel: String,
    pub display: PathBuf,
    /// Output path below the site root (`db/index.html`).
    pub output: String,
    pub front: FrontMatter,
    pub text: String,
    /// Byte where the Markdown body starts, after the front matter.
    pub body_start: usize,
    /// Lines before the body, for positions in messages.
    pub line_offset: usize,
}

impl Page {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The page a folder opens with (`README.md`, `index.md`).
    pub fn is_index(&self) -> bool {
        self.output == "index.html" || self.output.ends_with("/index.html")
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
        pages.push(page);
        warnings.extend(page_warnings);
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
    let (front, line_offset, warnings) = (parsed.front, parsed.body_line_offset, parsed.warnings);
    let page = Page {
        output: paths::output_path(&source.rel),
        front,
        body_start,
        line_offset,
        rel: source.rel,
        display: source.display,
        text: source.text,
    };
    Ok((page, warnings))
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
