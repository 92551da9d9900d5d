//! The test builder: copy the fixture site to a temp folder, start
//! `runbook serve` on it (port 0: the OS picks a free one and the server
//! prints it), fetch pages, listen to live reload, edit files.

pub use crate::common::copy_tree;
use crate::common::spawn_collected;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_runbook");
pub const BASE: &str = "/Fixture/";

/// How long any single wait may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(15);

pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/serve/fixture")
}

/// A copy of the fixture in a temp folder.
pub fn copy_fixture() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), &tmp.path().join("content"));
    tmp
}

/// A running `runbook serve`, killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    pub tmp: tempfile::TempDir,
    output: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        Server::start_in(copy_fixture(), args)
    }

    pub fn start_in(tmp: tempfile::TempDir, args: &[&str]) -> Server {
        Server::start_on(tmp, 0, args)
    }

    /// `start_in` on a given port (0: one the OS picks): the origin of a
    /// site a browser visited before.
    pub fn start_on(tmp: tempfile::TempDir, port: u16, args: &[&str]) -> Server {
        let (mut child, output) = spawn_collected(
            Command::new(BIN)
                .arg("serve")
                .arg(tmp.path().join("content"))
                .args(["--bind", &format!("127.0.0.1:{port}")])
                .args(args),
        );
        let deadline = Instant::now() + PATIENCE;
        let port = loop {
            let text = output.lock().unwrap().clone();
            if let Some(port) = text
                .lines()
                .find_map(|l| l.split("http://127.0.0.1:").nth(1))
                .and_then(|rest| rest.split('/').next())
                .and_then(|p| p.parse().ok())
            {
                break port;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("runbook serve exited with {status}:\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "runbook serve did not start:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        Server {
            child,
            port,
            tmp,
            output,
        }
    }

    pub fn content(&self) -> PathBuf {
        self.tmp.path().join("content")
    }

    /// What the server printed so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits (bounded) until what the server printed satisfies `check`.
    /// The server prints before it tells the live-reload sockets, but its
    /// output reaches `output` through a pipe and a reader thread, which
    /// may lag behind a socket message under load.
    pub fn wait_for_output(&self, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.output();
            if check(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "the server never printed what was expected:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    pub fn get(&self, path: &str) -> Response {
        get(self.port, path)
    }

    /// A page of the site by output path, without the injected script.
    pub fn page(&self, file: &str) -> String {
        let response = self.get(&format!("{BASE}{}", encode_path(file)));
        assert_eq!(response.status, 200, "{file}: {}", response.text());
        String::from_utf8(strip_client(&response.body)).unwrap()
    }

    /// Live reload as the page `file` hears it.
    pub fn live(&self, file: &str) -> Live {
        let response = self.get(&format!("{BASE}{}", encode_path(file)));
        let html = response.text();
        let generation = attribute(&html, "data-generation").expect("injected script");
        let session = attribute(&html, "data-session").unwrap();
        Live::connect(self.port, &generation, &session)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.content().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Polls `file` until `check` holds for its text.
    pub fn wait_for_page(&self, file: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let response = self.get(&format!("{BASE}{}", encode_path(file)));
            let text = String::from_utf8_lossy(&strip_client(&response.body)).into_owned();
            if response.status == 200 && check(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{file} never showed the change:\n{text}\n--- server:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// GET `path` from the server on `port`; any status is an answer.
pub fn get(port: u16, path: &str) -> Response {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        // Redirects are what some tests look at.
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(PATIENCE))
        .build()
        .into();
    let mut response = agent
        .get(&format!("http://127.0.0.1:{port}{path}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap();
    Response {
        status: response.status().as_u16(),
        headers,
        body,
    }
}

/// Percent-encodes what a browser would in a path (non-ASCII, spaces).
pub fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The page as built: the dev server's script taken out again.
pub fn strip_client(html: &[u8]) -> Vec<u8> {
    let start_tag = b"<script src=\"/__runbook/client.js\"";
    let Some(start) = html.windows(start_tag.len()).position(|w| w == start_tag) else {
        return html.to_vec();
    };
    let end_tag = b"</script>";
    let end = start
        + html[start..]
            .windows(end_tag.len())
            .position(|w| w == end_tag)
            .unwrap()
        + end_tag.len();
    [&html[..start], &html[end..]].concat()
}

fn attribute(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("{name}=\""))? + name.len() + 2;
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// A live-reload connection, as the injected script opens it.
pub struct Live {
    socket: tungstenite::WebSocket<TcpStream>,
}

impl Live {
    pub fn connect(port: u16, generation: &str, session: &str) -> Live {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let url =
            format!("ws://127.0.0.1:{port}/__runbook/live?since={generation}&session={session}");
        let (socket, _) = tungstenite::client(url.as_str(), stream).expect("websocket handshake");
        Live { socket }
    }

    /// The next message, or `None` after `wait`.
    pub fn next(&mut self, wait: Duration) -> Option<Value> {
        self.socket
            .get_ref()
            .set_read_timeout(Some(wait.max(Duration::from_millis(1))))
            .unwrap();
        match self.socket.read() {
            Ok(tungstenite::Message::Text(text)) => Some(serde_json::from_str(&text).unwrap()),
            // The server's keep-alive pings (answered by tungstenite).
            Ok(tungstenite::Message::Ping(_) | tungstenite::Message::Pong(_)) => None,
            Ok(other) => panic!("unexpected message {other:?}"),
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                None
            }
            Err(e) => panic!("live reload socket: {e}"),
        }
    }

    /// Waits (bounded) for a message of `kind` ("built" or "failed"),
    /// skipping others.
    pub fn expect(&mut self, kind: &str) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no `{kind}` event within {PATIENCE:?}");
            if let Some(message) = self.next(left) {
                if message["kind"] == kind {
                    return message;
                }
            }
        }
    }
}

impl Live {
    /// Waits (bounded) for `built` events until one names `file`; returns
    /// every path they named. The search index swaps in as its own event
    /// after its build, so one edit may take two.
    pub fn expect_change(&mut self, file: &str) -> Vec<String> {
        let mut all = Vec::new();
        loop {
            let event = self.expect("built");
            let paths = changed(&event).expect("a list of changed paths");
            let found = paths.iter().any(|p| p == file);
            all.extend(paths);
            if found {
                return all;
            }
        }
    }
}

/// Output paths a `built` event names (`None`: "reload everything").
pub fn changed(message: &Value) -> Option<Vec<String>> {
    message["changed"].as_array().map(|paths| {
        paths
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect()
    })
}

/// Every file of a folder, by path below it.
pub fn files_below(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                let rel = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((rel, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    files.sort();
    files
}
