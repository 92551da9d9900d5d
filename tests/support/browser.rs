//! A real browser for tests: Debian's Chromium, headless, driven through
//! chromedriver with fantoccini. Shared by the test targets that look at
//! pages the way a reader does.
//!
//! There is no silent skip: a machine without Chromium fails these tests
//! with the command that installs it.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

use crate::common::free_port;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver process and a session in a fresh headless Chromium.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn require(path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    assert!(
        path.exists(),
        "{} is missing: install it with `apt-get install -y chromium chromium-driver` (.ci/run does)",
        path.display()
    );
    path
}

impl Browser {
    pub async fn start() -> Browser {
        // fantoccini speaks plain HTTP to chromedriver, but rustls still
        // wants one process-wide crypto provider chosen.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let chromium = require(CHROMIUM);
        let chromedriver = require(CHROMEDRIVER);
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--no-first-run", "--disable-component-update",
                    "--disable-sync", "--disable-quic", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("open a Chromium session");
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Opens `url` in the page; panics naming it when that fails.
    pub async fn open(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Runs a script in the page and returns its result.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Clicks the element `locator` finds; panics naming it when none does.
    pub async fn click(&self, locator: fantoccini::Locator<'_>) {
        let element = self
            .client
            .find(locator)
            .await
            .unwrap_or_else(|e| panic!("no element {locator:?}: {e}"));
        element.click().await.unwrap();
    }

    /// Types `keys` into the element `locator` finds.
    pub async fn type_into(&self, locator: fantoccini::Locator<'_>, keys: &str) {
        let element = self
            .client
            .find(locator)
            .await
            .unwrap_or_else(|e| panic!("no element {locator:?}: {e}"));
        element.send_keys(keys).await.unwrap();
    }

    /// Polls `script` until it returns true, or panics after `timeout`.
    pub async fn wait_for(&self, script: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if self.eval(script).await == serde_json::Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {script}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends one command of Chromium's DevTools protocol to the page
    /// (`{"cmd": …, "params": …}`), through chromedriver.
    pub async fn cdp(&self, command: serde_json::Value) -> serde_json::Value {
        self.client
            .issue_cmd(Cdp(command))
            .await
            .unwrap_or_else(|e| panic!("DevTools command failed: {e}"))
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A DevTools command as chromedriver takes it (`goog/cdp/execute`).
#[derive(Debug)]
struct Cdp(serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// Serves a folder over HTTP on 127.0.0.1 as a static host does (GitHub
/// Pages: percent-decoded paths, `index.html` for a folder, `404.html` for
/// anything missing), from a thread; returns the base URL.
pub fn serve_folder(root: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        // Never sent: the host serves until the test binary ends.
        let (_never, stopped) = tokio::sync::oneshot::channel::<()>();
        serve_files(listener, &root, stopped);
    });
    format!("http://127.0.0.1:{port}")
}

/// Serves `root` on `listener` as a static host does, on this thread,
/// until `stop` fires (or its sender is dropped).
fn serve_files(listener: TcpListener, root: &Path, stop: tokio::sync::oneshot::Receiver<()>) {
    use tower_http::services::{ServeDir, ServeFile};
    listener.set_nonblocking(true).unwrap();
    let files = ServeDir::new(root).not_found_service(ServeFile::new(root.join("404.html")));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let app = axum::Router::new().fallback_service(files);
        tokio::select! {
            served = axum::serve(listener, app) => served.unwrap(),
            _ = stop => {}
        }
    });
    // Dropping the runtime cancels every connection's task.
    runtime.shutdown_background();
}

/// A static host (as `serve_folder`) on a port the test chooses, that the
/// test can stop and start again: stopping it closes every connection,
/// which is what a reader's browser sees when the network is gone.
pub struct StaticHost {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StaticHost {
    pub fn start(root: &Path, port: u16) -> StaticHost {
        // The port was just free, or was this host's a moment ago: a few
        // tries while the kernel lets go of it.
        let mut tries = 0;
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", port)) {
                Ok(listener) => break listener,
                Err(_) if tries < 50 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("bind 127.0.0.1:{port}: {e}"),
            }
        };
        let root = root.to_path_buf();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || serve_files(listener, &root, stopped));
        StaticHost {
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Closes the listener and every open connection.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        self.stop();
    }
}
