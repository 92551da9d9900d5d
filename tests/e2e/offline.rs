//! The offline copy in Chromium: one visit keeps the whole site; with the
//! host gone, other pages, search and the panels still answer, marked as
//! the offline copy; a new build replaces the copy whole. And
//! `offline: false` turns it off.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::Value;

use crate::browser::StaticHost;
use crate::common::free_port;
use crate::reader::Reader;
use crate::site::TestSite;

/// A service worker installs the whole build before it takes the page:
/// longer than a page takes from the local disk.
const WAIT: Duration = Duration::from_secs(20);

/// The caches this origin holds, and the build offline.json names (read
/// through the worker: the network when online, the cache when not).
const CACHES: &str = "return (async () => {
    const names = await caches.keys();
    const kept = {};
    for (const name of names) kept[name] = (await (await caches.open(name)).keys()).length;
    return kept;
})()";

/// Opens `page` and waits until it shows `marker` under the banner of the
/// offline copy.
async fn open_offline(browser: &Reader, page: &str, marker: &str) {
    browser.open(page).await;
    browser
        .wait_until(&format!(
            "const b = document.querySelector('.offline-banner'); return !!b && b.textContent.startsWith('オフラインのコピー') && document.body.textContent.includes({marker:?})"
        ))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_visit_keeps_the_site_offline_and_a_new_build_replaces_it_whole() {
    let site = TestSite::built("basic");
    let manifest: Value = serde_json::from_str(&site.output("offline.json")).unwrap();
    let first_build = manifest["build"].as_str().unwrap().to_string();
    let kept = manifest["files"].as_array().unwrap().len();
    assert!(manifest["search"].as_bool().unwrap());

    let port = free_port();
    let mut host = StaticHost::start(&site.out, port);
    let browser = Reader::at(format!("http://127.0.0.1:{port}"), WAIT).await;

    // One visit: the worker installs every file of the build, then takes
    // the page.
    browser
        .open_until(
            "index.html",
            "return !!navigator.serviceWorker && !!navigator.serviceWorker.controller",
        )
        .await;
    let caches = browser.eval(CACHES).await;
    let expected = serde_json::json!({ format!("runbook-offline-{first_build}"): kept + 1 });
    assert_eq!(caches, expected, "one cache, every file plus its record");
    assert!(
        browser
            .eval("return !document.querySelector('.offline-banner')")
            .await
            == Value::Bool(true),
        "online, no banner"
    );

    // The network goes away: three other pages, the panels and search.
    host.stop();
    open_offline(&browser, "ALERT.html", "高エラー率対応").await;
    open_offline(&browser, "db/", "メンテナンス").await;
    open_offline(&browser, "db/MAINTENANCE.html", "VACUUM を実行します").await;
    // Its panel says offline, not an error, and keeps its fallback.
    browser
        .wait_until("const p = document.querySelector('section.panel[data-panel]'); return !!p && p.dataset.state === 'offline' && p.querySelector('.panel-state').textContent.startsWith('オフライン')")
        .await;
    browser
        .type_into(Locator::Css(".search-input"), "VACUUM")
        .await;
    browser
        .wait_until("const l = document.querySelector('[role=listbox]'); return !!l && !l.hidden && [...l.querySelectorAll('[role=option] a')].some(a => a.href.includes('MAINTENANCE.html'))")
        .await;

    // A new build, the network back: the reader sees the new build at
    // once, and the copy becomes the new build only.
    site.write(
        "db/README.md",
        "# データベース\n\n- [メンテナンス](MAINTENANCE.md)\n\n第二版の目次です。\n",
    );
    site.build(&[]).assert_ok();
    let manifest: Value = serde_json::from_str(&site.output("offline.json")).unwrap();
    let second_build = manifest["build"].as_str().unwrap().to_string();
    assert_ne!(first_build, second_build);
    let kept = manifest["files"].as_array().unwrap().len();
    let mut host = StaticHost::start(&site.out, port);
    browser.open_until("db/", "return document.body.textContent.includes('第二版の目次です') && !document.querySelector('.offline-banner')").await;
    let expected = serde_json::json!({ format!("runbook-offline-{second_build}"): kept + 1 });
    browser
        .wait_until(&format!(
            "return (async () => {{ const got = await ({}); return JSON.stringify(got) === {:?}; }})()",
            CACHES.trim_start_matches("return "),
            expected.to_string()
        ))
        .await;
    host.stop();
    open_offline(&browser, "db/index.html", "第二版の目次です").await;
    open_offline(&browser, "index.html", "フィクスチャ目次").await;
    browser.close().await;
}

#[test]
fn offline_false_writes_no_worker_and_pages_register_none() {
    let site = TestSite::built("basic");
    assert!(site
        .output("index.html")
        .contains("<meta name=\"runbook-worker\" content=\"sw.js\">"));
    assert!(site
        .output("db/index.html")
        .contains("content=\"../sw.js\""));
    assert!(site.output("sw.js").starts_with("const BUILD = \""));
    site.add_config("offline: false\n");
    site.build(&[]).assert_ok();
    assert!(!site.out.join("sw.js").exists());
    assert!(!site.out.join("offline.json").exists());
    assert!(!site.output("index.html").contains("runbook-worker"));
}
