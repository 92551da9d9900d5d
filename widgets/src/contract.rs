//! The wire contract of the read-only API: one Rust type per JSON answer,
//! serialized by the server and decoded by the panels.
//!
//! Every type tolerates unknown fields and fills missing ones with defaults,
//! so the server may add fields without breaking older panels. A change that
//! would break an old reader bumps [`CONTRACT_VERSION`] instead, and
//! [`decode`] refuses an answer whose version it does not know.

// The contract is read by both servers and the browser: every public
// item says what it holds.
#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::severity::Level;

/// Bumped only for changes an old reader would misread (a renamed or
/// re-typed field); additions keep the version.
pub const CONTRACT_VERSION: u32 = 1;

/// Every successful answer: the data plus where and when it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Answer<T> {
    /// [`CONTRACT_VERSION`] of the server that wrote the answer.
    pub version: u32,
    /// When the data was read from the upstream (RFC 3339, UTC, seconds).
    pub generated_at: String,
    /// True when the last upstream read failed and this is an older answer.
    pub stale: bool,
    /// Seconds between `generated_at` and the moment the answer was sent.
    pub age_seconds: u64,
    /// `demo`, `prometheus` or `kubernetes`.
    pub source: String,
    /// True for simulated data: panels must say so next to every figure.
    pub demo: bool,
    /// The answer itself: [`SloList`], [`SloStatus`] or [`WorkloadStatus`].
    pub data: T,
}

/// The body of every failed request (404, 405, 503, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ErrorAnswer {
    /// [`CONTRACT_VERSION`] of the server that wrote the answer.
    pub version: u32,
    /// When the error was written (RFC 3339, UTC, seconds).
    pub generated_at: String,
    /// Always false: an error carries no data to be stale.
    pub stale: bool,
    /// What went wrong, for a program and for a person.
    pub error: ErrorDetail,
}

/// What went wrong in a failed request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ErrorDetail {
    /// Stable machine code: `not_found`, `method_not_allowed`, `unavailable`,
    /// `bad_request`, `internal`.
    pub code: String,
    /// One sentence for a human; never upstream details.
    pub message: String,
}

/// `GET /api/v1/slos`: every configured SLO that has an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SloList {
    /// One status per SLO with an answer, in the configuration's order.
    pub slos: Vec<SloStatus>,
    /// Configured ids with no answer yet (upstream down since start).
    pub unavailable: Vec<String>,
}

/// `GET /api/v1/slos/{id}`: one SLO over its rolling window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SloStatus {
    /// The SLO's id in the `live:` configuration (`availability`).
    pub id: String,
    /// Its title as configured, for the panel's heading.
    pub title: String,
    /// Its description as configured, if any.
    pub description: Option<String>,
    /// Target ratio of good events, e.g. 0.999.
    pub objective: f64,
    /// The rolling window the objective holds over, in days (30).
    pub window_days: u32,
    /// Good events / all events over the window; `None` when there were none.
    pub sli: Option<f64>,
    /// What is left of the window's error budget.
    pub error_budget: ErrorBudget,
    /// One entry per alerting window, shortest first: 5m, 30m, 1h, 6h, 3d.
    pub burn_rates: Vec<BurnRate>,
    /// The verdict of the burn-rate rules over those windows.
    pub alert: Alert,
    /// Set for latency SLOs that name a histogram: the current quantile.
    pub latency: Option<LatencyStatus>,
    /// The SLI over the last 24 hours, for a sparkline.
    pub series: Series,
}

/// The error budget of one SLO window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ErrorBudget {
    /// Share of events allowed to be bad: `1 - objective` (0.001 for 99.9%).
    pub total_ratio: f64,
    /// The same budget as time of total outage: 43.2 for 99.9% over 30 days.
    pub total_minutes: f64,
    /// Share of the budget left: 1 untouched, 0 spent, negative overspent.
    pub remaining_ratio: f64,
    /// What is left as minutes of total outage; negative when overspent.
    pub remaining_minutes: f64,
}

/// How fast the budget burns over one window: 1 spends exactly the budget
/// over the SLO window, 14.4 spends 2% of a 30-day budget in an hour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct BurnRate {
    /// `5m`, `30m`, `1h`, `6h` or `3d`.
    pub window: String,
    /// The same window in seconds.
    pub seconds: u32,
    /// `None` when the window saw no events.
    pub rate: Option<f64>,
}

/// The multi-window, multi-burn-rate verdict (Google SRE workbook, ch. 5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Alert {
    /// How urgent: ok, ticket, page, or no data.
    pub level: AlertLevel,
    /// Which rule fired: `fast_burn`, `slow_burn`, `budget_burn`; `None` if ok.
    pub rule: Option<String>,
    /// One English sentence naming the windows and rates that decided.
    pub reason: String,
}

/// The verdict of the burn-rate rules, least urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AlertLevel {
    /// No rule fires and every deciding window saw events.
    #[default]
    Ok,
    /// A slow burn: someone should look within the working day.
    Ticket,
    /// A fast burn: wake someone up.
    Page,
    /// No rule fires, and a window some rule decides on has no events: a
    /// total outage (the app emits nothing) or missing metrics, never "ok".
    NoData,
    /// A level this reader does not know (a newer server).
    #[serde(other)]
    Unknown,
}

