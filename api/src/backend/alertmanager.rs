//! Firing alerts from Alertmanager's v2 API (`GET /api/v2/alerts`), with
//! the configured `active`, `silenced`, `inhibited` flags and `filter`
//! matchers. Read-only: nothing is ever posted.
//!
//! The body is parsed strictly in what is used (labels, annotations,
//! `startsAt`, `status`) and tolerant of everything else, so a newer
//! Alertmanager's extra fields do not break the panel.

use std::collections::BTreeMap;

use reqwest::Url;
use runbook_widgets::contract::FiringAlert;
use runbook_widgets::timestamp::parse_rfc3339;
use serde::Deserialize;

use super::http::{self, HttpUpstream};
use super::{AlertBackend, Fetch, UpstreamError};
use crate::config::AlertmanagerConfig;

pub struct AlertmanagerBackend {
    http: HttpUpstream,
    /// `/api/v2/alerts` with the query the configuration asks for.
    alerts_url: Url,
}

impl AlertmanagerBackend {
    pub fn new(
        config: &AlertmanagerConfig,
        timeout: std::time::Duration,
    ) -> Result<Self, UpstreamError> {
        let mut alerts_url = http::join(&config.url, "/api/v2/alerts", "Alertmanager")?;
        {
            let mut query = alerts_url.query_pairs_mut();
            query
                .append_pair("active", &config.active.to_string())
                .append_pair("silenced", &config.silenced.to_string())
                .append_pair("inhibited", &config.inhibited.to_string())
                .append_pair("unprocessed", &config.active.to_string());
            for matcher in &config.filter {
                query.append_pair("filter", matcher.trim());
            }
        }
        Ok(AlertmanagerBackend {
            http: HttpUpstream::new(&config.headers, config.bearer_token_file.clone(), timeout)?,
            alerts_url,
        })
    }
}

impl AlertBackend for AlertmanagerBackend {
    fn alerts(&self, _now: i64) -> Fetch<'_, Vec<FiringAlert>> {
        Box::pin(async move {
            let (status, body) = self.http.get(self.alerts_url.clone()).await?;
            if !status.is_success() {
                return Err(UpstreamError::Status {
                    status: status.as_u16(),
                });
            }
            parse(&body)
        })
    }

    fn source(&self) -> &'static str {
        "alertmanager"
    }
}

/// One `GettableAlert` of Alertmanager's OpenAPI, the fields read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GettableAlert {
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    starts_at: String,
    status: AlertStatus,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AlertStatus {
    /// `active`, `suppressed` (silenced or inhibited) or `unprocessed`.
    state: String,
    #[serde(default)]
    silenced_by: Vec<String>,
    #[serde(default)]
    inhibited_by: Vec<String>,
}

/// The body of `GET /api/v2/alerts`: a JSON list of alerts.
pub fn parse(body: &[u8]) -> Result<Vec<FiringAlert>, UpstreamError> {
    let alerts: Vec<GettableAlert> =
        serde_json::from_slice(body).map_err(|e| UpstreamError::Malformed(e.to_string()))?;
    alerts
        .into_iter()
        .map(|alert| {
            if !matches!(
                alert.status.state.as_str(),
                "active" | "suppressed" | "unprocessed"
            ) {
                return Err(UpstreamError::Malformed(format!(
                    "alert state `{}`",
                    alert.status.state
                )));
            }
            let starts = parse_rfc3339(&alert.starts_at).ok_or_else(|| {
                UpstreamError::Malformed(format!("startsAt `{}`", alert.starts_at))
            })?;
            if !alert.labels.contains_key("alertname") {
                return Err(UpstreamError::Malformed("alert without alertname".into()));
            }
            Ok(crate::alerts::firing(
                alert.labels,
                &alert.annotations,
                starts,
                !alert.status.silenced_by.is_empty(),
                !alert.status.inhibited_by.is_empty(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use runbook_widgets::severity::Level;

    /// Two alerts as Alertmanager 0.25 lists them: one firing, one
    /// silenced, with fields this reader does not use.
    const BODY: &str = r#"[
      {"annotations": {"summary": "Pod tekutoko-api-x is crash looping", "runbook_url": "https://x/alerts/A.html"},
       "endsAt": "2026-12-06T07:05:00.000Z", "fingerprint": "4f1c0e0d1a2b3c4d",
       "receivers": [{"name": "null"}], "startsAt": "2026-12-06T06:10:00.123Z",
       "status": {"inhibitedBy": [], "silencedBy": [], "state": "active"},
       "updatedAt": "2026-12-06T06:40:00.000Z", "generatorURL": "http://prometheus/graph",
       "labels": {"alertname": "TekuTokoPodCrashLooping", "pod": "tekutoko-api-x", "severity": "critical"}},
      {"annotations": {"description": "HPA at max"},
       "endsAt": "2026-12-06T07:05:00.000Z", "fingerprint": "0a0b",
       "receivers": [{"name": "null"}], "startsAt": "2026-12-06T06:20:00+09:00",
       "status": {"inhibitedBy": [], "silencedBy": ["2d3b9d5e-0000"], "state": "suppressed"},
       "updatedAt": "2026-12-06T06:40:00.000Z",
       "labels": {"alertname": "TekuTokoHPAMaxedOut", "severity": "warning"}}
    ]"#;

    #[test]
    fn reads_alertmanager_v2_alerts() {
        let alerts = parse(BODY.as_bytes()).unwrap();
        assert_eq!(alerts.len(), 2);
        let crash = &alerts[0];
        assert_eq!(crash.name, "TekuTokoPodCrashLooping");
        assert_eq!(crash.level, Some(Level::Critical));
        assert_eq!(crash.labels["pod"], "tekutoko-api-x");
        assert_eq!(crash.starts_at, "2026-12-06T06:10:00Z");
        assert!(!crash.silenced && !crash.inhibited);
        assert_eq!(
            crash.summary.as_deref(),
            Some("Pod tekutoko-api-x is crash looping")
        );
        let hpa = &alerts[1];
        assert!(hpa.silenced);
        assert_eq!(hpa.starts_at, "2026-12-05T21:20:00Z");
        assert_eq!(hpa.summary.as_deref(), Some("HPA at max"));
        assert_eq!(hpa.level, Some(Level::Warning));
    }

    #[test]
    fn broken_alerts_are_errors_not_guesses() {
        for body in [
            r#"{"alerts": []}"#,
            r#"[{"labels": {"alertname": "A"}, "startsAt": "yesterday", "status": {"state": "active"}}]"#,
            r#"[{"labels": {"pod": "p"}, "startsAt": "2026-12-06T06:10:00Z", "status": {"state": "active"}}]"#,
            r#"[{"labels": {"alertname": "A"}, "startsAt": "2026-12-06T06:10:00Z", "status": {"state": "resolved"}}]"#,
        ] {
            assert!(parse(body.as_bytes()).is_err(), "{body}");
        }
        assert_eq!(parse(b"[]").unwrap(), []);
    }

    #[test]
    fn the_query_carries_the_configured_flags_and_filters() {
        let config = AlertmanagerConfig {
            url: "http://am:9093/prefix/".into(),
            bearer_token_file: None,
            headers: Default::default(),
            filter: vec!["namespace=\"default\"".into()],
            active: true,
            silenced: false,
            inhibited: true,
        };
        let backend = AlertmanagerBackend::new(&config, std::time::Duration::from_secs(1)).unwrap();
        assert_eq!(
            backend.alerts_url.as_str(),
            "http://am:9093/prefix/api/v2/alerts?active=true&silenced=false&inhibited=true&unprocessed=true&filter=namespace%3D%22default%22"
        );
    }
}
