//! Alert rules: the other side of a runbook. Rule files are read
//! (`read`, placed by `locate`), their `runbook_url`s resolved against the
//! site (`url`), and both sides checked against each other (`check`).

pub mod check;
pub mod locate;
pub mod read;
pub mod show;
pub mod url;

use std::collections::BTreeMap;

use crate::error::{Location, Warning};

/// One alerting rule, as a rule file defines it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    pub name: String,
    pub expr: String,
    /// `for:` as written (`5m`), when present.
    pub for_: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// The group's `name:`.
    pub group: String,
    /// Where `alert: Name` is written.
    pub at: Location,
    /// The `runbook_url` (or `runbook`) annotation, when the rule has one.
    pub runbook: Option<RunbookLink>,
    /// Where the `severity` label is written (else the `alert:` line).
    pub severity_at: Location,
}

/// A rule's link to its runbook.
#[derive(Debug, Clone, PartialEq)]
pub struct RunbookLink {
    /// The annotation's key: `runbook_url` or `runbook`.
    pub key: String,
    pub url: String,
    pub at: Location,
}

impl AlertRule {
    /// The `severity` label, when set.
    pub fn severity(&self) -> Option<&str> {
        self.labels.get("severity").map(String::as_str)
    }

    /// The `summary` annotation (or `message`, as older mixins write it).
    pub fn summary(&self) -> Option<&str> {
        self.annotations
            .get("summary")
            .or_else(|| self.annotations.get("message"))
            .map(String::as_str)
    }
}

/// Every alert read from the rule files given, and what could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub alerts: Vec<AlertRule>,
    /// Rule files read.
    pub files: usize,
    /// Recording rules (`record:`) passed over.
    pub recording: usize,
    /// Files or documents that could not be read, each with its fix.
    pub problems: Vec<Warning>,
}

impl Rules {
    /// Every rule defining `name` (an alert may be defined in several
    /// groups, e.g. once per severity), in file order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a AlertRule> + 'a {
        self.alerts.iter().filter(move |a| a.name == name)
    }
}
