//! A real Alertmanager for tests: Debian's `prometheus-alertmanager`
//! started on 127.0.0.1 with a root route to a receiver that sends
//! nothing, and its v2 API to give it alerts and silences.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::free_port;

/// Never skips: without the binary this test fails and says what to
/// install (`scripts/prerequisites --test` installs it).
fn binary() -> PathBuf {
    let path = PathBuf::from("/usr/bin/prometheus-alertmanager");
    assert!(
        path.is_file(),
        "`prometheus-alertmanager` is not installed: this test needs a real Alertmanager. Install it with `apt-get install -y prometheus-alertmanager` (or run scripts/prerequisites --test)."
    );
    path
}

/// The Alertmanager process, killed when the test ends however it ends.
pub struct Alertmanager {
    child: Child,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Alertmanager {
    /// Stops it (SIGKILL), as an outage would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn start() -> Alertmanager {
    runbook::api::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("alertmanager.yml");
    // A root route to a receiver without integrations: nothing is sent.
    std::fs::write(
        &config,
        "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n",
    )
    .unwrap();
    let port = free_port();
    let child = Command::new(binary())
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        // Empty: no gossip, no cluster port.
        .arg("--cluster.listen-address=")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let am = Alertmanager {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = client.get(format!("{}/-/ready", am.url)).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return am;
        }
        assert!(
            Instant::now() < deadline,
            "Alertmanager at {} did not become ready within 30 s",
            am.url
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub async fn post(url: String, body: serde_json::Value) -> serde_json::Value {
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