/// A quantile read from a latency histogram, beside its threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct LatencyStatus {
    /// e.g. 0.95 for p95.
    pub quantile: f64,
    /// The SLO's latency threshold (0.5 for p95 < 500 ms).
    pub threshold_seconds: f64,
    /// The quantile over the last 5 minutes; `None` without traffic.
    pub current_seconds: Option<f64>,
}

/// Evenly spaced points, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Series {
    /// Distance between points; each point covers the step before it.
    pub step_seconds: u32,
    /// The points, oldest first.
    pub points: Vec<SeriesPoint>,
}

/// One point of a [`Series`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SeriesPoint {
    /// Unix seconds at the end of the step.
    pub t: i64,
    /// The SLI over the step; `None` when it saw no events.
    pub sli: Option<f64>,
}

/// `GET /api/v1/workloads/{id}`: a Deployment, its autoscaler and its pods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct WorkloadStatus {
    /// The workload's id in the `live:` configuration.
    pub id: String,
    /// Its title as configured, if any.
    pub title: Option<String>,
    /// The Kubernetes namespace the Deployment lives in.
    pub namespace: String,
    /// The Deployment's replicas and rollout.
    pub deployment: DeploymentStatus,
    /// The HorizontalPodAutoscaler that targets it, if any.
    pub hpa: Option<HpaStatus>,
    /// In `kubectl get pods` order: by name.
    pub pods: Vec<PodRow>,
}

/// A Deployment's replica counts, as `kubectl get deployment` shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DeploymentStatus {
    /// `metadata.name`.
    pub name: String,
    /// `spec.replicas`.
    pub desired: u32,
    /// `status.readyReplicas`.
    pub ready: u32,
    /// `status.updatedReplicas`: pods of the current revision.
    pub updated: u32,
    /// `status.availableReplicas`.
    pub available: u32,
    /// The `deployment.kubernetes.io/revision` annotation, as `kubectl
    /// rollout history` numbers it.
    pub revision: Option<String>,
    /// Whether the last rollout finished.
    pub rollout: Rollout,
}

/// What `kubectl rollout status` would say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Rollout {
    /// Every replica runs the current revision and is available.
    pub complete: bool,
    /// kubectl's sentence: `deployment "x" successfully rolled out`.
    pub message: String,
}

/// A HorizontalPodAutoscaler, as `kubectl get hpa` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct HpaStatus {
    /// `metadata.name`.
    pub name: String,
    /// `spec.minReplicas`.
    pub min: u32,
    /// `spec.maxReplicas`.
    pub max: u32,
    /// `status.currentReplicas`.
    pub current: u32,
    /// `status.desiredReplicas`.
    pub desired: u32,
    /// Target average CPU utilization, percent of requests.
    pub cpu_target_percent: Option<u32>,
    /// Current average CPU utilization, percent of requests.
    pub cpu_current_percent: Option<u32>,
    /// The autoscaler cannot add pods: `current >= max`.
    pub at_max: bool,
}

/// One line of `kubectl get pods -o wide`, with its columns as kubectl
/// prints them and the raw figures beside them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PodRow {
    /// The NAME column.
    pub name: String,
    /// The READY column: `1/1`.
    pub ready: String,
    /// Ready containers, the READY column's first figure.
    pub ready_containers: u32,
    /// All containers, the READY column's second figure.
    pub total_containers: u32,
    /// The STATUS column, kubectl's wording: `Running`, `CrashLoopBackOff`,
    /// `OOMKilled`, `Init:0/1`, `Terminating`, ...
    pub status: String,
    /// Restarts of all containers together.
    pub restarts: u32,
    /// The RESTARTS column at `generated_at`: `5 (2m3s ago)`.
    pub restarts_text: String,
    /// The most recent stop of a container, if any restarted.
    pub last_restart: Option<LastRestart>,
    /// The AGE column at `generated_at`: `3d4h`.
    pub age: String,
    /// Unix seconds of `metadata.creationTimestamp`, to recompute AGE.
    pub created_unix: i64,
    /// `<none>` until scheduled, as kubectl prints it.
    pub node: String,
}

/// Why and when a container of the pod last stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct LastRestart {
    /// `lastState.terminated.reason`: `OOMKilled`, `Error`, `Completed`.
    pub reason: String,
    /// `lastState.terminated.exitCode` (137 after an OOM kill).
    pub exit_code: Option<i32>,
    /// The container's name.
    pub container: String,
    /// Unix seconds of `lastState.terminated.finishedAt`.
    pub finished_unix: i64,
}

/// `GET /api/v1/alerts`: what Alertmanager (or the demo) says is firing,
/// each alert with the runbook page that covers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AlertList {
    /// Most severe first, then the longest firing first.
    pub alerts: Vec<FiringAlert>,
}

