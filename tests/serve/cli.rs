//! The command line around the server: a port in use, and Ctrl-C.

use std::process::Command;
use std::time::Duration;

use crate::common::{assert_contains, stop_with};
use crate::harness::{Server, BIN};

#[test]
fn a_port_in_use_names_the_port_and_the_fix() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let output = Command::new(BIN)
        .arg("serve")
        .arg(crate::harness::fixture())
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_contains(&stderr, &format!("port {port} is already in use"));
    assert_contains(&stderr, "--bind 127.0.0.1:");
}

#[test]
fn ctrl_c_stops_cleanly_with_a_page_connected() {
    let mut server = Server::start(&[]);
    let _live = server.live("index.html");
    let exit = stop_with(server.child(), "-INT", Duration::from_secs(10), "serve");
    assert!(exit.success(), "{exit}: {}", server.output());
    server.wait_for_output(|out| out.contains("Stopped."));
}
