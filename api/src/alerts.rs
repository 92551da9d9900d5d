//! Firing alerts, whatever their source: built from an alert's labels and
//! annotations, given the runbook page that covers them (from a built
//! site's `alerts.json`, or the generator's own map in `runbook serve`),
//! and put in the order an on-call engineer reads them.

use std::collections::BTreeMap;
use std::path::Path;

use runbook_widgets::contract::{AlertPage, FiringAlert};
use runbook_widgets::severity::{self, Level};
use runbook_widgets::timestamp::format_rfc3339;
use serde::Deserialize;

use crate::config::ApiConfigError;

/// Alert name → the page that lists it in its front matter.
pub type AlertPages = BTreeMap<String, AlertPage>;

/// An alert from its labels and annotations. `summary` is the `summary`
/// annotation, else `description`.
pub fn firing(
    labels: BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
    starts_unix: i64,
    silenced: bool,
    inhibited: bool,
) -> FiringAlert {
    let name = labels.get("alertname").cloned().unwrap_or_default();
    let written = labels.get("severity").cloned();
    FiringAlert {
        name,
        level: written.as_deref().and_then(severity::level),
        severity: written,
        labels,
        starts_at: format_rfc3339(starts_unix),
        starts_unix,
        silenced,
        inhibited,
        summary: annotations
            .get("summary")
            .or_else(|| annotations.get("description"))
            .filter(|s| !s.trim().is_empty())
            .cloned(),
        page: None,
    }
}

/// Gives each alert its page, and orders them: the ones someone must act
/// on before silenced or inhibited ones, then most severe first, then the
/// longest firing first, then by name (a stable answer).
pub fn finish(mut alerts: Vec<FiringAlert>, pages: &AlertPages) -> Vec<FiringAlert> {
    for alert in &mut alerts {
        alert.page = page_of(pages, &alert.name).cloned();
    }
    alerts.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(a.starts_unix.cmp(&b.starts_unix))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.labels.cmp(&b.labels))
    });
    alerts
}

/// The page of `name`; kube-prometheus-style lower-cased names find it
/// too, as the site's lower-cased addresses do.
fn page_of<'a>(pages: &'a AlertPages, name: &str) -> Option<&'a AlertPage> {
    pages.get(name).or_else(|| {
        pages
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, page)| page)
    })
}

/// Sort key: muted last, then level (unknown and missing after info).
fn rank(alert: &FiringAlert) -> (bool, u8) {
    let level = match alert.level {
        Some(Level::Critical) => 0,
        Some(Level::Error) => 1,
        Some(Level::Warning) => 2,
        Some(Level::Info) => 3,
        Some(Level::Unknown) | None => 4,
    };
    (alert.silenced || alert.inhibited, level)
}

/// One entry of `alerts.json`; entries of alerts no page lists have no
/// `url` and are skipped. Other fields (`rules`, `severity`) are not ours.
#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: String,
}

/// Reads a built site's `alerts.json` (`runbook build` writes it).
pub fn load_pages(path: &Path) -> Result<AlertPages, ApiConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ApiConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let entries: BTreeMap<String, Entry> =
        serde_json::from_str(&text).map_err(|e| ApiConfigError::Invalid {
            path: path.to_path_buf(),
            line: e.line().max(1),
            column: e.column().max(1),
            message: format!("not an alert index: {e}"),
            hint: "point `alert_pages:` at the alerts.json of a site built by `runbook build`"
                .into(),
        })?;
    Ok(entries
        .into_iter()
        .filter_map(|(name, entry)| {
            let url = entry.url?;
            Some((
                name,
                AlertPage {
                    url,
                    title: entry.title,
                },
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(name: &str, severity: &str, starts: i64, silenced: bool) -> FiringAlert {
        let labels = BTreeMap::from([
            ("alertname".to_string(), name.to_string()),
            ("severity".to_string(), severity.to_string()),
        ]);
        firing(labels, &BTreeMap::new(), starts, silenced, false)
    }

    #[test]
    fn muted_last_then_most_severe_then_oldest() {
        let alerts = vec![
            alert("Warn", "warning", 100, false),
            alert("Muted", "critical", 10, true),
            alert("PageNew", "P1", 300, false),
            alert("PageOld", "critical", 200, false),
            alert("Odd", "whenever", 1, false),
        ];
        let names: Vec<_> = finish(alerts, &AlertPages::new())
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["PageOld", "PageNew", "Warn", "Odd", "Muted"]);
    }

    #[test]
    fn pages_are_found_as_written_and_lower_cased() {
        let pages = AlertPages::from([(
            "TekuTokoPodCrashLooping".to_string(),
            AlertPage {
                url: "POD_RESTARTS.html".into(),
                title: "Pod".into(),
            },
        )]);
        let alerts = vec![
            alert("TekuTokoPodCrashLooping", "critical", 1, false),
            alert("tekutokopodcrashlooping", "critical", 2, false),
            alert("Other", "critical", 3, false),
        ];
        let found: Vec<_> = finish(alerts, &pages)
            .into_iter()
            .map(|a| a.page.map(|p| p.url))
            .collect();
        assert_eq!(
            found,
            [
                Some("POD_RESTARTS.html".into()),
                Some("POD_RESTARTS.html".into()),
                None
            ]
        );
    }

    #[test]
    fn alerts_json_gives_the_listed_alerts_and_places_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alerts.json");
        std::fs::write(
            &path,
            r#"{"A": {"url": "a.html", "title": "A page", "severity": "CRITICAL"},
                "RuleOnly": {"rules": []}}"#,
        )
        .unwrap();
        let pages = load_pages(&path).unwrap();
        assert_eq!(pages.keys().collect::<Vec<_>>(), ["A"]);
        assert_eq!(pages["A"].title, "A page");
        std::fs::write(&path, "{\n\"A\": 3}").unwrap();
        let err = load_pages(&path).unwrap_err().to_string();
        assert!(err.contains("alerts.json:2:"), "{err}");
    }
}
