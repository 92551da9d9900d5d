//! `runbook.yaml`: the site's configuration, read once and validated.
//!
//! User config denies unknown fields, so a typo is an error with its line
//! rather than a setting silently ignored.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use crate::error::{BuildError, Location};

/// The `live:` section is the API's configuration as much as the site's:
/// its types live with the API.
pub use runbook_api::live::{
    IndicatorConfig, LatencyConfig, LiveConfig, SloConfig, WorkloadConfig,
};

/// The file name looked up at the root of a content folder.
pub const CONFIG_FILE: &str = "runbook.yaml";

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Shown in the header and in every `<title>`.
    #[serde(default = "default_title")]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// BCP 47 tag for `<html lang>`; also picks the theme's UI strings.
    #[serde(default = "default_language")]
    pub language: String,
    /// Absolute URL of the published site. Only `sitemap.xml`, canonical
    /// links and the serve preview's path prefix use it: every link in the
    /// pages stays relative so the same output works under any base path.
    #[serde(default)]
    pub base_url: Option<String>,
    /// A folder whose files override the embedded theme by the same path,
    /// relative to the content folder.
    #[serde(default)]
    pub theme_dir: Option<PathBuf>,
    /// Where the source lives, for "edit this page" links.
    #[serde(default)]
    pub repository: Option<RepositoryConfig>,
    /// Names readers fill once per page (`PROJECT_ID`, `POD_NAME`), each with
    /// a description shown beside its input, and optionally the alert label
    /// that fills it from a link (`alerts/<Name>.html?pod=…`).
    #[serde(default)]
    pub placeholders: IndexMap<String, PlaceholderConfig>,
    /// Live panels: which SLOs and workloads exist and where the API is.
    #[serde(default)]
    pub live: LiveConfig,
    /// Build the search index and show the search box (`search: false`:
    /// off, for a site searched some other way; pages.html, the no-JS list
    /// of every page, is written either way), with the site's own synonym
    /// sets: `search: {synonyms: [[テクトコ, TekuToko], …]}`.
    #[serde(default)]
    pub search: SearchConfig,
    /// Keep the whole site in a reader's browser after one visit (a
    /// service worker, `sw.js`), so it reads when the network is gone.
    #[serde(default = "default_true")]
    pub offline: bool,
    /// Write print.html for the site and each folder (every page of it on
    /// one page). Off for a site that is never printed: on a 10,000-page
    /// site they hold every page twice or more.
    #[serde(default = "default_true")]
    pub print: bool,
    /// Days after a page's `last_reviewed` date at which `check` warns and
    /// the page says its review is overdue. Unset: no limit.
    #[serde(default)]
    pub review_after_days: Option<u32>,
    /// Alert rule files or folders (relative to the content folder) that
    /// `runbook check` and `runbook build` read besides any `--rules`.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
}

/// `search:` in runbook.yaml: a switch, or the search's options.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchConfig {
    pub enabled: bool,
    /// Sets of words that mean the same on this site, added to the
    /// built-in operations vocabulary at query time (shipped in the
    /// index manifest; the index does not grow).
    pub synonyms: Vec<Vec<String>>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            synonyms: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchOptions {
    #[serde(default = "default_true")]
    enabled: bool,
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
}

impl<'de> Deserialize<'de> for SearchConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(
            untagged,
            expecting = "true, false or a map with `enabled` and `synonyms`"
        )]
        enum Written {
            Switch(bool),
            Options(SearchOptions),
        }
        Ok(match Written::deserialize(deserializer)? {
            Written::Switch(enabled) => SearchConfig {
                enabled,
                synonyms: Vec::new(),
            },
            Written::Options(o) => SearchConfig {
                enabled: o.enabled,
                synonyms: o.synonyms,
            },
        })
    }
}

