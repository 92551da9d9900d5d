//! The API's configuration file (`runbook api --config FILE`): which
//! backend, where Prometheus and Kubernetes are, how long answers are
//! cached, which browser origins may call, and the SLOs and workloads by id
//! (inline, or from the `live:` section of a `runbook.yaml` it names).
//!
//! Unknown keys are errors, and every error names the file and line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::live::{LiveConfig, SloConfig, WorkloadConfig};

use super::cache::CacheSettings;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// `demo` (simulated data) or `live` (Prometheus and Kubernetes).
    pub backend: BackendKind,
    /// Address to listen on; `--bind` overrides it.
    #[serde(default)]
    pub bind: Option<SocketAddr>,
    /// A `runbook.yaml` whose `live:` section declares the SLOs and
    /// workloads, relative to this file. The site and the API then read
    /// one list of ids.
    #[serde(default)]
    pub site: Option<PathBuf>,
    #[serde(default)]
    pub slos: IndexMap<String, SloConfig>,
    #[serde(default)]
    pub workloads: IndexMap<String, WorkloadConfig>,
    #[serde(default)]
    pub prometheus: Option<PrometheusConfig>,
    #[serde(default)]
    pub kubernetes: Option<KubernetesConfig>,
    /// Where firing alerts come from (`/api/v1/alerts`); unset with the
    /// live backend, that endpoint answers 404.
    #[serde(default)]
    pub alertmanager: Option<AlertmanagerConfig>,
    /// A built site's `alerts.json`, relative to this file: which runbook
    /// page each alert leads to. Unset, alerts carry no page.
    #[serde(default)]
    pub alert_pages: Option<PathBuf>,
    #[serde(default)]
    pub cache: CacheConfig,
    #[serde(default)]
    pub cors: CorsConfig,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BackendKind {
    Demo,
    Live,
}

/// Any server speaking the Prometheus HTTP API: Prometheus, Google Managed
/// Prometheus (through its frontend or directly), Thanos, Mimir,
/// VictoriaMetrics.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PrometheusConfig {
    /// Base URL; `/api/v1/query` is appended.
    pub url: String,
    /// A file holding a bearer token, read at every refresh (tokens rotate).
    #[serde(default)]
    pub bearer_token_file: Option<PathBuf>,
    /// Extra request headers, e.g. `X-Scope-OrgID` for Mimir.
    #[serde(default)]
    pub headers: IndexMap<String, String>,
}

