//! Simulated data for `runbook serve` and first runs: an incident in
//! progress, so every panel has something to show. Labelled `demo` in
//! every answer.
//!
//! Deterministic: every figure is a pure function of the evaluation instant,
//! and the scenario is pinned relative to it: the incident always began
//! [`INCIDENT_MINUTES`] ago, so every visit shows the same picture and the
//! golden fixtures (which pin the clock) are byte-for-byte stable.
//!
//! The scenario: requests fail at 2% and 9% of them are slow since the
//! incident began (0.03% and 1.5% before), with a 20-minute blip nine days
//! ago; one pod is in CrashLoopBackOff after OOM kills, one is still being
//! created, and the autoscaler is at its maximum. The workload objects are
//! built as Kubernetes API JSON and go through the same `kubectl` module as
//! live data. Alertmanager would be firing what that picture pages for:
//! the crash-looping pod, the availability budget's fast burn, and the
//! autoscaler at its maximum (a warning someone has silenced).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Pod;
use std::collections::BTreeMap;

use runbook_widgets::contract::{FiringAlert, Series, SeriesPoint, SloStatus, WorkloadStatus};
use runbook_widgets::slo::BURN_WINDOWS;
use runbook_widgets::timestamp::format_rfc3339;
use serde_json::{json, Value};

use super::{AlertBackend, Fetch, SloBackend, UpstreamError, WorkloadBackend};
use crate::assemble::{self, SloFigures};
use crate::kubectl;
use crate::live::{SloConfig, WorkloadConfig};
use crate::promql::{SERIES_POINTS, SERIES_STEP_SECONDS};

/// Age of the simulated incident.
pub const INCIDENT_MINUTES: i64 = 47;

/// Share of bad events in each phase, for SLOs that count bad events
/// (errors) and for those that count good ones (fast requests).
struct Profile {
    normal: f64,
    blip: f64,
    incident: f64,
}

const ERRORS: Profile = Profile {
    normal: 0.0003,
    blip: 0.05,
    incident: 0.02,
};
const SLOW: Profile = Profile {
    normal: 0.015,
    blip: 0.25,
    incident: 0.09,
};

/// Phases as `(start, end)` in seconds before now.
const INCIDENT: (i64, i64) = (INCIDENT_MINUTES * 60, 0);
const BLIP: (i64, i64) = (9 * 86_400, 9 * 86_400 - 20 * 60);

#[derive(Debug, Default, Clone, Copy)]
pub struct DemoBackend;

impl DemoBackend {
    fn figures(slo: &SloConfig, now: i64) -> SloFigures {
        let profile = if slo.indicator.good.is_some() {
            &SLOW
        } else {
            &ERRORS
        };
        // Traffic is flat, so a window's bad share is the time-weighted
        // mean of the phases it overlaps.
        let sli = |from: i64, to: i64| Some(1.0 - bad_share(profile, from, to));
        let window = i64::from(slo.window_days) * 86_400;
        let step = i64::from(SERIES_STEP_SECONDS);
        let points = (0..i64::from(SERIES_POINTS))
            .rev()
            .map(|k| SeriesPoint {
                t: now - k * step,
                sli: sli((k + 1) * step, k * step),
            })
            .collect();
        SloFigures {
            window_sli: sli(window, 0),
            burn_slis: BURN_WINDOWS.map(|(_, seconds)| sli(i64::from(seconds), 0)),
            series: Series {
                step_seconds: SERIES_STEP_SECONDS,
                points,
            },
            // p95 over the last 5 minutes: all of it inside the incident.
            latency_seconds: slo.latency.as_ref().map(|_| 0.74),
        }
    }
}

/// Bad share over the span `from`..`to` seconds before now (`from > to`).
fn bad_share(profile: &Profile, from: i64, to: i64) -> f64 {
    let overlap = |(start, end): (i64, i64)| (from.min(start) - to.max(end)).max(0) as f64;
    let span = (from - to) as f64;
    let incident = overlap(INCIDENT);
    let blip = overlap(BLIP);
    let normal = span - incident - blip;
    (normal * profile.normal + blip * profile.blip + incident * profile.incident) / span
}

impl SloBackend for DemoBackend {
    fn slo<'a>(&'a self, id: &'a str, slo: &'a SloConfig, now: i64) -> Fetch<'a, SloStatus> {
        Box::pin(async move { Ok(assemble::slo_status(id, slo, Self::figures(slo, now))) })
    }

    fn source(&self) -> &'static str {
        "demo"
    }
}

impl WorkloadBackend for DemoBackend {
    fn workload<'a>(
        &'a self,
        id: &'a str,
        workload: &'a WorkloadConfig,
        now: i64,
    ) -> Fetch<'a, WorkloadStatus> {
        Box::pin(async move {
            let objects = DemoCluster::new(workload, now);
            let deployment: Deployment = parse(objects.deployment())?;
            let pods = objects
                .pods()
                .into_iter()
                .map(parse)
                .collect::<Result<Vec<Pod>, _>>()?;
            let hpa: Option<HorizontalPodAutoscaler> = objects.hpa().map(parse).transpose()?;
            Ok(kubectl::workload_status(
                id,
                workload,
                &deployment,
                &pods,
                hpa.as_ref(),
                now,
            ))
        })
    }

    fn source(&self) -> &'static str {
        "demo"
    }
}

