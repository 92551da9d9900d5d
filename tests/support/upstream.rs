//! A real upstream server for tests (Prometheus, Alertmanager): a Debian
//! binary that must be installed, started on a free loopback port with a
//! scratch folder of its own, ready once its `/-/ready` says so, and
//! killed when the test ends, however it ends.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{free_port, KillOnDrop};

/// Finds Debian's binary `name`; never skips: without it the test fails
/// saying that it needs `what` and that `package` installs it.
pub fn installed(name: &str, what: &str, package: &str) -> PathBuf {
    ["/usr/bin", "/usr/local/bin"]
        .into_iter()
        .map(|folder| PathBuf::from(folder).join(name))
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!("`{name}` is not installed: this test needs {what}. Install it with `apt-get install -y {package}` (or run scripts/prerequisites --test).")
        })
}

/// The upstream's process, its base URL and its scratch folder.
pub struct Upstream {
    process: KillOnDrop,
    pub url: String,
    pub dir: tempfile::TempDir,
}

impl Upstream {
    /// Starts the command `start` makes for a free port (its output
    /// dropped), which keeps its files in `dir`, and waits at most
    /// `within` until it says it is ready.
    pub async fn start(
        dir: tempfile::TempDir,
        within: Duration,
        start: impl FnOnce(u16) -> Command,
    ) -> Upstream {
        let port = free_port();
        let child = start(port)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let upstream = Upstream {
            process: KillOnDrop(child),
            url: format!("http://127.0.0.1:{port}"),
            dir,
        };
        upstream.wait_ready(within).await;
        upstream
    }

    async fn wait_ready(&self, within: Duration) {
        // reqwest's rustls wants one process-wide crypto provider chosen.
        runbook::api::install_crypto_provider();
        let client = reqwest::Client::new();
        let deadline = Instant::now() + within;
        loop {
            let ready = client.get(format!("{}/-/ready", self.url)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not become ready within {within:?}",
                self.url
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Stops it (SIGKILL), as an outage would.
    pub fn kill(&mut self) {
        let _ = self.process.0.kill();
        let _ = self.process.0.wait();
    }
}