/// Alertmanager's v2 API (`GET /api/v2/alerts`), read-only.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlertmanagerConfig {
    /// Base URL; `/api/v2/alerts` is appended.
    pub url: String,
    /// A file holding a bearer token, read at every refresh (tokens rotate).
    #[serde(default)]
    pub bearer_token_file: Option<PathBuf>,
    /// Extra request headers, e.g. `X-Scope-OrgID` for Mimir's Alertmanager.
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// Matchers Alertmanager applies, as amtool writes them:
    /// `namespace="default"`, `severity=~"critical|warning"`.
    #[serde(default)]
    pub filter: Vec<String>,
    /// Which alerts to list, as Alertmanager's own query flags.
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default = "yes")]
    pub silenced: bool,
    #[serde(default = "yes")]
    pub inhibited: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct KubernetesConfig {
    /// Unset: in-cluster service account, else `$KUBECONFIG` / `~/.kube/config`.
    #[serde(default)]
    pub kubeconfig: Option<PathBuf>,
    #[serde(default)]
    pub context: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CacheConfig {
    /// How long an answer is served before the upstream is read again;
    /// also the least time between two reads of one id.
    #[serde(default = "default_ttl")]
    pub ttl_seconds: u64,
    /// Bound on one upstream read.
    #[serde(default = "default_timeout")]
    pub upstream_timeout_seconds: f64,
    /// While the upstream fails, how long the last good answer is still
    /// served (marked stale); unset: as long as the outage lasts.
    #[serde(default)]
    pub max_stale_seconds: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct CorsConfig {
    /// Origins allowed to call from a browser, e.g.
    /// `https://example.github.io`. Empty: same-origin only.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

fn default_ttl() -> u64 {
    15
}
fn default_timeout() -> f64 {
    5.0
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            ttl_seconds: default_ttl(),
            upstream_timeout_seconds: default_timeout(),
            max_stale_seconds: None,
        }
    }
}

impl CacheConfig {
    pub fn settings(&self) -> CacheSettings {
        CacheSettings {
            ttl: Duration::from_secs(self.ttl_seconds),
            upstream_timeout: Duration::from_secs_f64(self.upstream_timeout_seconds),
            first_wait: super::cache::FIRST_WAIT,
            max_stale: self.max_stale_seconds.map(Duration::from_secs),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiConfigError {
    #[error("{}: {source}\n  fix: pass the API configuration file, e.g. `runbook api --config deploy/api.example.yaml`", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}\n  fix: {hint}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        hint: String,
    },
}

/// What the API reads of a runbook.yaml named by `site:`: its `live:`
/// ids. The rest of the file is the site's, checked by `runbook build`.
#[derive(Deserialize)]
struct SiteFile {
    #[serde(default)]
    live: LiveConfig,
}

/// A YAML error at its place in `path`.
fn yaml_error(path: &Path, error: serde_yaml::Error, hint: &str) -> ApiConfigError {
    let (line, column) = error
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    ApiConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        message: error.to_string(),
        hint: hint.to_string(),
    }
}

impl ApiConfig {
    pub fn load(path: &Path) -> Result<ApiConfig, ApiConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ApiConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        ApiConfig::parse(&text, path)
    }

    /// Parses, reads the named site file if any, and validates. `path`
    /// places errors and anchors the relative `site:` path.
    pub fn parse(text: &str, path: &Path) -> Result<ApiConfig, ApiConfigError> {
        let mut config: ApiConfig = serde_yaml::from_str(text).map_err(|e| {
            yaml_error(
                path,
                e,
                "fix the YAML; the keys are listed in deploy/api.example.yaml",
            )
        })?;
        let check = Checker { text, path };
        if let Some(site) = &config.site {
            if !config.slos.is_empty() || !config.workloads.is_empty() {
                return Err(check.fail(
                    "site",
                    "`site:` and inline `slos:`/`workloads:` are both set",
                    "declare the ids in one place: either name the runbook.yaml or list them here",
                ));
            }
            let site_path = path.parent().unwrap_or(Path::new(".")).join(site);
            let site_text =
                std::fs::read_to_string(&site_path).map_err(|source| ApiConfigError::Io {
                    path: site_path.clone(),
                    source,
                })?;
            let live = serde_yaml::from_str::<SiteFile>(&site_text)
                .map_err(|e| yaml_error(&site_path, e, "fix the `live:` section of runbook.yaml"))?
                .live;
            let site_check = Checker {
                text: &site_text,
                path: &site_path,
            };
            live.validate()
                .map_err(|invalid| site_check.fail(&invalid.key, invalid.message, &invalid.hint))?;
            config.slos = live.slos;
            config.workloads = live.workloads;
        } else {
            check.definitions(&config)?;
        }
        check.settings(&config)?;
        if let Some(pages) = &config.alert_pages {
            config.alert_pages = Some(path.parent().unwrap_or(Path::new(".")).join(pages));
        }
        Ok(config)
    }
}

/// Validation with the source text at hand, to point at lines.
struct Checker<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Checker<'_> {
    fn fail(&self, key: &str, message: impl Into<String>, hint: &str) -> ApiConfigError {
        ApiConfigError::Invalid {
            path: self.path.to_path_buf(),
            line: crate::yaml_lines::line_of(self.text, key),
            column: 1,
            message: message.into(),
            hint: hint.to_string(),
        }
    }

    /// At the first line holding `needle` (a value rather than a key:
    /// `url:` appears under several upstreams).
    fn fail_at(&self, needle: &str, message: impl Into<String>, hint: &str) -> ApiConfigError {
        let line = self
            .text
            .lines()
            .position(|l| l.contains(needle))
            .map_or(1, |i| i + 1);
        ApiConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column: 1,
            message: message.into(),
            hint: hint.to_string(),
        }
    }

    /// Inline SLOs and workloads, held to the rules `runbook.yaml` has.
    fn definitions(&self, config: &ApiConfig) -> Result<(), ApiConfigError> {
        crate::live::validate(&config.slos, &config.workloads)
            .map_err(|invalid| self.fail(&invalid.key, invalid.message, &invalid.hint))
    }

    fn settings(&self, config: &ApiConfig) -> Result<(), ApiConfigError> {
        if !(1..=3600).contains(&config.cache.ttl_seconds) {
            return Err(self.fail(
                "ttl_seconds",
                format!("cache TTL of {} s", config.cache.ttl_seconds),
                "choose between 1 and 3600 seconds; 15 matches the panels' refresh",
            ));
        }
        let timeout = config.cache.upstream_timeout_seconds;
        if !(timeout > 0.0 && timeout <= 60.0) {
            return Err(self.fail(
                "upstream_timeout_seconds",
                format!("upstream timeout of {timeout} s"),
                "choose more than 0 and at most 60 seconds, e.g. 5",
            ));
        }
        if config.backend == BackendKind::Live {
            if !config.slos.is_empty() && config.prometheus.is_none() {
                return Err(self.fail(
                    "backend",
                    "the live backend needs `prometheus:` to compute the SLOs",
                    "add `prometheus: {url: http://prometheus:9090}` or use `backend: demo`",
                ));
            }
            if !config.workloads.is_empty() && config.kubernetes.is_none() {
                return Err(self.fail(
                    "backend",
                    "the live backend needs `kubernetes:` to read the workloads",
                    "add `kubernetes: {}` (in-cluster or ~/.kube/config) or use `backend: demo`",
                ));
            }
        }
        if let Some(prometheus) = &config.prometheus {
            self.upstream(
                "Prometheus",
                &prometheus.url,
                &prometheus.headers,
                prometheus.bearer_token_file.is_some(),
            )?;
        }
        if let Some(alertmanager) = &config.alertmanager {
            self.upstream(
                "Alertmanager",
                &alertmanager.url,
                &alertmanager.headers,
                alertmanager.bearer_token_file.is_some(),
            )?;
            for matcher in &alertmanager.filter {
                if !is_matcher(matcher) {
                    return Err(self.fail(
                        "filter",
                        format!("`{matcher}` is not an Alertmanager matcher"),
                        "write one matcher per entry as amtool does, e.g. `namespace=\"default\"` or `severity=~\"critical|warning\"`",
                    ));
                }
            }
        }
        for origin in &config.cors.allowed_origins {
            if normalize_origin(origin).is_none() {
                return Err(self.fail(
                    "allowed_origins",
                    format!("`{origin}` is not an origin"),
                    "write scheme, host and optional port only, e.g. https://example.github.io; `*` is not allowed",
                ));
            }
        }
        Ok(())
    }

    /// An upstream's base URL and headers (Prometheus, Alertmanager).
    fn upstream(
        &self,
        what: &str,
        base_url: &str,
        headers: &IndexMap<String, String>,
        bearer_token: bool,
    ) -> Result<(), ApiConfigError> {
        let url_ok = url::Url::parse(base_url).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host().is_some()
                && u.query().is_none()
                && u.fragment().is_none()
        });
        if !url_ok {
            return Err(self.fail_at(
                base_url,
                format!("`{base_url}` is not a{} {what} base URL", if what.starts_with('A') { "n" } else { "" }),
                "e.g. http://prometheus.monitoring:9090 or http://alertmanager.monitoring:9093 (no query string)",
            ));
        }
        for (name, value) in headers {
            let valid = axum::http::HeaderName::from_bytes(name.as_bytes()).is_ok()
                && axum::http::HeaderValue::from_str(value).is_ok();
            if !valid {
                return Err(self.fail(
                    name,
                    format!("header `{name}` is not a valid HTTP header"),
                    "use a token name and a printable ASCII value",
                ));
            }
            if name.eq_ignore_ascii_case("authorization") && bearer_token {
                return Err(self.fail(
                    name,
                    "both `bearer_token_file` and an Authorization header are set",
                    "keep one of them",
                ));
            }
        }
        Ok(())
    }
}

