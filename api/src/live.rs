//! The live ids: which SLOs and workloads panels may name and how the API
//! computes them. Read from runbook.yaml's `live:` (the site) and from the
//! API's own configuration, so the type lives here, with the API.

// What users write in runbook.yaml and the API's config: every public
// item says what it holds.
#![warn(missing_docs)]

use indexmap::IndexMap;
use serde::Deserialize;

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
    /// The SLOs by id, in the order panels list them.
    #[serde(default)]
    pub slos: IndexMap<String, SloConfig>,
    /// The Kubernetes workloads by id.
    #[serde(default)]
    pub workloads: IndexMap<String, WorkloadConfig>,
}

/// One SLO: its objective and how its events are counted.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SloConfig {
    /// Human name, e.g. `可用性`.
    pub title: String,
    /// One sentence under the title, if any.
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
    /// Good events (set this or `bad`).
    #[serde(default)]
    pub good: Option<String>,
    /// Bad events (set this or `good`).
    #[serde(default)]
    pub bad: Option<String>,
    /// All events.
    pub total: String,
}

/// A Deployment whose pods a panel shows, as `kubectl get pods` would.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WorkloadConfig {
    /// Human name, if other than the Deployment's.
    #[serde(default)]
    pub title: Option<String>,
    /// The namespace it runs in.
    pub namespace: String,
    /// The Deployment's name.
    pub deployment: String,
    /// Label selector of the workload's pods, e.g. `app=tekutoko-api`.
    pub selector: String,
    /// Name of its HorizontalPodAutoscaler, if it has one.
    #[serde(default)]
    pub hpa: Option<String>,
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

fn default_refresh_seconds() -> u32 {
    15
}
fn default_window_days() -> u32 {
    30
}
fn default_quantile() -> f64 {
    0.95
}

/// A definition that parsed but cannot work, with the key to point at.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// The YAML key the message is about (an SLO's id).
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl LiveConfig {
    /// Checks what serde cannot (see [`validate`]).
    pub fn validate(&self) -> Result<(), Invalid> {
        validate(&self.slos, &self.workloads)
    }
}

/// Checks what serde cannot, for runbook.yaml and the API's configuration
/// alike: ids fit in a URL path, objectives are ratios, an SLO counts
/// either good or bad events, windows are not empty, latency quantiles
/// are quantiles.
pub fn validate(
    slos: &IndexMap<String, SloConfig>,
    workloads: &IndexMap<String, WorkloadConfig>,
) -> Result<(), Invalid> {
    let invalid = |id: &str, message: String, hint: &str| Invalid {
        key: id.to_string(),
        message,
        hint: hint.to_string(),
    };
    for (id, slo) in slos {
        check_id(id)?;
        if !(slo.objective > 0.0 && slo.objective < 1.0) {
            return Err(invalid(
                id,
                format!("SLO `{id}` has objective {}", slo.objective),
                "write the objective as a ratio between 0 and 1, e.g. 0.999 for 99.9%",
            ));
        }
        if slo.indicator.good.is_some() == slo.indicator.bad.is_some() {
            return Err(invalid(
                id,
                format!("SLO `{id}` needs exactly one of `good` and `bad`"),
                "count good events (`good:`) or bad ones (`bad:`), next to `total:`",
            ));
        }
        if slo.window_days == 0 {
            return Err(invalid(
                id,
                format!("SLO `{id}` has a window of 0 days"),
                "set window_days to the SLO period, e.g. 30",
            ));
        }
        if let Some(latency) = &slo.latency {
            if !(latency.quantile > 0.0 && latency.quantile < 1.0)
                || latency.threshold_seconds <= 0.0
            {
                return Err(invalid(
                    id,
                    format!("SLO `{id}` has a latency quantile outside (0, 1) or a threshold ≤ 0"),
                    "e.g. `latency: {histogram: 'x_bucket{job=\"api\"}', quantile: 0.95, threshold_seconds: 0.5}`",
                ));
            }
        }
    }
    for id in workloads.keys() {
        check_id(id)?;
    }
    Ok(())
}

/// Ids travel in URL paths: keep them to letters, digits, `-` and `_`.
fn check_id(id: &str) -> Result<(), Invalid> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        return Ok(());
    }
    Err(Invalid {
        key: id.to_string(),
        message: format!("id `{id}` cannot appear in a URL path as is"),
        hint: "use letters, digits, `-` and `_`, e.g. tekutoko-api".to_string(),
    })
}
