//! `runbook api` as a user runs it: a demo config from a file, a real
//! socket, and a bad config that names its file and line.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{api_config_error, assert_contains, start_demo_api, stop_with};

/// The `runbook api` command, before its options.
fn runbook_api() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_runbook"));
    command.arg("api");
    command
}

#[tokio::test]
async fn serves_the_demo_from_a_config_file() {
    let (_server, port, _dir) = start_demo_api(runbook_api(), "runbook api");
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
    let (mut server, port, _dir) = start_demo_api(runbook_api(), "runbook api");
    let mut kept = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(kept, "GET /api/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = kept.read(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let mut half = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    half.write_all(b"GET /api/v1/sl").unwrap();
    let exit = stop_with(
        &mut server.0,
        "-TERM",
        Duration::from_secs(8),
        "runbook api",
    );
    assert!(exit.success(), "{exit}");
}

#[test]
fn a_bad_config_names_file_and_line() {
    let stderr = api_config_error(runbook_api(), "backend: demo\ncache:\n  ttl_secs: 5\n");
    assert_contains(&stderr, "api.yaml:3:");
    assert!(
        stderr.contains("ttl_secs") && stderr.contains("fix:"),
        "{stderr}"
    );
}
