//! What fires, as a reader sees it in Chromium: the status board on the
//! index page and the banner of a runbook page, from the demo backend of
//! `runbook serve` (with the banner's button filling `<POD_NAME>`, and the
//! first screen holding title, severity and banner at phone and laptop
//! sizes); then from a real Alertmanager through `runbook api`, which
//! stops: the board says stale, then error, and keeps its last list.

use std::time::Duration;

use serde_json::{json, Value};

use crate::alertmanager_support::{alert, fire, start};
use crate::browser::{serve_folder, Browser};
use crate::common::free_port;
use crate::support::{build_site, copy_content, s, set_live, texts, wait_panel, Process};

/// Where the first screen's parts are: inside the viewport or not.
const FIRST_SCREEN: &str = "const inside = (sel) => { const e = document.querySelector(sel);
    if (!e) return 'missing ' + sel; const r = e.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight && r.width > 0 && r.height > 0; };
  return [inside('h1'), inside('.page-meta .badge'), inside('section.panel.banner')];";

/// For a failure message: where each part is, and the viewport.
const BOXES: &str = "const b = (sel) => { const e = document.querySelector(sel);
    if (!e) return null; const r = e.getBoundingClientRect(); return [sel, Math.round(r.top), Math.round(r.bottom)]; };
  return [innerWidth, innerHeight, b('h1'), b('.page-meta'), b('section.panel.banner'), b('details.placeholders')];";

#[tokio::test(flavor = "multi_thread")]
async fn board_and_banner_from_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let content = copy_content(tmp.path());
    let (mut serve, url) = Process::serve(&content);
    let browser = Browser::start().await;
    let c = &browser.client;

    // The index: what fires, most severe first, each with its page.
    c.goto(&url).await.unwrap();
    let board = wait_panel(&browser, "alerts", "the demo's alerts", |p| {
        p["state"] == "fresh" && p["bodyChildren"].as_u64() > Some(0)
    })
    .await;
    let items: Vec<Vec<String>> = serde_json::from_value(
        browser
            .eval(
                "return [...document.querySelectorAll('section.panel[data-panel=alerts] li.alert')]
                   .map(li => [li.dataset.alert, li.querySelector('.badge').textContent,
                               (li.querySelector('.alert-page a') || {}).href || '',
                               li.textContent])",
            )
            .await,
    )
    .unwrap();
    let names: Vec<&str> = items.iter().map(|i| i[0].as_str()).collect();
    assert_eq!(
        names,
        [
            "TekuTokoErrorBudgetFastBurn",
            "TekuTokoPodCrashLooping",
            "TekuTokoHPAMaxedOut"
        ],
        "{board:#}"
    );
    assert_eq!(items[0][1], "CRITICAL");
    assert!(items[0][2].ends_with("/ERROR_RATE.html"), "{items:?}");
    assert!(items[1][2].ends_with("/POD_RESTARTS.html"), "{items:?}");
    assert!(items[1][3].contains("UTC から（35m）"), "{items:?}");
    assert!(items[2][3].contains("サイレンス中"), "{items:?}");
    // One line per SLO with its verdict: the demo burns availability.
    let verdicts = wait_panel(&browser, "verdicts", "the SLO verdicts", |p| {
        p["state"] == "fresh" && p["bodyChildren"].as_u64() > Some(0)
    })
    .await;
    let lines = texts(&browser, "section.panel[data-panel=verdicts] li.verdict").await;
    assert_eq!(lines.len(), 2, "{verdicts:#}");
    assert!(lines[0].starts_with("✖ ページ 可用性 (99.9%)"), "{lines:?}");
    // With a fresh list the board's fallback steps aside.
    let fallback = browser
        .eval("return getComputedStyle(document.querySelector('.status-board .panel-fallback')).display")
        .await;
    assert_eq!(fallback, "none");

    // The pod page: its alert's banner with the labels, and the button
    // that fills every <POD_NAME> from `pod`.
    for (width, height) in [(390, 844), (1400, 1000)] {
        c.set_window_size(width, height).await.unwrap();
        c.goto(&format!("{url}POD_RESTARTS.html")).await.unwrap();
        browser.eval("localStorage.clear(); return true;").await;
        c.goto(&format!("{url}POD_RESTARTS.html")).await.unwrap();
        let banner = wait_panel(&browser, "banner", "the crash loop", |p| {
            s(p, "body").contains("TekuTokoPodCrashLooping")
        })
        .await;
        let body = s(&banner, "body");
        assert!(body.contains("pod=tekutoko-api-7d9f8b6c5d-b7wnr"), "{body}");
        assert!(body.contains("発火中"), "{body}");
        assert!(
            !body.contains("TekuTokoErrorBudgetFastBurn"),
            "only the page's own: {body}"
        );
        let seen = browser.eval(FIRST_SCREEN).await;
        let boxes = browser.eval(BOXES).await;
        assert_eq!(
            seen,
            json!([true, true, true]),
            "POD_RESTARTS at {width}×{height}: [title, severity, banner] inside the first screen: {boxes}"
        );
    }
    browser
        .eval("document.querySelector('button.alert-fill').click(); return true;")
        .await;
    browser
        .wait_for(
            "const s = [...document.querySelectorAll('.ph[data-ph=POD_NAME]')];
             return s.length > 0 && s.every(e => e.textContent === 'tekutoko-api-7d9f8b6c5d-b7wnr')",
            Duration::from_secs(10),
        )
        .await;
    // A page none of whose alerts fires has no banner at all.
    c.goto(&format!("{url}DB_MAINTENANCE.html")).await.unwrap();
    wait_panel(&browser, "banner", "an answer", |p| p["state"] == "fresh").await;
    let shown = browser
        .eval("return getComputedStyle(document.querySelector('section.panel.banner')).display")
        .await;
    assert_eq!(shown, "none");
    browser.close().await;
    serve.kill();
}

