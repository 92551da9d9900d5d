//! `runbook.yaml`: the site's configuration, read once and validated.
//!
//! User config denies unknown fields, so a typo is an error with its line
//! rather than a setting silently ignored.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use crate::error::{BuildError, Location};

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
    /// a description shown beside its input.
    #[serde(default)]
    pub placeholders: IndexMap<String, String>,
    /// Live panels: which SLOs and workloads exist and where the API is.
    #[serde(default)]
    pub live: LiveConfig,
    /// Build the search index and show the search box. Off for a site
    /// searched some other way; pages.html, the no-JS list of every page,
    /// is written either way.
    #[serde(default = "default_true")]
    pub search: bool,
    /// Days after a page's `last_reviewed` date at which `check` warns and
    /// the page says its review is overdue. Unset: no limit.
    #[serde(default)]
    pub review_after_days: Option<u32>,
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

/// The ids panels may name, and how the API computes them. Panels only ever
/// send an id: no query, namespace or selector leaves the server.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LiveConfig {
    /// Base URL of the read-only API as seen from the browser. Unset, panels
    /// call `api/` next to the site root (what `runbook serve` provides).
    #[serde(default)]
    pub api_url: Option<String>,
    /// How often a visible panel refreshes.
    #[serde(default = "default_refresh_seconds")]
    pub refresh_seconds: u32,
    #[serde(default)]
    pub slos: IndexMap<String, SloConfig>,
    #[serde(default)]
    pub workloads: IndexMap<String, WorkloadConfig>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SloConfig {
    /// Human name, e.g. `可用性`.
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Target ratio of good events, e.g. `0.999`.
    pub objective: f64,
    /// Rolling window in days.
    #[serde(default = "default_window_days")]
    pub window_days: u32,
    /// How good and total events are counted.
    pub indicator: IndicatorConfig,
    /// For latency SLOs: a histogram the API reads a quantile from, shown
    /// beside the threshold (`p95 0.74 s / 0.5 s`). Display only; the SLI
    /// still comes from `indicator`.
    #[serde(default)]
    pub latency: Option<LatencyConfig>,
}

/// A latency quantile read from a Prometheus histogram.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LatencyConfig {
    /// The `_bucket` series selector, without `le`, e.g.
    /// `http_request_duration_seconds_bucket{job="tekutoko-api"}`.
    pub histogram: String,
    /// e.g. 0.95 for p95.
    #[serde(default = "default_quantile")]
    pub quantile: f64,
    /// The latency the SLO promises, in seconds.
    pub threshold_seconds: f64,
}

/// A ratio SLI over Prometheus counters: `good / total`, or
/// `1 - bad / total`. Each is a series selector (or expression) the API
/// wraps in `sum(increase(...[window]))`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndicatorConfig {
    #[serde(default)]
    pub good: Option<String>,
    #[serde(default)]
    pub bad: Option<String>,
    pub total: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WorkloadConfig {
    #[serde(default)]
    pub title: Option<String>,
    pub namespace: String,
    pub deployment: String,
    /// Label selector of the workload's pods, e.g. `app=tekutoko-api`.
    pub selector: String,
    /// Name of its HorizontalPodAutoscaler, if it has one.
    #[serde(default)]
    pub hpa: Option<String>,
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
fn default_refresh_seconds() -> u32 {
    15
}
fn default_window_days() -> u32 {
    30
}
fn default_quantile() -> f64 {
    0.95
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
            search: true,
            review_after_days: None,
        }
    }
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            api_url: None,
            refresh_seconds: default_refresh_seconds(),
            slos: IndexMap::new(),
            workloads: IndexMap::new(),
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
        Location::new(path, line_of(&text, key), 1)
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
        for name in self.placeholders.keys() {
            if !is_placeholder_name(name) {
                return Err(BuildError::Config {
                    at: Location::new(path, line_of(text, name), 1),
                    message: format!("placeholder name `{name}` is not an identifier"),
                    hint: "use letters, digits and `_`, starting with a letter, e.g. PROJECT_ID"
                        .to_string(),
                });
            }
        }
        for (id, slo) in &self.live.slos {
            let at = || Location::new(path, line_of(text, id), 1);
            if !(slo.objective > 0.0 && slo.objective < 1.0) {
                return Err(BuildError::Config {
                    at: at(),
                    message: format!("SLO `{id}` has objective {}", slo.objective),
                    hint: "write the objective as a ratio between 0 and 1, e.g. 0.999 for 99.9%"
                        .to_string(),
                });
            }
            if slo.indicator.good.is_some() == slo.indicator.bad.is_some() {
                return Err(BuildError::Config {
                    at: at(),
                    message: format!("SLO `{id}` needs exactly one of `good` and `bad`"),
                    hint: "count good events (`good:`) or bad ones (`bad:`), next to `total:`"
                        .to_string(),
                });
            }
            if slo.window_days == 0 {
                return Err(BuildError::Config {
                    at: at(),
                    message: format!("SLO `{id}` has a window of 0 days"),
                    hint: "set window_days to the SLO period, e.g. 30".to_string(),
                });
            }
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

/// 1-based line of the first line that mentions `needle` as a key; used to
/// point validation errors (which serde cannot place) at a useful line.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| {
            let t = line.trim_start();
            t.starts_with(needle) && t[needle.len()..].trim_start().starts_with(':')
        })
        .map(|i| i + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SiteConfig, BuildError> {
        SiteConfig::parse(text, Path::new("runbook.yaml"))
    }

    #[test]
    fn empty_config_is_defaults() {
        assert_eq!(parse("").unwrap(), SiteConfig::default());
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let err = parse("title: x\ntitel: y\n").unwrap_err().to_string();
        assert!(err.contains("runbook.yaml:2:"), "{err}");
        assert!(err.contains("titel"), "{err}");
    }

    #[test]
    fn slo_objective_must_be_a_ratio() {
        let text = "live:\n  slos:\n    availability:\n      title: A\n      objective: 99.9\n      indicator: {bad: x, total: y}\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("runbook.yaml:3:"), "{err}");
        assert!(err.contains("0.999"), "{err}");
    }

    #[test]
    fn placeholders_keep_their_order() {
        let c = parse("placeholders:\n  B: b\n  A: a\n").unwrap();
        assert_eq!(c.placeholders.keys().collect::<Vec<_>>(), ["B", "A"]);
    }
}
