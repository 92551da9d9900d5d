//! The pod panel: the Deployment's ready/desired and revision, its
//! autoscaler (with "at max" called out), and a `kubectl get pods` table
//! with problem pods first and marked in words as well as colour.

use crate::contract::{PodRow, WorkloadStatus};
use crate::pods::{human_duration, restarts_column, severity, summarize, Severity};

use super::slo::demo_badge;
use super::view::{el, Element, Node};
use crate::language::PanelWords;

/// Problem pods first (failing, then progressing), each group in the
/// server's (kubectl's, by name) order.
pub fn ordered(rows: &[PodRow]) -> Vec<&PodRow> {
    let mut rows: Vec<&PodRow> = rows.iter().collect();
    // `sort_by_key` is stable: names stay in order within a group.
    rows.sort_by_key(|row| match severity(&row.status) {
        Severity::Failing => 0,
        Severity::Progressing => 1,
        Severity::Ok => 2,
    });
    rows
}

/// `now_unix` is the cluster's clock now (the answer's `generated_at`
/// plus the time since), so AGE and RESTARTS read as kubectl's would.
pub fn panel(w: &WorkloadStatus, demo: bool, now_unix: i64, s: &PanelWords) -> Node {
    el("div")
        .class("pods")
        .child(deployment(w, demo, s))
        .children(w.hpa.as_ref().map(|_| Node::from(hpa(w, s))))
        .child(summary(w, s))
        .child(table(&w.pods, now_unix, s))
        .into()
}

fn deployment(w: &WorkloadStatus, demo: bool, s: &PanelWords) -> Element {
    let d = &w.deployment;
    let healthy = d.ready >= d.desired && d.rollout.complete;
    let mut line = el("p")
        .class(if healthy {
            "pods-deployment status-ok"
        } else {
            "pods-deployment status-ticket"
        })
        .text(format!("{} ", s.deployment))
        .child(el("code").text(d.name.clone()))
        .text(": ")
        .child(el("strong").text(format!("{}/{} {}", d.ready, d.desired, s.ready)));
    if let Some(revision) = &d.revision {
        line = line.text(format!(" · {} {revision}", s.revision));
    }
    let rollout = if d.rollout.complete && d.rollout.message.is_empty() {
        s.rollout_done.to_string()
    } else {
        d.rollout.message.clone()
    };
    if !rollout.is_empty() {
        line = line
            .text(" · ")
            .child(el("span").class("rollout").text(rollout));
    }
    if demo {
        line = line.text(" ").child(demo_badge(s));
    }
    line
}

fn hpa(w: &WorkloadStatus, s: &PanelWords) -> Element {
    let Some(h) = &w.hpa else {
        return el("p");
    };
    let mut line = el("p")
        .class(if h.at_max {
            "pods-hpa status-page"
        } else {
            "pods-hpa status-ok"
        })
        .text(format!("{} ", s.autoscaler))
        .child(el("code").text(h.name.clone()))
        .text(format!(
            ": {} {} / {} {} (min {}, max {})",
            s.hpa_current, h.current, s.hpa_desired, h.desired, h.min, h.max
        ));
    let cpu = match (h.cpu_current_percent, h.cpu_target_percent) {
        (Some(now), Some(target)) => Some(format!("{} {now}% / {} {target}%", s.cpu, s.target)),
        (None, Some(target)) => Some(format!("{} ? / {} {target}%", s.cpu, s.target)),
        (Some(now), None) => Some(format!("{} {now}%", s.cpu)),
        (None, None) => None,
    };
    if let Some(cpu) = cpu {
        let over =
            matches!((h.cpu_current_percent, h.cpu_target_percent), (Some(n), Some(t)) if n > t);
        line = line.text(" · ").child(
            el("span")
                .class(if over { "cpu over" } else { "cpu" })
                .text(cpu),
        );
    }
    if h.at_max {
        line = line
            .text(" · ")
            .child(el("strong").class("at-max").text(format!("✖ {}", s.at_max)));
    }
    line
}

fn summary(w: &WorkloadStatus, s: &PanelWords) -> Element {
    let sum = summarize(&w.pods);
    let mut parts = vec![format!(
        "{} {}, {} {}",
        sum.total, s.pods, sum.ready, s.ready
    )];
    if sum.failing > 0 {
        parts.push(format!("{} {}", sum.failing, s.failing));
    }
    if sum.progressing > 0 {
        parts.push(format!("{} {}", sum.progressing, s.progressing));
    }
    parts.push(format!("{} {}", sum.restarts, s.restarts));
    el("p")
        .class(if sum.failing > 0 {
            "pods-summary status-page"
        } else {
            "pods-summary"
        })
        .text(parts.join(" · "))
}

fn table(rows: &[PodRow], now_unix: i64, s: &PanelWords) -> Element {
    if rows.is_empty() {
        return el("p").class("pods-empty").text(s.no_pods);
    }
    let head = el("tr").children(
        [
            s.col_name,
            s.col_ready,
            s.col_status,
            s.col_restarts,
            s.col_last_reason,
            s.col_age,
            s.col_node,
        ]
        .into_iter()
        .map(|h| el("th").attr("scope", "col").text(h).into()),
    );
    let body = el("tbody").children(
        ordered(rows)
            .into_iter()
            .map(|row| self::row(row, now_unix, s).into()),
    );
    el("div").class("table-wrap").child(
        el("table")
            .class("pod-table")
            .child(el("caption").class("visually-hidden").text(s.pods))
            .child(el("thead").child(head))
            .child(body),
    )
}

fn row(row: &PodRow, now_unix: i64, s: &PanelWords) -> Element {
    let sev = severity(&row.status);
    let (class, mark) = match sev {
        Severity::Failing => ("pod-failing", Some(("✖", s.mark_failing))),
        Severity::Progressing => ("pod-progressing", Some(("…", s.mark_progressing))),
        Severity::Ok => ("pod-ok", None),
    };
    let mut status = el("td").class("pod-status");
    if let Some((symbol, words)) = mark {
        status = status
            .child(
                el("span")
                    .class("pod-mark")
                    .attr("aria-hidden", "true")
                    .text(format!("{symbol} ")),
            )
            .child(
                el("span")
                    .class("visually-hidden")
                    .text(format!("{words}: ")),
            );
    }
    status = status.text(row.status.clone());
    let restarts = restarts_column(
        row.restarts,
        row.last_restart.as_ref().map(|l| l.finished_unix),
        now_unix,
    );
    let reason = match &row.last_restart {
        Some(last) if row.restarts > 0 => match last.exit_code {
            Some(code) => format!("{} (exit {code})", last.reason),
            None => last.reason.clone(),
        },
        _ => String::new(),
    };
    let ready_class = if row.total_containers > 0 && row.ready_containers == row.total_containers {
        "pod-ready"
    } else {
        "pod-ready not-ready"
    };
    el("tr")
        .class(class)
        .child(
            el("th")
                .attr("scope", "row")
                .child(el("code").text(row.name.clone())),
        )
        .child(el("td").class(ready_class).text(row.ready.clone()))
        .child(status)
        .child(
            el("td")
                .class(if row.restarts > 0 {
                    "pod-restarts over"
                } else {
                    "pod-restarts"
                })
                .text(restarts),
        )
        .child(el("td").class("pod-reason").text(reason))
        .child(el("td").text(human_duration(now_unix - row.created_unix)))
        .child(el("td").class("pod-node").text(row.node.clone()))
}