/// A placeholder: its description alone (`POD_NAME: "The pod"`), or with
/// the alert label whose value fills it when a link from an alert carries
/// it (`POD_NAME: {description: "The pod", label: pod}`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum PlaceholderConfig {
    Description(String),
    Labelled(LabelledPlaceholder),
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LabelledPlaceholder {
    pub description: String,
    /// An alert label (`pod`, `namespace`): a link's `?pod=…` fills it.
    #[serde(default)]
    pub label: Option<String>,
}

impl PlaceholderConfig {
    pub fn description(&self) -> &str {
        match self {
            PlaceholderConfig::Description(text) => text,
            PlaceholderConfig::Labelled(p) => &p.description,
        }
    }

    pub fn label(&self) -> Option<&str> {
        match self {
            PlaceholderConfig::Description(_) => None,
            PlaceholderConfig::Labelled(p) => p.label.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RepositoryConfig {
    /// e.g. `https://github.com/org/repo`
    pub url: String,
    /// Branch the content is edited on.
    #[serde(default = "default_branch")]
    pub branch: String,
    /// Path of the content folder inside the repository.
    #[serde(default)]
    pub path: String,
}

fn default_true() -> bool {
    true
}
fn default_title() -> String {
    "Runbook".to_string()
}
fn default_language() -> String {
    "en".to_string()
}
fn default_branch() -> String {
    "main".to_string()
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: default_title(),
            description: None,
            language: default_language(),
            base_url: None,
            theme_dir: None,
            repository: None,
            placeholders: IndexMap::new(),
            live: LiveConfig::default(),
            search: SearchConfig::default(),
            offline: true,
            print: true,
            review_after_days: None,
            rules: Vec::new(),
        }
    }
}

impl SiteConfig {
    /// Reads `runbook.yaml` from `content_dir`; a missing file means defaults.
    pub fn load(content_dir: &Path) -> Result<SiteConfig, BuildError> {
        let path = content_dir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SiteConfig::default()),
            Err(e) => return Err(BuildError::io(&path, e)),
        };
        SiteConfig::parse(&text, &path)
    }

    /// Where `key` is written in `content_dir`'s runbook.yaml, for errors
    /// found after parsing (the file is read again only then).
    pub fn location_of(&self, content_dir: &Path, key: &str) -> Location {
        let path = content_dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        Location::new(path, crate::yaml_lines::line_of(&text, key), 1)
    }

    /// Parses and validates config text; `path` is only used in errors.
    pub fn parse(text: &str, path: &Path) -> Result<SiteConfig, BuildError> {
        if text.trim().is_empty() {
            return Ok(SiteConfig::default());
        }
        let config: SiteConfig = serde_yaml::from_str(text).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((1, 1));
            BuildError::Config {
                at: Location::new(path, line, column),
                message: e.to_string(),
                hint: "fix the YAML in runbook.yaml; see README.md, section runbook.yaml"
                    .to_string(),
            }
        })?;
        config.validate(text, path)?;
        Ok(config)
    }

    fn validate(&self, text: &str, path: &Path) -> Result<(), BuildError> {
        for (name, placeholder) in &self.placeholders {
            if !is_placeholder_name(name) {
                return Err(BuildError::Config {
                    at: Location::new(path, crate::yaml_lines::line_of(text, name), 1),
                    message: format!("placeholder name `{name}` is not an identifier"),
                    hint: "use letters, digits and `_`, starting with a letter, e.g. PROJECT_ID"
                        .to_string(),
                });
            }
            if let Some(label) = placeholder.label() {
                if !is_placeholder_name(label) && !label.starts_with('_') {
                    return Err(BuildError::Config {
                        at: Location::new(path, crate::yaml_lines::line_of(text, name), 1),
                        message: format!(
                            "placeholder `{name}` names `{label}`, which is not an alert label"
                        ),
                        hint: "name the label as Prometheus writes it, e.g. `label: pod`"
                            .to_string(),
                    });
                }
            }
        }
        for set in &self.search.synonyms {
            let searchable = |form: &String| !runbook_widgets::search::tokenize(form).is_empty();
            let bad = set.iter().find(|form| !searchable(form));
            if set.len() < 2 || bad.is_some() {
                let shown = bad.cloned().unwrap_or_else(|| set.join(", "));
                let line = text
                    .lines()
                    .enumerate()
                    .skip(crate::yaml_lines::line_of(text, "synonyms"))
                    .find(|(_, l)| !shown.is_empty() && l.contains(shown.as_str()))
                    .map_or_else(
                        || crate::yaml_lines::line_of(text, "synonyms"),
                        |(i, _)| i + 1,
                    );
                return Err(BuildError::Config {
                    at: Location::new(path, line, 1),
                    message: match bad {
                        Some(form) => format!("synonym {form:?} has no word search could match"),
                        None => format!("a synonym set needs two forms or more, not [{shown}]"),
                    },
                    hint: "write each set as a list of two or more words that mean the same, e.g. [証明書切れ, cert expired]".to_string(),
                });
            }
        }
        if let Err(invalid) = self.live.validate() {
            return Err(BuildError::Config {
                at: Location::new(path, crate::yaml_lines::line_of(text, &invalid.key), 1),
                message: invalid.message,
                hint: invalid.hint,
            });
        }
        Ok(())
    }
}

