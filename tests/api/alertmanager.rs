//! Firing alerts from a real Alertmanager: Debian's
//! `prometheus-alertmanager` on 127.0.0.1, given alerts and a silence
//! through its own v2 API, read through `/api/v1/alerts` with the pages
//! of a built site's `alerts.json`; then stopped, so the API answers
//! stale, and after `max_stale_seconds` an error code, never an empty list.

use std::time::{Duration, Instant};

use runbook::api::clock::Clock;
use runbook_widgets::contract::AlertList;
use runbook_widgets::severity::Level;
use runbook_widgets::timestamp::format_rfc3339;
use serde_json::json;

use crate::alertmanager_support::{alert, fire, now, silence, start};
use crate::support::{app, get_path};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firing_and_silenced_alerts_from_a_real_alertmanager() {
    let mut am = start().await;
    let now = now();
    fire(
        &am,
        json!([
            alert("TekuTokoHighCPU", "warning", 30, json!({})),
            alert(
                "TekuTokoPodCrashLooping",
                "critical",
                12,
                json!({"pod": "tekutoko-api-7d9f8b6c5d-b7wnr"})
            ),
            alert("NotInAnyRunbook", "P4", 50, json!({})),
        ]),
    )
    .await;
    let silence = silence(
        &am,
        json!({
            "matchers": [{"name": "alertname", "value": "TekuTokoHighCPU", "isRegex": false, "isEqual": true}],
            "startsAt": format_rfc3339(now - 60),
            "endsAt": format_rfc3339(now + 3600),
            "createdBy": "runbook tests",
            "comment": "known: batch job",
        }),
    )
    .await;
    assert!(silence["silenceID"].is_string(), "{silence}");

    // The site's alert index: two of the three alerts have a page.
    let site = tempfile::tempdir().unwrap();
    let pages = site.path().join("alerts.json");
    std::fs::write(
        &pages,
        json!({
            "TekuTokoPodCrashLooping": {"url": "POD_RESTARTS.html", "title": "Pod の再起動", "severity": "CRITICAL"},
            "TekuTokoHighCPU": {"url": "HIGH_CPU.html", "title": "CPU 高負荷", "severity": "WARNING"},
            "TekuTokoOnlyARule": {"rules": []},
        })
        .to_string(),
    )
    .unwrap();
    let config = format!(
        "backend: live\nalertmanager:\n  url: {}\n  filter: ['namespace=\"default\"']\nalert_pages: {}\ncache:\n  ttl_seconds: 1\n  upstream_timeout_seconds: 2\n  max_stale_seconds: 4\n",
        am.url,
        pages.display()
    );
    let api = app(&config, Clock::system()).await;

    // Alertmanager takes alerts in asynchronously: ask until all three are
    // listed (bounded), one read per TTL.
    let deadline = Instant::now() + Duration::from_secs(20);
    let answer = loop {
        let reply = get_path(&api, "/api/v1/alerts").await;
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        if reply.status == 200 {
            let answer = reply.answer::<AlertList>();
            if answer.data.alerts.len() == 3 && answer.data.alerts.iter().any(|a| a.silenced) {
                break answer;
            }
        }
        assert!(
            Instant::now() < deadline,
            "never three alerts: {}",
            String::from_utf8_lossy(&reply.body)
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(
        (answer.source.as_str(), answer.demo, answer.stale),
        ("alertmanager", false, false)
    );
    let names: Vec<&str> = answer.data.alerts.iter().map(|a| a.name.as_str()).collect();
    // Unmuted first, most severe first; the silenced one last.
    assert_eq!(
        names,
        [
            "TekuTokoPodCrashLooping",
            "NotInAnyRunbook",
            "TekuTokoHighCPU"
        ]
    );
    let crash = &answer.data.alerts[0];
    assert_eq!(crash.level, Some(Level::Critical));
    assert_eq!(crash.severity.as_deref(), Some("critical"));
    assert_eq!(crash.labels["pod"], "tekutoko-api-7d9f8b6c5d-b7wnr");
    assert_eq!(crash.starts_unix, now - 12 * 60);
    assert!(!crash.silenced && !crash.inhibited);
    assert_eq!(
        crash.summary.as_deref(),
        Some("TekuTokoPodCrashLooping is firing")
    );
    let page = crash.page.as_ref().expect("the crash loop has its page");
    assert_eq!(
        (page.url.as_str(), page.title.as_str()),
        ("POD_RESTARTS.html", "Pod の再起動")
    );
    let unlisted = &answer.data.alerts[1];
    assert_eq!(
        (unlisted.level, unlisted.page.is_none()),
        (Some(Level::Info), true)
    );
    let cpu = &answer.data.alerts[2];
    assert!(cpu.silenced, "{cpu:?}");
    assert_eq!(
        cpu.page.as_ref().map(|p| p.url.as_str()),
        Some("HIGH_CPU.html")
    );

    // Alertmanager goes away: the last list is served, marked stale ...
    am.kill();
    let deadline = Instant::now() + Duration::from_secs(10);
    let stale = loop {
        let reply = get_path(&api, "/api/v1/alerts").await;
        let answer = reply.answer::<AlertList>();
        if answer.stale {
            assert_eq!(reply.header("cache-control"), Some("no-store"));
            break answer;
        }
        assert!(Instant::now() < deadline, "never stale");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(
        stale.data.alerts.len(),
        3,
        "a stale answer keeps its alerts"
    );
    // ... until it is older than max_stale_seconds: then an error code,
    // never an empty success.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let reply = get_path(&api, "/api/v1/alerts").await;
        if reply.status == 503 {
            assert_eq!(reply.json()["error"]["code"], "unavailable");
            break;
        }
        assert_eq!(reply.status, 200);
        assert_eq!(reply.json()["data"]["alerts"].as_array().unwrap().len(), 3);
        assert!(
            Instant::now() < deadline,
            "a stale answer outlived max_stale_seconds"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Without `alertmanager:` the live API has no alert source: 404 with the
/// JSON error, not a made-up empty list.
#[tokio::test]
async fn no_alert_source_is_not_found() {
    let api = app("backend: live\n", Clock::fixed(1_750_000_000)).await;
    let reply = get_path(&api, "/api/v1/alerts").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"]["code"], "not_found");
}
