//! Severity words and the four levels they map to, shared by the
//! generator (a page's `severity:`, the alert index) and the API (an
//! alert's `severity` label), so one word means one level everywhere.
//!
//! Teams bring the words of their pager or their alert rules: Prometheus
//! rules say `critical` and `warning` in lower case, PagerDuty and
//! Opsgenie say `P1`…`P5`, incident processes say `SEV1`, ticket systems
//! `high`/`medium`/`low`. All of these are read as written, in any case.

use serde::{Deserialize, Serialize};

/// The display levels, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Critical,
    Error,
    Warning,
    Info,
    /// A level this reader does not know (a newer server).
    #[serde(other)]
    Unknown,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Critical, Level::Error, Level::Warning, Level::Info];

    /// The name shown on the badge (`CRITICAL`).
    pub fn name(self) -> &'static str {
        match self {
            Level::Critical => "CRITICAL",
            Level::Error => "ERROR",
            Level::Warning => "WARNING",
            Level::Info => "INFO",
            Level::Unknown => "UNKNOWN",
        }
    }

    /// The CSS class suffix (`sev-critical`).
    pub fn class(self) -> &'static str {
        match self {
            Level::Critical => "critical",
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
            Level::Unknown => "other",
        }
    }
}

/// Every spelling read, normalised (lower case, without spaces, `-` and
/// `_`), and its level. README.md's severity table is this table.
pub const TABLE: &[(&str, Level)] = &[
    // Prometheus and Alertmanager, syslog, Zabbix, PagerDuty's own words.
    ("critical", Level::Critical),
    ("crit", Level::Critical),
    ("page", Level::Critical),
    ("pager", Level::Critical),
    ("emergency", Level::Critical),
    ("emerg", Level::Critical),
    ("alert", Level::Critical),
    ("fatal", Level::Critical),
    ("disaster", Level::Critical),
    ("blocker", Level::Critical),
    ("high", Level::Critical),
    ("p0", Level::Critical),
    ("p1", Level::Critical),
    ("sev0", Level::Critical),
    ("sev1", Level::Critical),
    ("s1", Level::Critical),
    ("error", Level::Error),
    ("err", Level::Error),
    ("major", Level::Error),
    ("p2", Level::Error),
    ("sev2", Level::Error),
    ("s2", Level::Error),
    ("warning", Level::Warning),
    ("warn", Level::Warning),
    ("medium", Level::Warning),
    ("moderate", Level::Warning),
    ("average", Level::Warning),
    ("minor", Level::Warning),
    ("ticket", Level::Warning),
    ("p3", Level::Warning),
    ("sev3", Level::Warning),
    ("s3", Level::Warning),
    ("info", Level::Info),
    ("information", Level::Info),
    ("informational", Level::Info),
    ("notice", Level::Info),
    ("low", Level::Info),
    ("none", Level::Info),
    ("debug", Level::Info),
    ("p4", Level::Info),
    ("p5", Level::Info),
    ("sev4", Level::Info),
    ("sev5", Level::Info),
    ("s4", Level::Info),
    ("s5", Level::Info),
];

/// The level `written` maps to: case, spaces, `-` and `_` do not matter
/// (`SEV-1`, `sev 1`, `Sev1` are one word).
pub fn level(written: &str) -> Option<Level> {
    let key: String = written
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '\t'))
        .flat_map(char::to_lowercase)
        .collect();
    TABLE
        .iter()
        .find(|(word, _)| *word == key)
        .map(|&(_, level)| level)
}
