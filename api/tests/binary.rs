//! `runbook-api`, the binary of the API's container image: the same server
//! as `runbook api`, started from a config file, answering on a socket,
//! and a bad config told at its file and line.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// The test support the workspace's other test binaries share.
#[path = "../../tests/support/common.rs"]
mod common;
use common::{free_port, KillOnDrop};

fn fixture_site() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/api/runbook.yaml")
}

fn get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn serves_the_demo_from_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("api.yaml");
    std::fs::write(
        &config,
        format!("backend: demo\nsite: {}\n", fixture_site().display()),
    )
    .unwrap();
    let port = free_port();
    let _server = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_runbook-api"))
            .arg("--config")
            .arg(&config)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "runbook-api did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let answer = get(port, "/api/v1/slos/availability");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"id\":\"availability\""), "{answer}");
    assert!(answer.contains("\"demo\":true"), "{answer}");
}

#[test]
fn a_bad_config_names_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("api.yaml");
    std::fs::write(&config, "backend: demo\ncache:\n  ttl_seconds: 0\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_runbook-api"))
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("api.yaml:3:1: cache TTL of 0 s"),
        "{stderr}"
    );
    assert!(stderr.contains("fix: "), "{stderr}");
}
