//! `runbook-api`, the binary of the API's container image: the same server
//! as `runbook api`, started from a config file, answering on a socket,
//! and a bad config told at its file and line.

use std::process::Command;

// The test support the workspace's other test binaries share.
#[path = "../../tests/support/common.rs"]
mod common;
use common::{api_config_error, raw_get, start_demo_api};

fn runbook_api() -> Command {
    Command::new(env!("CARGO_BIN_EXE_runbook-api"))
}

#[test]
fn serves_the_demo_from_a_config_file() {
    let (_server, port, _dir) = start_demo_api(runbook_api(), "runbook-api");
    let answer = raw_get(port, "/api/v1/slos/availability", "127.0.0.1");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"id\":\"availability\""), "{answer}");
    assert!(answer.contains("\"demo\":true"), "{answer}");
}

#[test]
fn a_bad_config_names_its_file_and_line() {
    let stderr = api_config_error(runbook_api(), "backend: demo\ncache:\n  ttl_seconds: 0\n");
    assert!(
        stderr.contains("api.yaml:3:1: cache TTL of 0 s"),
        "{stderr}"
    );
    assert!(stderr.contains("fix: "), "{stderr}");
}
