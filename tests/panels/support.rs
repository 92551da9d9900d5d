//! Shared helpers: a copy of content/ with its live settings changed, the
//! `runbook` binary as a child process (serve, api, build), small axum
//! servers in the test process, and the page's panels read through the
//! browser.

use std::path::{Path, PathBuf};

use crate::common::{copy_tree, run_ok, spawn_collected};
pub use crate::common::{serve_router, workspace};
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::browser::Browser;

pub const BIN: &str = env!("CARGO_BIN_EXE_runbook");

/// How long one wait in a page may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A copy of the Japanese TekuToko runbook (content/) in `tmp/content`.
pub fn copy_content(tmp: &Path) -> PathBuf {
    let to = tmp.join("content");
    copy_tree(&workspace().join("content"), &to);
    to
}

/// Points the copy's panels at `api_url` and refreshes them every
/// `refresh_seconds` (the panels' floor is 5 s).
pub fn set_live(content: &Path, api_url: &str, refresh_seconds: u32) {
    let path = content.join("runbook.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let from = "live:\n  refresh_seconds: 15\n";
    assert!(
        yaml.contains(from),
        "content/runbook.yaml changed shape: update the panels tests"
    );
    let yaml = yaml.replace(
        from,
        &format!("live:\n  api_url: {api_url}\n  refresh_seconds: {refresh_seconds}\n"),
    );
    std::fs::write(path, yaml).unwrap();
}

/// `runbook build CONTENT -o OUT`.
pub fn build_site(content: &Path, out: &Path) {
    run_ok(
        Command::new(BIN)
            .arg("build")
            .arg(content)
            .arg("-o")
            .arg(out)
            .env("RUNBOOK_LOG", "warn"),
    );
}

/// A `runbook` child process, killed on drop.
pub struct Process {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Process {
    pub fn spawn(args: &[&std::ffi::OsStr]) -> Process {
        let (child, output) = spawn_collected(Command::new(BIN).args(args));
        Process { child, output }
    }

    /// `runbook serve CONTENT` on a free port, answering: the process and
    /// its base URL.
    pub fn serve(content: &Path) -> (Process, String) {
        let mut serve = Process::spawn(&[
            "serve".as_ref(),
            content.as_os_str(),
            "--bind".as_ref(),
            "127.0.0.1:0".as_ref(),
        ]);
        let url = serve.wait_for_url();
        (serve, url)
    }

    /// `runbook api --config CONFIG` on `port`, answering.
    pub fn api(config: &Path, port: u16) -> Process {
        let bind = format!("127.0.0.1:{port}");
        let mut api = Process::spawn(&[
            "api".as_ref(),
            "--config".as_ref(),
            config.as_os_str(),
            "--bind".as_ref(),
            bind.as_ref(),
        ]);
        api.wait_for_port(port);
        api
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits until a line of output holds `http://127.0.0.1:PORT…` and
    /// returns that address up to the end of the line.
    pub fn wait_for_url(&mut self) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.output();
            if let Some(url) = text
                .lines()
                .find_map(|l| l.find("http://127.0.0.1:").map(|i| &l[i..]))
            {
                return url.split_whitespace().next().unwrap().to_string();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("runbook exited with {status}:\n{text}");
            }
            assert!(Instant::now() < deadline, "runbook did not start:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until something accepts connections on `port`.
    pub fn wait_for_port(&mut self, port: u16) {
        let deadline = Instant::now() + PATIENCE;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("runbook exited with {status}:\n{}", self.output());
            }
            assert!(
                Instant::now() < deadline,
                "nothing listens on {port}:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL, as when the API's pod is evicted: no goodbye.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A golden API answer (tests/fixtures/api/, written by the API's tests).
pub fn golden(name: &str) -> Value {
    let path = workspace().join("tests/fixtures/api").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What a test reads off one panel (`section.panel[data-panel=KIND]`).
pub const PANEL_JS: &str = r#"
const kind = arguments[0];
const s = document.querySelector(`section.panel[data-panel="${kind}"]`);
if (!s) return null;
const q = (sel) => s.querySelector(sel);
const text = (sel) => { const e = q(sel); return e ? e.textContent : null; };
const live = q('.panel-live');
const rows = [...s.querySelectorAll('.panel-body table.pod-table tbody tr')].map(tr =>
  [...tr.children].map(c => c.textContent.trim()));
return {
  live: s.getAttribute('data-live'),
  state: s.getAttribute('data-state'),
  stateText: text('.panel-state'),
  stateRole: q('.panel-state') && q('.panel-state').getAttribute('role'),
  age: text('.panel-age'),
  ariaLive: q('[aria-live]') && q('[aria-live]').getAttribute('aria-live'),
  announce: text('.panel-announce'),
  body: text('.panel-body'),
  bodyChildren: q('.panel-body') ? q('.panel-body').childElementCount : 0,
  liveHeight: live ? live.getBoundingClientRect().height : null,
  liveScroll: live ? live.scrollHeight : null,
  liveClient: live ? live.clientHeight : null,
  liveScrollWidth: live ? live.scrollWidth : null,
  liveClientWidth: live ? live.clientWidth : null,
  rows,
  // For failure messages: what the box held.
  liveHtml: live ? live.innerHTML.slice(0, 2000) : null,
};
"#;

/// One panel of the open page, as [`PANEL_JS`] reads it.
pub async fn panel(browser: &Browser, kind: &str) -> Value {
    browser
        .client
        .execute(PANEL_JS, vec![Value::from(kind)])
        .await
        .unwrap_or_else(|e| panic!("reading the {kind} panel: {e}"))
}

/// Polls the panel of `kind` until `check` holds; panics with what the
/// panel showed last.
pub async fn wait_panel(
    browser: &Browser,
    kind: &str,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let p = panel(browser, kind).await;
        if check(&p) {
            return p;
        }
        assert!(
            Instant::now() < deadline,
            "the {kind} panel never showed {what}:\n{p:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of every element `selector` finds in the open page, in
/// document order.
pub async fn texts(browser: &Browser, selector: &str) -> Vec<String> {
    let found = browser
        .client
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)",
            vec![Value::from(selector)],
        )
        .await
        .unwrap_or_else(|e| panic!("reading the texts of {selector}: {e}"));
    serde_json::from_value(found).unwrap()
}

/// A string field of what [`panel`] read ("" when absent).
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}