/// `name="value"`, `name!="value"`, `name=~"re"`, `name!~"re"` (quotes
/// optional), as Alertmanager's `filter` parameter takes them.
fn is_matcher(matcher: &str) -> bool {
    let matcher = matcher.trim();
    let name_end = matcher
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(matcher.len());
    let (name, rest) = matcher.split_at(name_end);
    let name_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let rest = rest.trim_start();
    let value = ["=~", "!~", "!=", "="]
        .iter()
        .find_map(|op| rest.strip_prefix(op));
    name_ok && value.is_some_and(|v| !v.contains('\n'))
}

/// `https://Example.github.io/` → `https://example.github.io`; `None` for
/// anything that is not a bare origin.
pub fn normalize_origin(origin: &str) -> Option<String> {
    let url = url::Url::parse(origin).ok()?;
    let bare = matches!(url.scheme(), "http" | "https")
        && url.host().is_some()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && !origin.trim_end_matches('/').ends_with('*');
    bare.then(|| url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ApiConfig, ApiConfigError> {
        ApiConfig::parse(text, Path::new("api.yaml"))
    }

    /// `text` must be refused at `line` of api.yaml with an error that
    /// names each of `words`.
    fn assert_refused(text: &str, line: usize, words: &[&str]) {
        let err = parse(text).unwrap_err().to_string();
        assert!(err.starts_with(&format!("api.yaml:{line}:")), "{err}");
        for word in words {
            assert!(err.contains(word), "no {word} in {err}");
        }
    }

    /// The example the README and the error hints point to must load, with
    /// the ids of the bundled site.
    #[test]
    fn the_shipped_example_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/api.example.yaml");
        let config = ApiConfig::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.backend, BackendKind::Live);
        assert!(config.slos.contains_key("availability"), "{config:?}");
        assert!(config.workloads.contains_key("tekutoko-api"), "{config:?}");
        assert_eq!(
            config.cors.allowed_origins,
            ["https://rrrrrrr-777.github.io"]
        );
    }

    /// The in-cluster example names the runbook.yaml mounted beside it;
    /// read it as if it sat next to the bundled site's.
    #[test]
    fn the_managed_prometheus_example_loads() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(manifest.join("../deploy/api.gmp.yaml")).unwrap();
        let config = ApiConfig::parse(&text, &manifest.join("../content/api.gmp.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.backend, BackendKind::Live);
        assert!(config.prometheus.is_some() && config.kubernetes.is_some());
        assert!(config.workloads.contains_key("tekutoko-api"), "{config:?}");
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        assert_refused("backend: demo\ncache:\n  ttl: 3\n", 3, &["ttl"]);
    }

    #[test]
    fn live_backend_needs_its_upstreams() {
        let text = "backend: live\nworkloads:\n  api: {namespace: default, deployment: api, selector: app=api}\n";
        assert_refused(text, 1, &["kubernetes"]);
    }

    #[test]
    fn wildcard_and_paths_are_not_origins() {
        assert_eq!(
            normalize_origin("https://Example.github.io/").as_deref(),
            Some("https://example.github.io")
        );
        assert_eq!(normalize_origin("*"), None);
        assert_eq!(normalize_origin("https://example.github.io/runbook"), None);
        assert_refused("backend: demo\ncors:\n  allowed_origins: ['*']\n", 3, &[]);
    }

    #[test]
    fn ids_must_fit_in_a_path() {
        let text = "backend: demo\nworkloads:\n  \"a/b\": {namespace: d, deployment: a, selector: app=a}\n";
        assert_refused(text, 3, &["a/b"]);
    }

    #[test]
    fn alertmanager_is_checked_at_its_line() {
        let config = parse(
            "backend: live\nalertmanager:\n  url: http://am:9093\n  filter: ['namespace=\"default\"', 'severity=~\"critical|warning\"']\n  silenced: false\n",
        )
        .unwrap();
        let am = config.alertmanager.unwrap();
        assert_eq!(am.filter.len(), 2);
        assert!(am.active && !am.silenced && am.inhibited);
        assert_refused(
            "backend: live\nprometheus:\n  url: http://p:9090\nalertmanager:\n  url: am:9093\n",
            5,
            &["Alertmanager"],
        );
        assert_refused(
            "backend: live\nalertmanager:\n  url: http://am:9093\n  filter:\n    - '\"x\"'\n",
            4,
            &["matcher"],
        );
    }

    #[test]
    fn matchers_as_amtool_writes_them() {
        for ok in ["a=\"b\"", "a!=b", "alertname=~\"A|B\"", "a !~ \"x.*\""] {
            assert!(is_matcher(ok), "{ok}");
        }
        for bad in ["", "=b", "1a=b", "a", "a<b"] {
            assert!(!is_matcher(bad), "{bad}");
        }
    }

    #[test]
    fn site_file_supplies_the_ids() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("runbook.yaml"),
            "live:\n  slos:\n    availability:\n      title: A\n      objective: 0.999\n      indicator: {bad: x, total: y}\n",
        )
        .unwrap();
        let path = dir.path().join("api.yaml");
        std::fs::write(&path, "backend: demo\nsite: runbook.yaml\n").unwrap();
        let config = ApiConfig::load(&path).unwrap();
        assert_eq!(config.slos.keys().collect::<Vec<_>>(), ["availability"]);
    }
}