/// Placeholder names are identifiers, so they can be found in commands by
/// word boundaries.
pub fn is_placeholder_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_contains;

    fn parse(text: &str) -> Result<SiteConfig, BuildError> {
        SiteConfig::parse(text, Path::new("runbook.yaml"))
    }

    fn refusal(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    /// `text` must be refused at `line` of runbook.yaml with an error that
    /// names each of `words`.
    fn assert_refused(text: &str, line: usize, words: &[&str]) {
        let err = refusal(text);
        assert_contains(&err, &format!("runbook.yaml:{line}:"));
        for word in words {
            assert!(err.contains(word), "no {word} in {err}");
        }
    }

    #[test]
    fn search_is_a_switch_or_options_with_synonyms() {
        assert!(!parse("search: false\n").unwrap().search.enabled);
        let c = parse("search:\n  synonyms:\n    - [テクトコ, TekuToko]\n").unwrap();
        assert!(c.search.enabled);
        assert_eq!(
            c.search.synonyms,
            [vec!["テクトコ".to_string(), "TekuToko".into()]]
        );
        assert_refused(
            "title: x\nsearch:\n  synonyms:\n    - [a, b]\n    - [ok, \"!!\"]\n",
            5,
            &["\"!!\""],
        );
        let err = refusal("search:\n  synonyms:\n    - [alone]\n");
        assert_contains(&err, "two forms");
    }

    #[test]
    fn empty_config_is_defaults() {
        assert_eq!(parse("").unwrap(), SiteConfig::default());
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        assert_refused("title: x\ntitel: y\n", 2, &["titel"]);
    }

    #[test]
    fn slo_objective_must_be_a_ratio() {
        let text = "live:\n  slos:\n    availability:\n      title: A\n      objective: 99.9\n      indicator: {bad: x, total: y}\n";
        assert_refused(text, 3, &["0.999"]);
    }

    #[test]
    fn placeholders_are_a_description_or_a_description_and_a_label() {
        let c = parse("placeholders:\n  A: a\n  POD_NAME: {description: The pod, label: pod}\n")
            .unwrap();
        assert_eq!(c.placeholders["A"].description(), "a");
        assert_eq!(c.placeholders["A"].label(), None);
        assert_eq!(c.placeholders["POD_NAME"].description(), "The pod");
        assert_eq!(c.placeholders["POD_NAME"].label(), Some("pod"));
        assert_refused(
            "placeholders:\n  POD_NAME: {description: x, label: pod name}\n",
            2,
            &["not an alert label"],
        );
    }

    #[test]
    fn placeholders_keep_their_order() {
        let c = parse("placeholders:\n  B: b\n  A: a\n").unwrap();
        assert_eq!(c.placeholders.keys().collect::<Vec<_>>(), ["B", "A"]);
    }
}
