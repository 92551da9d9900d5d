//! A real Alertmanager for tests: Debian's `prometheus-alertmanager`
//! started on 127.0.0.1 with a root route to a receiver that sends
//! nothing, and its v2 API to give it alerts and silences.

#![allow(dead_code)]

use std::process::Command;
use std::time::Duration;

use crate::upstream::{installed, Upstream};

/// Debian's `prometheus-alertmanager` on a free port, ready, with a root
/// route to a receiver without integrations: nothing is sent.
pub async fn start() -> Upstream {
    let binary = installed(
        "prometheus-alertmanager",
        "a real Alertmanager",
        "prometheus-alertmanager",
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("alertmanager.yml");
    std::fs::write(
        &config,
        "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n",
    )
    .unwrap();
    let storage = dir.path().join("data");
    Upstream::start(dir, Duration::from_secs(30), |port| {
        let mut command = Command::new(binary);
        command
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.path={}", storage.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            // Empty: no gossip, no cluster port.
            .arg("--cluster.listen-address=");
        command
    })
    .await
}

/// Gives `am` the alerts of the list `alerts`, which fire from now on.
pub async fn fire(am: &Upstream, alerts: serde_json::Value) {
    post(format!("{}/api/v2/alerts", am.url), alerts).await;
}

/// Gives `am` a silence; its answer (the silence's id).
pub async fn silence(am: &Upstream, silence: serde_json::Value) -> serde_json::Value {
    post(format!("{}/api/v2/silences", am.url), silence).await
}

async fn post(url: String, body: serde_json::Value) -> serde_json::Value {
    let reply = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = reply.status();
    let text = reply.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// One alert as `POST /api/v2/alerts` takes it, started `minutes_ago`.
pub fn alert(
    name: &str,
    severity: &str,
    minutes_ago: i64,
    extra: serde_json::Value,
) -> serde_json::Value {
    let now = now();
    let mut labels =
        serde_json::json!({"alertname": name, "severity": severity, "namespace": "default"});
    labels
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    serde_json::json!({
        "labels": labels,
        "annotations": {"summary": format!("{name} is firing")},
        "startsAt": runbook_widgets::timestamp::format_rfc3339(now - minutes_ago * 60),
        "endsAt": runbook_widgets::timestamp::format_rfc3339(now + 3600),
    })
}
