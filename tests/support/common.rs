//! What every test binary shares: where the workspace is, copying a
//! fixture tree, collecting a child process's output, and serving an axum
//! router on a free loopback port.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A free TCP port on the loopback interface (bound, then released for
/// the server the test starts on it at once).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process that is killed and reaped when the test ends, even
/// when it fails.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Panics showing `text` unless it holds `needle`.
#[track_caller]
pub fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} is missing from:\n{text}");
}

/// Panics showing `text` if it holds `needle`.
#[track_caller]
pub fn assert_lacks(text: &str, needle: &str) {
    assert!(
        !text.contains(needle),
        "{needle:?} should not be in:\n{text}"
    );
}

/// The workspace root (tests live in `tests/`, the crate in `generator/`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Copies the folder `from` to `to`, recursively (a fixture into a temp
/// folder the test may edit).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Starts `command` (the `runbook` binary, usually) with its stdout and
/// stderr collected into the returned text as they come.
pub fn spawn_collected(
    command: &mut std::process::Command,
) -> (std::process::Child, Arc<Mutex<String>>) {
    use std::process::Stdio;
    let mut child = command
        .env("RUNBOOK_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {command:?}: {e}"));
    let output = Arc::new(Mutex::new(String::new()));
    collect_lines(child.stdout.take().unwrap(), output.clone());
    collect_lines(child.stderr.take().unwrap(), output.clone());
    (child, output)
}

/// Appends every line `stream` yields to `into`, from a thread: a child
/// process's stdout or stderr, read while the test goes on.
pub fn collect_lines(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let mut text = into.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
}

/// Serves `router` on a free loopback port for the rest of the test.
pub async fn serve_router(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    addr
}
