//! The panels against the API's golden fixtures (tests/fixtures/api/, made
//! by the API's own tests from the demo backend with a pinned clock): the
//! JSON the server writes is exactly what these views read.

use super::assertions::contains_all;
use super::view::Node;
use super::*;
use crate::language::{EN, JA};

fn fixture(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/api/");
    std::fs::read_to_string(format!("{path}{name}"))
        .unwrap_or_else(|e| panic!("golden fixture {path}{name}: {e} (written by the API tests)"))
}

fn slo_panel(ids: &[&str]) -> Panel {
    let mut panel = Panel::new(PanelSpec::Slo(ids.iter().map(|s| s.to_string()).collect()));
    panel.receive(200, &fixture("slos.json"), 0.0);
    assert!(
        panel.tracker.failure.is_none(),
        "{:?}",
        panel.tracker.failure
    );
    panel
}

fn card(body: &Node, id: &str) -> Node {
    body.find_class("slo")
        .into_iter()
        .find(|e| e.get_attr("data-slo") == Some(id))
        .unwrap_or_else(|| panic!("no card for {id}"))
        .clone()
        .into()
}

#[test]
fn availability_pages_with_its_figures() {
    let panel = slo_panel(&["availability", "error_rate"]);
    let body = panel.body(0.0, "", EN).unwrap();
    let a = card(&body, "availability");
    let text = a.text_content();
    contains_all(
        &text,
        &[
            "可用性 (99.9%)",
            "✖ PAGE",
            // SLI 0.99965556 against 99.9%: two decimals, rounded down.
            "Now 99.96%",
            "Objective 99.9% (30 days)",
            "Error budget: left 65.6% (28.3 min / 43.2 min)",
            // The verdict, said by the panel from the rule and the rates:
            // the same figures as the server's own sentence.
            "Burn rate 15.7× over 1h and 20.0× over 5m (threshold 14.4×).",
        ],
    );
    // 5m, 30m and 1h burn over their thresholds; 6h (2.9×) is over the
    // ticket threshold only; 3d (0.5×) is under.
    assert_eq!(a.find_class("over").len(), 4, "{text}");
    contains_all(&text, &["20.0× ▲over", "0.5×", "page ≥14.4×"]);
    assert_eq!(a.find_class("status-page").len(), 1);
    // The sparkline: 48 half-hour points, one unbroken line.
    let spark = a.find_class("spark-line");
    let d = spark[0].get_attr("d").unwrap();
    assert_eq!(d.matches(['M', 'L']).count(), 48, "{d}");
    assert_eq!(
        a.find_class("sparkline")[0].get_attr("aria-label"),
        Some("可用性 (99.9%): last 24 h: lowest 98.00%, latest 98.00%")
    );
    let e = card(&body, "error_rate").text_content();
    contains_all(
        &e,
        &["✓ OK", "Now 99.9%", "left 96.6% (6 h 57 min / 7 h 12 min)"],
    );
    assert_eq!(
        panel.summary(EN),
        "可用性 (99.9%): ✖ PAGE; エラー率 (< 1%): ✓ OK"
    );
    assert_eq!(body.find_class("demo-badge").len(), 2);
}

#[test]
fn latency_shows_its_quantile_in_japanese() {
    let panel = slo_panel(&["latency"]);
    let text = panel.body(0.0, "", JA).unwrap().text_content();
    contains_all(
        &text,
        &[
            "レイテンシ p95: 0.74 s / 0.50 s",
            "現在 98.4%",
            "目標 95% (30 日間)",
            "残り 69.6% (1 日 1 時間 / 1 日 12 時間)",
            "✓ 正常",
        ],
    );
}

#[test]
fn every_fixture_decodes_into_its_panel() {
    for (name, slot) in [
        ("slos.json", PanelSpec::Slo(vec!["availability".into()])),
        (
            "workload-tekutoko-api.json",
            PanelSpec::Pods("tekutoko-api".into()),
        ),
    ] {
        let mut panel = Panel::new(slot);
        panel.receive(200, &fixture(name), 0.0);
        assert!(panel.body(0.0, "", EN).is_some(), "{name}");
        assert_eq!(panel.status(0.0, 15, EN).class, "fresh", "{name}");
    }
}

fn pods_panel() -> (Panel, crate::contract::WorkloadStatus) {
    let text = fixture("workload-tekutoko-api.json");
    let mut panel = Panel::new(PanelSpec::Pods("tekutoko-api".into()));
    panel.receive(200, &text, 0.0);
    let answer = crate::contract::decode::<crate::contract::WorkloadStatus>(&text).unwrap();
    (panel, answer.data)
}

#[test]
fn the_crash_looping_pod_leads_the_table() {
    let (panel, _) = pods_panel();
    let body = panel.body(0.0, "", EN).unwrap();
    let rows: Vec<&super::view::Element> = body
        .elements()
        .into_iter()
        .filter(|e| e.tag == "tr" && e.get_attr("class").is_some_and(|c| c.starts_with("pod-")))
        .collect();
    assert_eq!(rows.len(), 6);
    let first = Node::from(rows[0].clone()).text_content();
    assert!(
        first.starts_with("tekutoko-api-7d9f8b6c5d-b7wnr"),
        "{first}"
    );
    contains_all(
        &first,
        &[
            "problem: CrashLoopBackOff",
            "14 (2m10s ago)",
            "OOMKilled (exit 137)",
        ],
    );
    assert_eq!(rows[0].get_attr("class"), Some("pod-failing"));
    assert_eq!(rows[1].get_attr("class"), Some("pod-progressing"));
    contains_all(
        &body.text_content(),
        &[
            "4/6 ready · revision 42",
            "current 6 / desired 6 (min 2, max 6)",
            "CPU 96% / target 70%",
            "✖ AT MAX",
            "6 pods, 4 ready · 1 failing · 1 starting or stopping · 15 restarts",
            "Waiting for deployment",
        ],
    );
    assert_eq!(body.find_class("at-max").len(), 1);
    assert_eq!(
        panel.summary(EN),
        "tekutoko-api 4/6 ready; 1 failing; AT MAX: cannot add pods"
    );
}

#[test]
fn columns_recomputed_at_the_answer_time_match_the_server() {
    // At age 0 the panel's AGE and RESTARTS must equal what the server
    // wrote; 60 s later they have moved on by a minute.
    let (panel, data) = pods_panel();
    let body = panel.body(0.0, "", EN).unwrap();
    let text = body.text_content();
    for pod in &data.pods {
        let row = format!("{}{}", pod.restarts_text, "");
        assert!(text.contains(&row), "{} missing {row}", pod.name);
        assert!(text.contains(&pod.age), "{} missing {}", pod.name, pod.age);
    }
    let later = panel.body(60_000.0, "", EN).unwrap().text_content();
    contains_all(&later, &["14 (3m10s ago)", "52m"]);
}

#[test]
fn the_api_error_body_is_shown_in_its_words() {
    let mut panel = Panel::new(PanelSpec::Slo(vec!["unknown".into()]));
    panel.receive(404, &fixture("error-not-found.json"), 0.0);
    assert_eq!(
        panel.status(0.0, 15, EN).state,
        "Cannot update: HTTP 404: no SLO with id `unknown` is configured. Use the commands below to check by hand."
    );
    assert!(panel.body(0.0, "", EN).is_none());
}
