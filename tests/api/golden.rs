//! Golden answers of the demo backend, in tests/fixtures/api/: the panels'
//! unit tests decode these same files, so a change to the wire shows up as
//! a diff here first. `UPDATE_GOLDEN=1 cargo test --test api golden`
//! rewrites them after an intended change.

use std::path::Path;

use runbook::api::clock::Clock;
use runbook::api::ApiState;
use runbook::config::SiteConfig;
use runbook_widgets::contract::{
    decode, AlertList, AlertPage, ErrorAnswer, SloList, SloStatus, WorkloadStatus,
};

use crate::support::{get_path, workspace};

/// 2025-06-16T03:00:00Z.
const NOW: i64 = 1_750_042_800;

const ANSWERS: [(&str, &str); 7] = [
    ("/api/v1/alerts", "alerts.json"),
    ("/api/v1/slos", "slos.json"),
    ("/api/v1/slos/availability", "slo-availability.json"),
    ("/api/v1/slos/latency", "slo-latency.json"),
    ("/api/v1/slos/error_rate", "slo-error_rate.json"),
    (
        "/api/v1/workloads/tekutoko-api",
        "workload-tekutoko-api.json",
    ),
    ("/api/v1/slos/unknown", "error-not-found.json"),
];

#[tokio::test]
async fn demo_answers_match_the_golden_files() {
    let dir = workspace().join("tests/fixtures/api");
    let site = SiteConfig::load(&dir).unwrap();
    let app = runbook::api::app(ApiState::demo_at(&site.live, pages(), Clock::fixed(NOW)));
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for (path, file) in ANSWERS {
        let reply = get_path(&app, path).await;
        let pretty = serde_json::to_string_pretty(&reply.json()).unwrap() + "\n";
        let golden = dir.join(file);
        if update {
            std::fs::write(&golden, &pretty).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
            panic!(
                "{} is missing; run `UPDATE_GOLDEN=1 cargo test --test api golden` to write it",
                golden.display()
            )
        });
        assert_eq!(
            pretty,
            expected,
            "{path} differs from {}; if intended, rerun with UPDATE_GOLDEN=1",
            golden.display()
        );
        check_decodes(file, &expected);
    }
}

/// Two of the bundled site's alerts and their pages, as alerts.json has them.
fn pages() -> runbook::api::alerts::AlertPages {
    let page = |url: &str, title: &str| AlertPage {
        url: url.into(),
        title: title.into(),
    };
    [
        (
            "TekuTokoPodCrashLooping".to_string(),
            page("POD_RESTARTS.html", "Pod 再起動・CrashLoopBackOff"),
        ),
        (
            "TekuTokoErrorBudgetFastBurn".to_string(),
            page("ERROR_RATE.html", "エラー率上昇"),
        ),
    ]
    .into()
}

/// Each file decodes into its contract type, as the panels will decode it.
fn check_decodes(file: &str, text: &str) {
    match file {
        "alerts.json" => {
            let alerts = decode::<AlertList>(text).unwrap();
            assert!(alerts.demo);
            let names: Vec<&str> = alerts.data.alerts.iter().map(|a| a.name.as_str()).collect();
            assert_eq!(
                names,
                [
                    "TekuTokoErrorBudgetFastBurn",
                    "TekuTokoPodCrashLooping",
                    "TekuTokoHPAMaxedOut"
                ]
            );
            // The pod the alert names is the one the pods panel shows in
            // CrashLoopBackOff, and its page is where the pod runbook is.
            let crash = &alerts.data.alerts[1];
            assert_eq!(crash.labels["pod"], "tekutoko-api-7d9f8b6c5d-b7wnr");
            assert_eq!(crash.page.as_ref().unwrap().url, "POD_RESTARTS.html");
            assert!(alerts.data.alerts[2].silenced);
        }
        "slos.json" => {
            let list = decode::<SloList>(text).unwrap();
            assert_eq!(list.data.slos.len(), 3);
            assert!(list.demo);
        }
        "workload-tekutoko-api.json" => {
            let w = decode::<WorkloadStatus>(text).unwrap();
            assert!(w.demo && w.data.hpa.unwrap().at_max);
            assert!(w
                .data
                .pods
                .iter()
                .any(|p| p.status == "CrashLoopBackOff" && p.restarts > 0));
        }
        "error-not-found.json" => {
            let e: ErrorAnswer = serde_json::from_str(text).unwrap();
            assert_eq!(e.error.code, "not_found");
        }
        _ => {
            let slo = decode::<SloStatus>(text).unwrap();
            assert!(slo.demo);
        }
    }
}

#[tokio::test]
async fn the_demo_incident_pages_on_availability() {
    let site = SiteConfig::load(Path::new(&workspace().join("tests/fixtures/api"))).unwrap();
    let app = runbook::api::app(ApiState::demo_at(
        &site.live,
        Default::default(),
        Clock::fixed(NOW),
    ));
    let slo = get_path(&app, "/api/v1/slos/availability").await;
    let slo = slo.answer::<SloStatus>();
    assert_eq!(
        slo.data.alert.level,
        runbook_widgets::contract::AlertLevel::Page
    );
    assert_eq!(slo.data.series.points.len(), 48);
    assert_eq!(slo.generated_at, "2025-06-16T03:00:00Z");
}

/// The demo's alerts are ones the bundled runbooks list in their front
/// matter, so each finds its page on the demo site.
#[tokio::test]
async fn the_demo_alerts_are_the_bundled_site_s() {
    let content = workspace().join("content");
    let site = SiteConfig::load(&content).unwrap();
    let app = runbook::api::app(ApiState::demo_at(&site.live, pages(), Clock::fixed(NOW)));
    let reply = get_path(&app, "/api/v1/alerts").await;
    let alerts = reply.answer::<AlertList>();
    let listed: String = std::fs::read_dir(&content)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
        .flat_map(|text| {
            text.lines()
                .filter(|l| l.starts_with("alerts:"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(alerts.data.alerts.len(), 3);
    for alert in &alerts.data.alerts {
        let quoted = [
            format!("[{}", alert.name),
            format!(" {},", alert.name),
            format!(" {}]", alert.name),
        ];
        assert!(
            quoted.iter().any(|q| listed.contains(q.as_str())),
            "{} is in no page's alerts:",
            alert.name
        );
    }
}