#[tokio::test(flavor = "multi_thread")]
async fn alerts_from_alertmanager_then_it_stops() {
    let tmp = tempfile::tempdir().unwrap();
    let mut am = start().await;
    fire(
        &am,
        json!([
            alert(
                "TekuTokoPodCrashLooping",
                "critical",
                12,
                json!({"pod": "tekutoko-api-5f7c-q9z2m"})
            ),
            alert("TekuTokoHighLatency", "warning", 40, json!({})),
        ]),
    )
    .await;

    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    let origin = serve_folder(&site);
    let content = copy_content(tmp.path());
    let api_port = free_port();
    set_live(&content, &format!("http://127.0.0.1:{api_port}/api"), 5);
    build_site(&content, &site);
    let config = tmp.path().join("api.yaml");
    std::fs::write(
        &config,
        format!(
            "backend: live\nalertmanager:\n  url: {}\nalert_pages: {}\ncache:\n  ttl_seconds: 2\n  upstream_timeout_seconds: 2\n  max_stale_seconds: 12\ncors:\n  allowed_origins: ['{origin}']\n",
            am.url,
            site.join("alerts.json").display()
        ),
    )
    .unwrap();
    let mut api = Process::api(&config, api_port);

    let browser = Browser::start().await;
    browser.client.goto(&format!("{origin}/")).await.unwrap();
    let listed = |p: &Value| {
        s(p, "body").contains("TekuTokoPodCrashLooping")
            && s(p, "body").contains("TekuTokoHighLatency")
    };
    let fresh = wait_panel(&browser, "alerts", "Alertmanager's alerts", |p| {
        p["state"] == "fresh" && listed(p)
    })
    .await;
    let body = s(&fresh, "body");
    assert!(
        !body.contains("デモ"),
        "live alerts are not labelled demo: {body}"
    );
    assert!(
        body.find("TekuTokoPodCrashLooping") < body.find("TekuTokoHighLatency"),
        "{body}"
    );
    assert!(body.contains("手順を開く → Pod再起動頻発対応"), "{body}");

    // Alertmanager stops: the API serves its last list, stale; the board
    // says so and keeps the list ...
    am.kill();
    let stale = wait_panel(&browser, "alerts", "stale", |p| p["state"] == "stale").await;
    assert!(listed(&stale), "{stale:#}");
    assert!(s(&stale, "stateText").contains("古いデータ"), "{stale:#}");
    // ... then, past max_stale_seconds, an error: never a blank board.
    let failed = wait_panel(&browser, "alerts", "the error", |p| p["state"] == "error").await;
    assert!(listed(&failed), "{failed:#}");
    assert!(
        s(&failed, "stateText").contains("更新できません"),
        "{failed:#}"
    );
    browser.close().await;
    api.kill();
}
