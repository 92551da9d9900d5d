//! The theme: tera templates and static assets, embedded in the binary and
//! overridable file by file from a folder named in `runbook.yaml`.
//!
//! `templates/X` and `static/X` in the override folder replace the embedded
//! file with the same path; files that exist only there are added.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use tera::Tera;

use crate::error::BuildError;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../themes/default");

pub struct Theme {
    pub tera: Tera,
    /// Static files by path below `static/`, written to `assets/`.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// Cache-busting suffix (`?v=…`) of everything under `assets/`: the
    /// static files, the highlighting stylesheet, the wasm bundle and the
    /// scripts' words.
    /// Computed once per theme load, not once per page write.
    pub asset_version: String,
    /// Where each template came from, for messages.
    origins: BTreeMap<String, PathBuf>,
}

impl Theme {
    /// The embedded theme with `override_dir`'s files on top.
    pub fn load(override_dir: Option<&Path>) -> Result<Theme, BuildError> {
        let mut templates: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
        let mut assets = BTreeMap::new();
        for file in all_files(&DEFAULT_THEME) {
            let path = file.path().to_string_lossy().replace('\\', "/");
            let origin = PathBuf::from("themes/default").join(&path);
            if let Some(name) = path.strip_prefix("templates/") {
                let text = file.contents_utf8().unwrap_or_default().to_string();
                templates.insert(name.to_string(), (origin, text));
            } else if let Some(name) = path.strip_prefix("static/") {
                assets.insert(name.to_string(), file.contents().to_vec());
            }
        }
        if let Some(dir) = override_dir {
            if !dir.is_dir() {
                return Err(BuildError::Template {
                    path: dir.to_path_buf(),
                    message: "theme_dir does not exist".into(),
                    hint: "create the folder or remove `theme_dir` from runbook.yaml".into(),
                });
            }
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.map_err(|e| BuildError::io(dir, e.into()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let rel = rel.to_string_lossy().replace('\\', "/");
                let bytes =
                    std::fs::read(entry.path()).map_err(|e| BuildError::io(entry.path(), e))?;
                if let Some(name) = rel.strip_prefix("templates/") {
                    let text = String::from_utf8(bytes).map_err(|_| BuildError::Template {
                        path: entry.path().to_path_buf(),
                        message: "template is not valid UTF-8".into(),
                        hint: "save the template as UTF-8".into(),
                    })?;
                    templates.insert(name.to_string(), (entry.path().to_path_buf(), text));
                } else if let Some(name) = rel.strip_prefix("static/") {
                    assets.insert(name.to_string(), bytes);
                }
            }
        }

        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default escaper also escapes `/`, which turns every URL
        // into `..&#x2F;assets`; ours escapes only what HTML needs.
        tera.set_escape_fn(crate::render::escape);
        let origins: BTreeMap<String, PathBuf> = templates
            .iter()
            .map(|(name, (origin, _))| (name.clone(), origin.clone()))
            .collect();
        if let Err(e) =
            tera.add_raw_templates(templates.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())))
        {
            // Tera names the failing template in quotes: point at its file.
            let text = error_text(&e);
            let origin = origins
                .iter()
                .find(|(name, _)| text.contains(&format!("'{name}'")))
                .map(|(_, origin)| origin.clone())
                .unwrap_or_else(|| PathBuf::from("themes"));
            return Err(template_error(&origin, &e));
        }
        let asset_version = asset_version(&assets);
        Ok(Theme {
            tera,
            assets,
            asset_version,
            origins,
        })
    }

    /// Renders one template; a failure names the template's file.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, BuildError> {
        self.tera
            .render(name, context)
            .map_err(|e| self.error(name, &e))
    }

    /// Renders one template as the bytes to write, into a buffer of
    /// `capacity`: what every page goes through. It skips `render`'s
    /// check that the output is UTF-8 (it is: templates and values are
    /// strings) and the buffer's regrowth from tera's 2 KB start, 3% and
    /// more of a build's time.
    pub fn render_bytes(
        &self,
        name: &str,
        context: &tera::Context,
        capacity: usize,
    ) -> Result<Vec<u8>, BuildError> {
        let mut bytes = Vec::with_capacity(capacity);
        self.tera
            .render_to(name, context, &mut bytes)
            .map_err(|e| self.error(name, &e))?;
        Ok(bytes)
    }

    fn error(&self, name: &str, e: &tera::Error) -> BuildError {
        let origin = self
            .origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name));
        template_error(&origin, e)
    }
}

/// A short content hash of what the site serves under `assets/`. FNV-1a
/// over the bytes, so the same assets give the same version with every
/// Rust release (`DefaultHasher` promises no such thing).
fn asset_version(assets: &BTreeMap<String, Vec<u8>>) -> String {
    use runbook_widgets::search::format::Fnv;
    let mut hash = Fnv::default();
    let highlight_css = crate::highlight::stylesheet();
    let files = assets
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .chain(std::iter::once(("highlight.css", highlight_css.as_bytes())))
        .chain(crate::widgets_bundle::files());
    for (name, bytes) in files {
        hash.write(name.as_bytes());
        hash.write(bytes);
    }
    // The scripts' words are served under assets/ too, one file a language.
    for language in runbook_widgets::language::ALL {
        hash.write(&crate::words_script::bytes(language));
    }
    format!("{:08x}", hash.0 as u32)
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut files: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(all_files(sub));
    }
    files
}

fn error_text(error: &tera::Error) -> String {
    let mut messages = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        messages.push(cause.to_string());
        source = cause.source();
    }
    messages.join("\n")
}

/// Tera's message and its causes on one line each; parse errors carry
/// ` --> line:column`, which we lift into the `file:line:column` form.
fn template_error(origin: &Path, error: &tera::Error) -> BuildError {
    let text = error_text(error);
    let position = text
        .find(" --> ")
        .and_then(|i| text[i + 5..].split_whitespace().next())
        .and_then(|p| p.split_once(':'))
        .map(|(l, c)| format!(":{l}:{c}"))
        .unwrap_or_default();
    BuildError::Template {
        path: PathBuf::from(format!("{}{position}", origin.display())),
        message: text
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n  "),
        hint:
            "correct the template; `runbook build` leaves the previous site in place until it does"
                .into(),
    }
}
