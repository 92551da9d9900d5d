//! `runbook api` as a user runs it: a demo config from a file, a real
//! socket, and a bad config that names its file and line.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::assert_contains;
use crate::common::{free_port, KillOnDrop};

/// `runbook api` on the demo configuration, on a free port, answering.
async fn start_demo() -> (KillOnDrop, u16, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let site = crate::support::workspace().join("tests/fixtures/api/runbook.yaml");
    let config = dir.path().join("api.yaml");
    std::fs::write(
        &config,
        format!("backend: demo\nsite: {}\n", site.display()),
    )
    .unwrap();
    let port = free_port();
    let server = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_runbook"))
            .args(["api", "--config"])
            .arg(&config)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "runbook api did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (server, port, dir)
}

#[tokio::test]
async fn serves_the_demo_from_a_config_file() {
    let (_server, port, _dir) = start_demo().await;
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

/// A rollout's SIGTERM stops the API cleanly within its 5 s of grace,
/// even with a keep-alive connection (an ingress's) and a half-open one.
#[tokio::test]
async fn sigterm_stops_cleanly_with_connections_open() {
    use std::io::{Read, Write};
    let (mut server, port, _dir) = start_demo().await;
    let mut kept = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(kept, "GET /api/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = kept.read(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let mut half = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    half.write_all(b"GET /api/v1/sl").unwrap();
    let status = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(8);
    let exit = loop {
        if let Some(exit) = server.0.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "runbook api did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit}");
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
    assert_contains(&stderr, "api.yaml:3:");
    assert!(
        stderr.contains("ttl_secs") && stderr.contains("fix:"),
        "{stderr}"
    );
}
