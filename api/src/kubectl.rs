//! Kubernetes objects as kubectl shows them: a pod becomes a `kubectl get
//! pods -o wide` row, a Deployment what `kubectl rollout status` says, an
//! HPA its replica bounds and CPU target.
//!
//! The STATUS and RESTARTS logic follows kubectl's `printPod`
//! (kubernetes/pkg/printers/internalversion/printers.go) step by step, so
//! the panel says exactly what the engineer would see in a terminal.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use runbook_widgets::contract::{
    DeploymentStatus, HpaStatus, LastRestart, PodRow, Rollout, WorkloadStatus,
};
use runbook_widgets::pods::{human_duration, ready_column, restarts_column};

use crate::live::WorkloadConfig;

/// The Deployment, its pods and its autoscaler as one answer.
pub fn workload_status(
    id: &str,
    config: &WorkloadConfig,
    deployment: &Deployment,
    pods: &[Pod],
    hpa: Option<&HorizontalPodAutoscaler>,
    now: i64,
) -> WorkloadStatus {
    let mut rows: Vec<PodRow> = pods.iter().map(|pod| pod_row(pod, now)).collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    WorkloadStatus {
        id: id.to_string(),
        title: config.title.clone(),
        namespace: config.namespace.clone(),
        deployment: deployment_status(deployment),
        hpa: hpa.map(hpa_status),
        pods: rows,
    }
}

fn unix(time: &Time) -> i64 {
    time.0.as_second()
}

/// A restartable init container is a sidecar: it counts as a container.
fn is_sidecar(container: Option<&Container>) -> bool {
    container.is_some_and(|c| c.restart_policy.as_deref() == Some("Always"))
}