/// The demo's alerts, named after the workload and SLO they are about.
#[derive(Debug, Clone)]
pub struct DemoAlerts {
    workload: Option<WorkloadConfig>,
    /// The SLO counting bad events (availability), whose budget burns.
    slo: Option<String>,
}

impl DemoAlerts {
    /// Over the site's first workload and first SLO that counts errors.
    pub fn new<'a>(
        workloads: impl IntoIterator<Item = &'a WorkloadConfig>,
        slos: impl IntoIterator<Item = (&'a String, &'a SloConfig)>,
    ) -> DemoAlerts {
        DemoAlerts {
            workload: workloads.into_iter().next().cloned(),
            slo: slos
                .into_iter()
                .find(|(_, slo)| slo.indicator.bad.is_some())
                .map(|(id, _)| id.clone()),
        }
    }

    fn list(&self, now: i64) -> Vec<FiringAlert> {
        let alert = |labels: &[(&str, &str)], summary: &str, minutes_ago: i64, silenced: bool| {
            let labels: BTreeMap<String, String> = labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let annotations = BTreeMap::from([("summary".to_string(), summary.to_string())]);
            crate::alerts::firing(
                labels,
                &annotations,
                now - minutes_ago * 60,
                silenced,
                false,
            )
        };
        let mut alerts = Vec::new();
        if let Some(w) = &self.workload {
            // The pod `DemoCluster::pods` puts in CrashLoopBackOff, 15
            // minutes (the rule's `for:`) after its first restarts.
            let pod = format!("{}-{TEMPLATE_HASH}-b7wnr", w.deployment);
            alerts.push(alert(
                &[
                    ("alertname", "TekuTokoPodCrashLooping"),
                    ("severity", "critical"),
                    ("namespace", &w.namespace),
                    ("pod", &pod),
                    ("container", "api"),
                ],
                &format!("Pod {}/{pod} is crash looping (OOMKilled)", w.namespace),
                35,
                false,
            ));
            if let Some(hpa) = &w.hpa {
                alerts.push(alert(
                    &[
                        ("alertname", "TekuTokoHPAMaxedOut"),
                        ("severity", "warning"),
                        ("namespace", &w.namespace),
                        ("horizontalpodautoscaler", hpa),
                    ],
                    &format!("HPA {}/{hpa} has been at its maximum of {REPLICAS} replicas for 15 minutes", w.namespace),
                    23,
                    true,
                ));
            }
        }
        if let Some(slo) = &self.slo {
            // 2% errors burn a 99.9% budget at 20x: past 14.4 over 5m
            // and 1h within two minutes of the incident's start.
            alerts.push(alert(
                &[
                    ("alertname", "TekuTokoErrorBudgetFastBurn"),
                    ("severity", "critical"),
                    ("slo", slo),
                ],
                "Error budget burning at over 14.4x over the last hour and 5 minutes",
                INCIDENT_MINUTES - 2,
                false,
            ));
        }
        alerts
    }
}

impl AlertBackend for DemoAlerts {
    fn alerts(&self, now: i64) -> Fetch<'_, Vec<FiringAlert>> {
        Box::pin(async move { Ok(self.list(now)) })
    }

    fn source(&self) -> &'static str {
        "demo"
    }
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, UpstreamError> {
    serde_json::from_value(value).map_err(|e| UpstreamError::Malformed(e.to_string()))
}

/// The simulated cluster objects, as the Kubernetes API would send them.
struct DemoCluster<'a> {
    workload: &'a WorkloadConfig,
    now: i64,
}

/// The ReplicaSet hash of revision 42, shared by every pod.
const TEMPLATE_HASH: &str = "7d9f8b6c5d";
const REPLICAS: i64 = 6;

impl<'a> DemoCluster<'a> {
    fn new(workload: &'a WorkloadConfig, now: i64) -> Self {
        DemoCluster { workload, now }
    }

    fn at(&self, seconds_ago: i64) -> String {
        format_rfc3339(self.now - seconds_ago)
    }

