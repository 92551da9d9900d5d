//! `runbook serve` on a copy of content/ with its demo backend: the SLO
//! panel on ERROR_RATE and the pod panel on POD_RESTARTS, as a reader sees
//! them in Chromium.

use serde_json::Value;

use crate::browser::Browser;
use crate::common::assert_contains;
use crate::support::{copy_content, s, texts, wait_panel, Process};

/// The live box is a fixed reservation (panels.css): the demo's answers,
/// a typical incident, must fit it without scrolling, and no card may be
/// wider than the panel (a wide burn-rate table scrolls in its own box).
fn fits(p: &Value) {
    // (what the answer needs, what the box gives, which way)
    for (needs, gives, way) in [
        ("liveScrollWidth", "liveClientWidth", "wide"),
        ("liveScroll", "liveClient", "high"),
    ] {
        let (needs, gives) = (p[needs].as_f64().unwrap(), p[gives].as_f64().unwrap());
        assert!(
            needs <= gives + 1.0,
            "the answer is {needs} px {way} in a {gives} px {way} box:\n{p:#}"
        );
    }
}

/// "N 秒前に更新" (content/ is Japanese) with a small N.
fn updated_just_now(p: &Value) {
    let age = s(p, "age");
    let seconds: u64 = age
        .strip_suffix(" 秒前に更新")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not an age line: {age:?}"));
    assert!(seconds < 30, "{age}");
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_slo_and_pod_panels_in_serve() {
    let tmp = tempfile::tempdir().unwrap();
    let content = copy_content(tmp.path());
    let (_serve, url) = Process::serve(&content);
    let browser = Browser::start().await;

    browser.open(&format!("{url}ERROR_RATE.html")).await;
    let slo = wait_panel(&browser, "slo", "SLO cards", |p| {
        p["state"] == "fresh" && p["bodyChildren"].as_u64() > Some(0)
    })
    .await;
    let cards = texts(&browser, "section.panel[data-panel=slo] .slo").await;
    assert_eq!(cards.len(), 2, "{cards:#?}");
    let (availability, latency) = (&cards[0], &cards[1]);
    // The demo incident: availability burns its budget fast (page), the
    // latency SLO is fine though its p95 is over the threshold (the SLI
    // counts requests under 0.5 s). Status in words beside the colour.
    assert_contains(availability, "可用性 (99.9%)");
    assert_contains(availability, "目標 99.9%");
    assert_contains(availability, "✖ ページ");
    assert_contains(availability, "43.2 分");
    assert_contains(availability, "エラーバジェット");
    assert_contains(availability, "バーンレート");
    assert_contains(latency, "レイテンシ (p95 < 500ms)");
    assert_contains(latency, "✓ 正常");
    assert_contains(latency, "目標 95%");
    assert!(
        latency.contains("レイテンシ p95: 0.74 s / 0.50 s"),
        "content/runbook.yaml gives the latency SLO its histogram: {latency}"
    );
    assert!(s(&slo, "body").contains("デモ"), "demo data is labelled");
    assert_eq!(slo["ariaLive"], "polite");
    assert_eq!(slo["stateRole"], "status");
    assert_eq!(
        s(&slo, "announce"),
        "可用性 (99.9%): ✖ ページ; レイテンシ (p95 < 500ms): ✓ 正常"
    );
    updated_just_now(&slo);
    fits(&slo);
    let sparklines = browser
        .eval("return document.querySelectorAll('section.panel[data-panel=slo] svg.sparkline path.spark-line').length")
        .await;
    assert_eq!(sparklines, 2);
    let spark_label = browser
        .eval("return document.querySelector('section.panel[data-panel=slo] svg.sparkline').getAttribute('aria-label')")
        .await;
    let spark_label = spark_label.as_str().unwrap();
    assert!(
        spark_label.starts_with("可用性 (99.9%): 直近 24 時間: 最低 ")
            && spark_label.contains(", 最新 "),
        "{spark_label}"
    );

    browser.open(&format!("{url}POD_RESTARTS.html")).await;
    let pods = wait_panel(&browser, "pods", "the pod table", |p| {
        p["state"] == "fresh" && !p["rows"].as_array().unwrap().is_empty()
    })
    .await;
    let rows: Vec<Vec<String>> = serde_json::from_value(pods["rows"].clone()).unwrap();
    // The CrashLoopBackOff pod first, marked in words; healthy pods last.
    assert!(rows[0][2].ends_with("CrashLoopBackOff"), "{rows:#?}");
    assert!(rows[0][2].contains("要対応"), "{rows:#?}");
    let first_running = rows.iter().position(|r| r[2] == "Running").unwrap();
    assert!(
        rows[first_running..].iter().all(|r| r[2] == "Running"),
        "{rows:#?}"
    );
    let body = s(&pods, "body");
    assert_contains(body, "Deployment tekutoko-api");
    assert!(
        body.contains("上限到達"),
        "the HPA at max is called out: {body}"
    );
    assert!(
        s(&pods, "announce").contains("1 異常"),
        "{}",
        s(&pods, "announce")
    );
    assert_eq!(pods["ariaLive"], "polite");
    updated_just_now(&pods);
    fits(&pods);
    let headers = texts(
        &browser,
        "section.panel[data-panel=pods] table.pod-table th[scope=col]",
    )
    .await;
    assert_eq!(
        headers.join(" "),
        "NAME READY STATUS RESTARTS 直近の終了理由 AGE NODE"
    );
    browser.close().await;
}