/// One `kubectl get pods -o wide` row at `now`.
pub fn pod_row(pod: &Pod, now: i64) -> PodRow {
    let empty = PodStatus::default();
    let status = pod.status.as_ref().unwrap_or(&empty);
    let spec = pod.spec.as_ref();
    let init_specs: &[Container] = spec
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or(&[]);
    let init_statuses: &[ContainerStatus] =
        status.init_container_statuses.as_deref().unwrap_or(&[]);
    let statuses: &[ContainerStatus] = status.container_statuses.as_deref().unwrap_or(&[]);

    let mut total = spec.map_or(0, |s| s.containers.len()) as u32;
    total += init_specs.iter().filter(|c| is_sidecar(Some(c))).count() as u32;
    let mut ready = 0u32;
    let mut restarts = 0u32;
    let mut sidecar_restarts = 0u32;
    let mut last: Option<LastRestart> = None;
    let mut last_sidecar: Option<LastRestart> = None;

    let mut reason = status.phase.clone().unwrap_or_default();
    if let Some(r) = status.reason.as_deref().filter(|r| !r.is_empty()) {
        reason = r.to_string();
    }
    let conditions = status.conditions.as_deref().unwrap_or(&[]);
    if conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".to_string();
    }

    let mut initializing = false;
    for (i, container) in init_statuses.iter().enumerate() {
        let spec = init_specs.iter().find(|c| c.name == container.name);
        restarts += container.restart_count.max(0) as u32;
        note_last_restart(&mut last, container);
        if is_sidecar(spec) {
            sidecar_restarts += container.restart_count.max(0) as u32;
            note_last_restart(&mut last_sidecar, container);
        }
        let state = container.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if is_sidecar(spec) && container.started == Some(true) {
            if container.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => match t.signal.filter(|s| *s != 0) {
                    Some(signal) => format!("Init:Signal:{signal}"),
                    None => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if let Some(r) = waiting
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }

    let initialized = conditions
        .iter()
        .any(|c| c.type_ == "Initialized" && c.status == "True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last = last_sidecar;
        let mut has_running = false;
        for container in statuses.iter().rev() {
            restarts += container.restart_count.max(0) as u32;
            note_last_restart(&mut last, container);
            let state = container.state.as_ref();
            let waiting = state.and_then(|s| s.waiting.as_ref());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(r) = waiting
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty())
            {
                reason = r.to_string();
            } else if let Some(t) = terminated {
                reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => match t.signal.filter(|s| *s != 0) {
                        Some(signal) => format!("Signal:{signal}"),
                        None => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if container.ready && state.is_some_and(|s| s.running.is_some()) {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.to_string();
        }
    }

    let phase = status.phase.as_deref().unwrap_or_default();
    if pod.metadata.deletion_timestamp.is_some() {
        if status.reason.as_deref() == Some("NodeLost") {
            reason = "Unknown".to_string();
        } else if !matches!(phase, "Succeeded" | "Failed") {
            reason = "Terminating".to_string();
        }
    }

    let created_unix = pod.metadata.creation_timestamp.as_ref().map_or(now, unix);
    let last_unix = last.as_ref().map(|l| l.finished_unix);
    PodRow {
        name: pod.metadata.name.clone().unwrap_or_default(),
        ready: ready_column(ready, total),
        ready_containers: ready,
        total_containers: total,
        status: reason,
        restarts,
        restarts_text: restarts_column(restarts, last_unix, now),
        last_restart: last,
        age: pod.metadata.creation_timestamp.as_ref().map_or_else(
            || "<unknown>".to_string(),
            |t| human_duration(now - unix(t)),
        ),
        created_unix,
        node: spec
            .and_then(|s| s.node_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "<none>".to_string()),
    }
}

/// Keeps the latest `lastState.terminated` seen so far, as kubectl does.
fn note_last_restart(last: &mut Option<LastRestart>, container: &ContainerStatus) {
    let Some(terminated) = container
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
    else {
        return;
    };
    let Some(finished) = terminated.finished_at.as_ref().map(unix) else {
        return;
    };
    if last.as_ref().is_none_or(|l| l.finished_unix < finished) {
        *last = Some(LastRestart {
            reason: terminated.reason.clone().unwrap_or_default(),
            exit_code: Some(terminated.exit_code),
            container: container.name.clone(),
            finished_unix: finished,
        });
    }
}

/// Replica counts, revision and `kubectl rollout status`'s verdict.
pub fn deployment_status(deployment: &Deployment) -> DeploymentStatus {
    let name = deployment.metadata.name.clone().unwrap_or_default();
    let status = deployment.status.clone().unwrap_or_default();
    let desired = deployment
        .spec
        .as_ref()
        .and_then(|s| s.replicas)
        .unwrap_or(1)
        .max(0) as u32;
    let count = |n: Option<i32>| n.unwrap_or(0).max(0) as u32;
    let (replicas, updated, available) = (
        count(status.replicas),
        count(status.updated_replicas),
        count(status.available_replicas),
    );
    let observed =
        deployment.metadata.generation.unwrap_or(0) <= status.observed_generation.unwrap_or(0);
    let deadline_exceeded = status.conditions.iter().flatten().any(|c| {
        c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    });
    let waiting = |what: String| {
        (
            false,
            format!("Waiting for deployment \"{name}\" rollout to finish: {what}"),
        )
    };
    let (complete, message) = if !observed {
        (
            false,
            "Waiting for deployment spec update to be observed...".to_string(),
        )
    } else if deadline_exceeded {
        (
            false,
            format!("deployment \"{name}\" exceeded its progress deadline"),
        )
    } else if updated < desired {
        waiting(format!(
            "{updated} out of {desired} new replicas have been updated..."
        ))
    } else if replicas > updated {
        waiting(format!(
            "{} old replicas are pending termination...",
            replicas - updated
        ))
    } else if available < updated {
        waiting(format!(
            "{available} of {updated} updated replicas are available..."
        ))
    } else {
        (
            true,
            format!("deployment \"{name}\" successfully rolled out"),
        )
    };
    DeploymentStatus {
        revision: deployment
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get("deployment.kubernetes.io/revision").cloned()),
        name,
        desired,
        ready: count(status.ready_replicas),
        updated,
        available,
        rollout: Rollout { complete, message },
    }
}

/// Replica bounds and the CPU utilization target against its current value.
pub fn hpa_status(hpa: &HorizontalPodAutoscaler) -> HpaStatus {
    let spec = hpa.spec.as_ref();
    let status = hpa.status.as_ref();
    let max = spec.map_or(0, |s| s.max_replicas).max(0) as u32;
    let current = status.and_then(|s| s.current_replicas).unwrap_or(0).max(0) as u32;
    let cpu_target = cpu_percent(spec.and_then(|s| s.metrics.as_ref()), |m| {
        let r = m.resource.as_ref()?;
        Some((r.name.as_str(), r.target.average_utilization))
    });
    let cpu_current = cpu_percent(status.and_then(|s| s.current_metrics.as_ref()), |m| {
        let r = m.resource.as_ref()?;
        Some((r.name.as_str(), r.current.average_utilization))
    });
    HpaStatus {
        name: hpa.metadata.name.clone().unwrap_or_default(),
        min: spec.and_then(|s| s.min_replicas).unwrap_or(1).max(0) as u32,
        max,
        current,
        desired: status.map_or(0, |s| s.desired_replicas).max(0) as u32,
        cpu_target_percent: cpu_target,
        cpu_current_percent: cpu_current,
        at_max: max > 0 && current >= max,
    }
}

/// The first `cpu` resource metric's average utilization among an
/// autoscaler's metrics (its targets, or their current values): `resource`
/// gives a metric's resource name and utilization, if it is a resource
/// metric.
fn cpu_percent<M>(
    metrics: Option<&Vec<M>>,
    resource: impl Fn(&M) -> Option<(&str, Option<i32>)>,
) -> Option<u32> {
    metrics
        .into_iter()
        .flatten()
        .filter_map(resource)
        .find(|(name, _)| *name == "cpu")
        .and_then(|(_, utilization)| utilization)
        .map(|p| p.max(0) as u32)
}