    fn labels(&self) -> Value {
        // The configured selector's first `key=value`, so the pods match it.
        let (key, value) = self
            .workload
            .selector
            .split(',')
            .next()
            .and_then(|s| s.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            .unwrap_or(("app", self.workload.deployment.as_str()));
        json!({ key: value, "pod-template-hash": TEMPLATE_HASH })
    }

    fn deployment(&self) -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": self.workload.deployment,
                "namespace": self.workload.namespace,
                "generation": 57,
                "creationTimestamp": self.at(412 * 86_400),
                "annotations": {"deployment.kubernetes.io/revision": "42"}
            },
            "spec": {"replicas": REPLICAS, "selector": {"matchLabels": self.labels()}, "template": {}},
            "status": {
                "observedGeneration": 57,
                "replicas": REPLICAS,
                "updatedReplicas": REPLICAS,
                "readyReplicas": 4,
                "availableReplicas": 4,
                "unavailableReplicas": 2
            }
        })
    }

    fn hpa(&self) -> Option<Value> {
        let name = self.workload.hpa.as_ref()?;
        Some(json!({
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": name, "namespace": self.workload.namespace},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": self.workload.deployment},
                "minReplicas": 2,
                "maxReplicas": REPLICAS,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]
            },
            "status": {
                "currentReplicas": REPLICAS,
                "desiredReplicas": REPLICAS,
                "lastScaleTime": self.at(38 * 60),
                "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 96, "averageValue": "481m"}}}],
                "conditions": [{"type": "ScalingLimited", "status": "True", "reason": "TooManyReplicas", "message": "the desired replica count is more than the maximum replica count", "lastTransitionTime": self.at(38 * 60)}]
            }
        }))
    }

    fn pods(&self) -> Vec<Value> {
        let node = |suffix: &str| format!("gk3-tekutoko-prod-pool-2-{suffix}");
        let running = |since: i64| json!({"running": {"startedAt": self.at(since)}});
        vec![
            self.pod("x2k8p", 3 * 86_400 + 4 * 3600 + 12 * 60, &node("1a2b3c4d-x9yz"), "Running",
                json!([{"name": "api", "ready": true, "started": true, "restartCount": 0,
                        "state": running(3 * 86_400 + 4 * 3600)}])),
            self.pod("4mzqt", 3 * 86_400 + 4 * 3600 + 10 * 60, &node("1a2b3c4d-m4kp"), "Running",
                json!([{"name": "api", "ready": true, "started": true, "restartCount": 1,
                        "state": running(6 * 3600 + 11 * 60),
                        "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137,
                            "startedAt": self.at(2 * 86_400), "finishedAt": self.at(6 * 3600 + 12 * 60)}}}])),
            self.pod("b7wnr", 51 * 60, &node("5e6f7a8b-q2rt"), "Running",
                json!([{"name": "api", "ready": false, "started": false, "restartCount": 14,
                        "state": {"waiting": {"reason": "CrashLoopBackOff",
                            "message": "back-off 5m0s restarting failed container=api"}},
                        "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137,
                            "startedAt": self.at(3 * 60 + 2), "finishedAt": self.at(2 * 60 + 10)}}}])),
            self.pod("hq5vd", 44 * 60, &node("5e6f7a8b-q2rt"), "Running",
                json!([{"name": "api", "ready": true, "started": true, "restartCount": 0,
                        "state": running(43 * 60)}])),
            self.pod("p9c2l", 38 * 60, &node("1a2b3c4d-m4kp"), "Running",
                json!([{"name": "api", "ready": true, "started": true, "restartCount": 0,
                        "state": running(37 * 60)}])),
            self.pod("zk4fj", 95, &node("9c0d1e2f-w7hn"), "Pending",
                json!([{"name": "api", "ready": false, "started": false, "restartCount": 0,
                        "state": {"waiting": {"reason": "ContainerCreating"}}}])),
        ]
    }

    fn pod(&self, suffix: &str, age: i64, node: &str, phase: &str, containers: Value) -> Value {
        let name = format!("{}-{TEMPLATE_HASH}-{suffix}", self.workload.deployment);
        let ready = containers
            .as_array()
            .is_some_and(|c| c.iter().all(|c| c["ready"] == json!(true)));
        json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "namespace": self.workload.namespace,
                "creationTimestamp": self.at(age),
                "labels": self.labels()
            },
            "spec": {"nodeName": node, "containers": [{"name": "api", "image": "asia-northeast1-docker.pkg.dev/tekutoko-prod/api/tekutoko-api:v1.4.2"}]},
            "status": {
                "phase": phase,
                "conditions": [
                    {"type": "Initialized", "status": "True"},
                    {"type": "Ready", "status": if ready { "True" } else { "False" }}
                ],
                "containerStatuses": containers
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_share_weights_the_phases_by_time() {
        // The last hour: 47 min of incident, 13 min normal.
        let share = bad_share(&ERRORS, 3600, 0);
        let expected = (47.0 * 0.02 + 13.0 * 0.0003) / 60.0;
        assert!((share - expected).abs() < 1e-12, "{share} vs {expected}");
        // A span entirely inside the incident.
        assert!((bad_share(&ERRORS, 300, 0) - 0.02).abs() < 1e-12);
        // Ten days back: the blip counts for 20 minutes.
        let share = bad_share(&SLOW, 10 * 86_400, 0);
        let expected = (47.0 * 0.09 + 20.0 * 0.25 + (14_400.0 - 67.0) * 0.015) / 14_400.0;
        assert!((share - expected).abs() < 1e-12, "{share} vs {expected}");
    }
}
