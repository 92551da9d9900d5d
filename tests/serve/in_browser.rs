//! A real headless Chromium on `runbook serve`: an open page reloads after
//! an edit, keeps its scroll position, ignores other pages' edits, and
//! shows the overlay for broken front matter until it is fixed.

use std::time::Duration;

use crate::browser::Browser;
use crate::common::assert_contains;
use crate::harness::{Server, PATIENCE};

const CONNECTED: &str = "return !!(window.__runbookServe && window.__runbookServe.connected)";

async fn open(browser: &Browser, server: &Server, file: &str) {
    let url = format!("http://127.0.0.1:{}/Fixture/{file}", server.port);
    browser.open(&url).await;
    browser.wait_for(CONNECTED, PATIENCE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_page_reloads_after_an_edit_and_keeps_its_place() {
    let server = Server::start(&[]);
    let browser = Browser::start().await;
    open(&browser, &server, "guide/long.html").await;
    browser
        .eval("window.scrollTo(0, 1500); window.__notReloaded = true; return window.scrollY")
        .await;
    let scrolled = browser
        .eval("return window.scrollY")
        .await
        .as_f64()
        .unwrap();
    assert!(
        scrolled > 1000.0,
        "the page is too short to scroll: {scrolled}"
    );

    // Another page's edit leaves this one alone.
    server.write(
        "high-cpu.md",
        "---\ntitle: High CPU\nseverity: CRITICAL\nalerts: [HighCPU]\n---\n\n# High CPU\n\nAnother page changed.\n",
    );
    server.wait_for_page("high-cpu.html", |t| t.contains("Another page changed."));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        browser.eval("return window.__notReloaded === true").await,
        serde_json::Value::Bool(true),
        "an unrelated edit reloaded the page"
    );

    // Its own edit reloads it, where the reader was.
    let long = std::fs::read_to_string(server.content().join("guide/long.md")).unwrap();
    server.write(
        "guide/long.md",
        &long.replace("A page long enough", "An edited page long enough"),
    );
    browser
        .wait_for(
            "return window.__notReloaded === undefined && document.body.textContent.includes('An edited page long enough')",
            PATIENCE,
        )
        .await;
    browser.wait_for(CONNECTED, PATIENCE).await;
    let after = browser
        .eval("return window.scrollY")
        .await
        .as_f64()
        .unwrap();
    assert!(
        (after - scrolled).abs() < 40.0,
        "scrolled {scrolled}, after reload {after}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_front_matter_shows_the_overlay_until_fixed() {
    let server = Server::start(&[]);
    let browser = Browser::start().await;
    open(&browser, &server, "guide/restart.html").await;

    server.write(
        "guide/restart.md",
        "---\ntitle: Restart the API\nseverity: [unclosed\n---\n\n# Restart the API\n",
    );
    let overlay = "const o = document.getElementById('runbook-serve-overlay'); \
                   return o ? o.shadowRoot.textContent : null";
    let deadline = std::time::Instant::now() + PATIENCE;
    let text = loop {
        if let Some(text) = browser.eval(overlay).await.as_str() {
            break text.to_string();
        }
        assert!(std::time::Instant::now() < deadline, "no overlay appeared");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_contains(&text, "guide/restart.md:4:");
    assert_contains(&text, "front matter");
    // The last good page is still there under the overlay.
    assert_eq!(
        browser
            .eval("return document.querySelector('main h1, h1').textContent.includes('Restart the API')")
            .await,
        serde_json::Value::Bool(true)
    );

    server.write(
        "guide/restart.md",
        "---\ntitle: Restart the API\nseverity: WARNING\n---\n\n# Restart the API\n\nFixed.\n",
    );
    browser
        .wait_for(
            "return !document.getElementById('runbook-serve-overlay') && document.body.textContent.includes('Fixed.')",
            PATIENCE,
        )
        .await;
    browser.close().await;
}
