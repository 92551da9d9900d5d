//! `runbook api` as a user runs it: a demo config from a file, a real
//! socket, and a bad config that names its file and line.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the server however the test ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serves_the_demo_from_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let site = crate::support::workspace().join("tests/fixtures/api/runbook.yaml");
    let config = dir.path().join("api.yaml");
    std::fs::write(
        &config,
        format!("backend: demo\nsite: {}\n", site.display()),
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_runbook"))
            .args(["api", "--config"])
            .arg(&config)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    runbook::api::install_crypto_provider();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let health = loop {
        match client
            .get(format!("http://127.0.0.1:{port}/api/healthz"))
            .send()
            .await
        {
            Ok(r) => break r,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            Err(e) => panic!("runbook api did not start: {e}"),
        }
    };
    assert_eq!(health.status(), 200);
    let slos = client
        .get(format!("http://127.0.0.1:{port}/api/v1/slos"))
        .send()
        .await
        .unwrap();
    assert_eq!(slos.status(), 200);
    let text = slos.text().await.unwrap();
    let list =
        runbook_widgets::contract::decode::<runbook_widgets::contract::SloList>(&text).unwrap();
    assert!(list.demo);
    assert_eq!(list.data.slos.len(), 3);
}

#[test]
fn a_bad_config_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("api.yaml");
    std::fs::write(&config, "backend: demo\ncache:\n  ttl_secs: 5\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(["api", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("api.yaml:3:"), "{stderr}");
    assert!(
        stderr.contains("ttl_secs") && stderr.contains("fix:"),
        "{stderr}"
    );
}