/// One firing alert, as Alertmanager's v2 API lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct FiringAlert {
    /// The `alertname` label.
    pub name: String,
    /// The `severity` label as written (`critical`, `P1`); `None` without one.
    pub severity: Option<String>,
    /// What `severity` maps to (`crate::severity`); `None` for a word
    /// that maps to no level, or no label.
    pub level: Option<Level>,
    /// Every label, `alertname` and `severity` included, sorted by name.
    pub labels: BTreeMap<String, String>,
    /// When it started firing (RFC 3339, UTC, seconds).
    pub starts_at: String,
    /// The same instant in Unix seconds, for ages.
    pub starts_unix: i64,
    /// A silence matches it: someone is on it, or it is expected.
    pub silenced: bool,
    /// Another firing alert inhibits it.
    pub inhibited: bool,
    /// The `summary` annotation (else `description`), as the rule wrote it.
    pub summary: Option<String>,
    /// The runbook page that lists this alert in its front matter.
    pub page: Option<AlertPage>,
}

/// A runbook page, as the site's `alerts.json` names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AlertPage {
    /// Output path from the site root: `POD_RESTARTS.html`.
    pub url: String,
    /// The page's title.
    pub title: String,
}

/// `GET /api/healthz` and `GET /api/readyz`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Health {
    /// [`CONTRACT_VERSION`] of the server.
    pub version: u32,
    /// When the answer was written (RFC 3339, UTC, seconds).
    pub generated_at: String,
    /// True when some id is served from an older answer.
    pub stale: bool,
    /// `ok`, or `starting` while the backends are not built yet.
    pub status: String,
    /// `demo`, `prometheus`, `kubernetes`, or both joined by `+`.
    pub source: String,
    /// True when the demo backend answers.
    pub demo: bool,
    /// Reads made from the upstreams since start, all ids together; one
    /// read per id per cache TTL at most, whatever the number of clients.
    pub upstream_reads: u64,
    /// One line per configured id.
    pub ids: Vec<IdHealth>,
}

/// The upstream reads of one id, for `/api/healthz`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct IdHealth {
    /// `slos/availability`, `workloads/tekutoko-api`.
    pub id: String,
    /// Reads of this id since start.
    pub upstream_reads: u64,
    /// Of those, the ones that failed.
    pub upstream_failures: u64,
    /// Age of the last good answer; `None` when there is none yet.
    pub age_seconds: Option<u64>,
}

/// Why an answer could not be decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// The server speaks another contract version: reload the page.
    Version {
        /// The version the answer carries.
        found: u32,
        /// [`CONTRACT_VERSION`] of this reader.
        expected: u32,
    },
    /// The body is not the JSON of the expected answer.
    Json(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Version { found, expected } => write!(
                f,
                "the API answered with contract version {found}, this page reads version {expected}; reload the page"
            ),
            DecodeError::Json(message) => write!(f, "the API answer is not valid JSON: {message}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Only the version, read first so a newer shape is refused by its number
/// rather than by whatever field happens to fail.
#[derive(Deserialize)]
struct VersionProbe {
    #[serde(default)]
    version: u32,
}

/// Decodes an answer after checking its contract version.
pub fn decode<T: DeserializeOwned + Default>(text: &str) -> Result<Answer<T>, DecodeError> {
    let probe: VersionProbe =
        serde_json::from_str(text).map_err(|e| DecodeError::Json(e.to_string()))?;
    if probe.version != CONTRACT_VERSION {
        return Err(DecodeError::Version {
            found: probe.version,
            expected: CONTRACT_VERSION,
        });
    }
    serde_json::from_str(text).map_err(|e| DecodeError::Json(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_and_levels_are_tolerated() {
        let text = r#"{"version":1,"generated_at":"x","stale":false,"new_field":3,
            "data":{"id":"a","alert":{"level":"wake_everyone","extra":1}}}"#;
        let answer: Answer<SloStatus> = decode(text).unwrap();
        assert_eq!(answer.data.alert.level, AlertLevel::Unknown);
        assert_eq!(answer.data.id, "a");
    }

    #[test]
    fn alerts_tolerate_unknown_fields_and_levels() {
        let text = r#"{"version":1,"data":{"alerts":[{"name":"A","level":"apocalyptic",
            "labels":{"pod":"p"},"silenced":true,"fingerprint":"x"}],"more":1}}"#;
        let answer: Answer<AlertList> = decode(text).unwrap();
        let alert = &answer.data.alerts[0];
        assert_eq!(alert.name, "A");
        assert_eq!(alert.level, Some(Level::Unknown));
        assert!(alert.silenced && alert.page.is_none());
        assert_eq!(alert.labels["pod"], "p");
    }

    #[test]
    fn another_version_is_refused_by_number() {
        let err = decode::<SloStatus>(r#"{"version":2,"data":{"id":7}}"#).unwrap_err();
        assert_eq!(
            err,
            DecodeError::Version {
                found: 2,
                expected: 1
            }
        );
    }

    #[test]
    fn a_missing_version_is_refused() {
        assert!(matches!(
            decode::<SloList>(r#"{"data":{}}"#),
            Err(DecodeError::Version { found: 0, .. })
        ));
    }
}
