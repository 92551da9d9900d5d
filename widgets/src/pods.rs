//! Pod rows as `kubectl get pods` prints them: durations, the READY and
//! RESTARTS columns, and how alarming a STATUS is.
//!
//! The server fills the columns at the time it read the cluster; a panel
//! that redraws later recomputes AGE and RESTARTS with the same functions
//! from the raw timestamps in [`crate::contract::PodRow`].

use crate::contract::PodRow;

/// kubectl's `HumanDuration` (k8s.io/apimachinery/pkg/util/duration): about
/// two significant units, `45s`, `4m58s`, `12m`, `5h3m`, `3d4h`, `400d`, `2y3d`.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        return two_units(minutes, "m", seconds % 60, "s");
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        return two_units(hours, "h", minutes % 60, "m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        return two_units(hours / 24, "d", hours % 24, "h");
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        return two_units(hours / 24 / 365, "y", (hours / 24) % 365, "d");
    }
    format!("{}y", hours / 24 / 365)
}

/// `5h3m`, or `5h` when the smaller unit is zero: kubectl never writes `5h0m`.
fn two_units(larger: i64, larger_unit: &str, smaller: i64, smaller_unit: &str) -> String {
    match smaller {
        0 => format!("{larger}{larger_unit}"),
        _ => format!("{larger}{larger_unit}{smaller}{smaller_unit}"),
    }
}

/// The READY column: `ready/total`.
pub fn ready_column(ready: u32, total: u32) -> String {
    format!("{ready}/{total}")
}

/// The RESTARTS column: `5 (2m3s ago)`, or just the count when there were
/// none or kubectl knows no time for the last one.
pub fn restarts_column(restarts: u32, last_restart_unix: Option<i64>, now_unix: i64) -> String {
    match last_restart_unix {
        Some(at) if restarts > 0 => {
            format!("{restarts} ({} ago)", human_duration(now_unix - at))
        }
        _ => restarts.to_string(),
    }
}

/// The AGE column of a row, recomputed for `now_unix`.
pub fn age_column(row: &PodRow, now_unix: i64) -> String {
    human_duration(now_unix - row.created_unix)
}

/// How a panel should colour a STATUS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Running, Completed.
    Ok,
    /// On its way: Pending, ContainerCreating, Init:0/1, Terminating.
    Progressing,
    /// Needs a human: CrashLoopBackOff, OOMKilled, Error, ImagePullBackOff.
    Failing,
}

/// Classifies a STATUS as kubectl prints it. Unknown wording counts as
/// failing: a new reason from the kubelet is more likely bad news.
pub fn severity(status: &str) -> Severity {
    let reason = status.strip_prefix("Init:").unwrap_or(status);
    match reason {
        "Running" | "Completed" | "Succeeded" => Severity::Ok,
        "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating" | "SchedulingGated"
        | "NotReady" => Severity::Progressing,
        _ if status.starts_with("Init:") && is_init_progress(reason) => Severity::Progressing,
        _ => Severity::Failing,
    }
}

/// `Init:1/3` is progress, `Init:Error` is not.
fn is_init_progress(reason: &str) -> bool {
    reason
        .split_once('/')
        .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
}

/// Counts for a panel's headline: `4/5 ready, 1 failing, 17 restarts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PodSummary {
    pub total: u32,
    /// Pods whose every container is ready.
    pub ready: u32,
    pub failing: u32,
    pub progressing: u32,
    pub restarts: u32,
}

pub fn summarize(rows: &[PodRow]) -> PodSummary {
    rows.iter().fold(PodSummary::default(), |mut s, row| {
        s.total += 1;
        if row.total_containers > 0 && row.ready_containers == row.total_containers {
            s.ready += 1;
        }
        match severity(&row.status) {
            Severity::Failing => s.failing += 1,
            Severity::Progressing => s.progressing += 1,
            Severity::Ok => {}
        }
        s.restarts += row.restarts;
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_kubectl_prints_them() {
        let cases = [
            (-5, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (45, "45s"),
            (119, "119s"),
            (120, "2m"),
            (298, "4m58s"),
            (12 * 60 + 40, "12m"),
            (179 * 60, "179m"),
            (3 * 3600, "3h"),
            (5 * 3600 + 3 * 60, "5h3m"),
            (8 * 3600 + 59 * 60, "8h"),
            (47 * 3600, "47h"),
            (2 * 86400, "2d"),
            (3 * 86400 + 4 * 3600 + 59, "3d4h"),
            (8 * 86400, "8d"),
            (400 * 86400, "400d"),
            (2 * 365 * 86400, "2y"),
            (2 * 365 * 86400 + 3 * 86400, "2y3d"),
            (9 * 365 * 86400, "9y"),
        ];
        for (seconds, text) in cases {
            assert_eq!(human_duration(seconds), text, "{seconds} s");
        }
    }

    #[test]
    fn restarts_column_names_the_last_restart() {
        assert_eq!(restarts_column(0, None, 100), "0");
        assert_eq!(restarts_column(5, Some(1000), 1123), "5 (2m3s ago)");
        assert_eq!(restarts_column(5, None, 1123), "5");
        assert_eq!(ready_column(1, 2), "1/2");
    }

    #[test]
    fn statuses_by_severity() {
        for (status, expected) in [
            ("Running", Severity::Ok),
            ("Completed", Severity::Ok),
            ("Init:0/1", Severity::Progressing),
            ("ContainerCreating", Severity::Progressing),
            ("Terminating", Severity::Progressing),
            ("CrashLoopBackOff", Severity::Failing),
            ("Init:CrashLoopBackOff", Severity::Failing),
            ("OOMKilled", Severity::Failing),
            ("ExitCode:137", Severity::Failing),
        ] {
            assert_eq!(severity(status), expected, "{status}");
        }
    }

    #[test]
    fn summary_counts_ready_failing_and_restarts() {
        let row = |status: &str, ready, restarts| PodRow {
            status: status.to_string(),
            ready_containers: ready,
            total_containers: 1,
            restarts,
            ..PodRow::default()
        };
        let s = summarize(&[
            row("Running", 1, 0),
            row("CrashLoopBackOff", 0, 17),
            row("Pending", 0, 0),
        ]);
        assert_eq!(
            s,
            PodSummary {
                total: 3,
                ready: 1,
                failing: 1,
                progressing: 1,
                restarts: 17
            }
        );
    }
}
