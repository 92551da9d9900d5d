//! What every test binary shares: where the workspace is, copying a
//! fixture tree, running a child process (to its end, collected as it
//! runs, or stopped by a signal), the API binaries on the demo backend,
//! a raw HTTP GET, and serving an axum router on a free loopback port.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// Runs `command` to its end; panics naming it and showing what it
/// printed unless it succeeded.
#[track_caller]
pub fn run_ok(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("start {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Starts `command` (the `runbook` binary, usually) with its stdout and
/// stderr collected into the returned text as they come.
pub fn spawn_collected(command: &mut Command) -> (Child, Arc<Mutex<String>>) {
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

/// Waits until something accepts connections on 127.0.0.1:`port`, for at
/// most `within`; `what` names the server when it never does.
pub fn wait_for_port(port: u16, within: Duration, what: &str) {
    let deadline = Instant::now() + within;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends `signal` (`-TERM`, `-INT`: what a rollout or Ctrl-C sends) to
/// `child` and waits at most `within` for it to exit; its exit status.
pub fn stop_with(child: &mut Child, signal: &str, within: Duration, what: &str) -> ExitStatus {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {signal} {what}: {status}");
    let deadline = Instant::now() + within;
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            return exit;
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not stop on {signal} within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `command` (`runbook api` or `runbook-api`) given `--config FILE`, FILE
/// an `api.yaml` in the returned folder holding `yaml`.
fn with_api_config(mut command: Command, yaml: &str) -> (Command, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("api.yaml");
    std::fs::write(&config, yaml).unwrap();
    command.arg("--config").arg(&config);
    (command, dir)
}

/// `command` (`runbook api` or `runbook-api`) on the demo backend over the
/// fixture site tests/fixtures/api, on a free port, accepting connections:
/// the process, its port, and the folder of its config.
pub fn start_demo_api(command: Command, what: &str) -> (KillOnDrop, u16, tempfile::TempDir) {
    let site = workspace().join("tests/fixtures/api/runbook.yaml");
    let yaml = format!("backend: demo\nsite: {}\n", site.display());
    let (mut command, dir) = with_api_config(command, &yaml);
    let port = free_port();
    let server = KillOnDrop(
        command
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port, Duration::from_secs(20), what);
    (server, port, dir)
}

/// Runs `command` (`runbook api` or `runbook-api`) on a config file
/// `api.yaml` holding `yaml`, which must fail: its stderr.
pub fn api_config_error(command: Command, yaml: &str) -> String {
    let (mut command, _dir) = with_api_config(command, yaml);
    let output = command.output().unwrap();
    assert!(!output.status.success(), "{command:?} took {yaml:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A GET over a plain socket, with `Connection: close` and `host` in its
/// `Host` header (what a browser sends after DNS rebinding, for one): the
/// whole answer, head and body, as text.
pub fn raw_get(port: u16, path: &str, host: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    String::from_utf8_lossy(&raw).into_owned()
}
