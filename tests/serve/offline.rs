//! `runbook serve` and the offline copy: the preview registers no service
//! worker, and a worker left on the same address by a published site
//! (its offline copy) is replaced by one that removes itself, so a writer
//! never reads a kept page instead of the live preview.

use crate::browser::{Browser, StaticHost};
use crate::common::{free_port, run_ok};
use crate::harness::{copy_fixture, Server, PATIENCE};

const NO_WORKER_NOR_COPY: &str = "return (async () => {
    const registrations = await navigator.serviceWorker.getRegistrations();
    const kept = (await caches.keys()).filter(name => name.startsWith('runbook-offline-'));
    return registrations.length === 0 && kept.length === 0;
})()";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_site_s_worker_on_the_same_address_removes_itself_under_serve() {
    // The fixture, published and read once from this address: its worker
    // keeps a copy and controls the whole origin (scope `/`).
    let tmp = copy_fixture();
    let out = tmp.path().join("site");
    run_ok(
        std::process::Command::new(crate::harness::BIN)
            .args(["build", "content", "--out"])
            .arg(&out)
            .current_dir(tmp.path()),
    );
    assert!(out.join("sw.js").is_file());
    let port = free_port();
    let mut host = StaticHost::start(&out, port);
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("http://127.0.0.1:{port}/index.html"))
        .await
        .unwrap();
    browser
        .wait_for("return !!navigator.serviceWorker.controller", PATIENCE)
        .await;
    browser
        .wait_for(
            "return (async () => (await caches.keys()).some(n => n.startsWith('runbook-offline-')))()",
            PATIENCE,
        )
        .await;
    host.stop();

    // Now the writer's preview on the same address.
    let server = Server::start_on(tmp, port, &[]);
    assert!(
        !server.page("index.html").contains("runbook-worker"),
        "the preview registers no worker"
    );
    c.goto(&format!("http://127.0.0.1:{port}/Fixture/"))
        .await
        .unwrap();
    browser.wait_for(NO_WORKER_NOR_COPY, PATIENCE).await;
    browser
        .wait_for(
            "return !!(window.__runbookServe && window.__runbookServe.connected) && !document.querySelector('meta[name=runbook-offline]')",
            PATIENCE,
        )
        .await;

    // With the preview stopped, nothing answers from a kept copy.
    drop(server);
    let _ = c.goto(&format!("http://127.0.0.1:{port}/Fixture/")).await;
    let page = browser
        .eval("return [document.title, !!document.querySelector('meta[name=runbook-offline]')]")
        .await;
    assert!(
        !page[0]
            .as_str()
            .unwrap_or_default()
            .contains("Serve Fixture")
            && page[1] == false,
        "{page:?}"
    );
    browser.close().await;
}

#[test]
fn the_preview_writes_print_html_after_the_pages_and_follows_edits() {
    let server = Server::start(&[]);
    server.wait_for_page("print.html", |html| {
        html.contains("class=\"markdown print-page\"")
    });
    server.write(
        "high-cpu.md",
        "# High CPU\n\nA sentence only the print document and this page have.\n",
    );
    server.wait_for_page("print.html", |html| {
        html.contains("A sentence only the print document and this page have.")
    });
}
