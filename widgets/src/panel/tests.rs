//! Panel logic against answers shaped like the API's: hand-built ones for
//! edge cases here, the API's golden fixtures in `fixtures.rs`.

use super::assertions::contains_all;
use super::*;
use crate::contract::*;
use crate::language::{EN, JA};

fn pod(name: &str, status: &str, restarts: u32) -> PodRow {
    PodRow {
        name: name.into(),
        ready: if status == "Running" { "1/1" } else { "0/1" }.into(),
        ready_containers: u32::from(status == "Running"),
        total_containers: 1,
        status: status.into(),
        restarts,
        restarts_text: String::new(),
        last_restart: (restarts > 0).then(|| LastRestart {
            reason: "OOMKilled".into(),
            exit_code: Some(137),
            container: "api".into(),
            finished_unix: 1_000 - 125,
        }),
        age: String::new(),
        created_unix: 1_000 - 3 * 86_400 - 4 * 3600,
        node: "node-a".into(),
    }
}

fn workload(pods: Vec<PodRow>) -> String {
    let answer = Answer {
        version: CONTRACT_VERSION,
        generated_at: crate::timestamp::format_rfc3339(1_000),
        stale: false,
        age_seconds: 0,
        source: "demo".into(),
        demo: true,
        data: WorkloadStatus {
            id: "api".into(),
            title: None,
            namespace: "default".into(),
            deployment: DeploymentStatus {
                name: "api".into(),
                desired: 3,
                ready: 2,
                updated: 3,
                available: 2,
                revision: Some("42".into()),
                rollout: Rollout::default(),
            },
            hpa: Some(HpaStatus {
                name: "api".into(),
                min: 2,
                max: 3,
                current: 3,
                desired: 3,
                cpu_target_percent: Some(70),
                cpu_current_percent: Some(91),
                at_max: true,
            }),
            pods,
        },
    };
    serde_json::to_string(&answer).unwrap()
}

#[test]
fn slots_parse_from_attributes() {
    assert_eq!(
        PanelSpec::parse("slo", "a, b"),
        Some(PanelSpec::Slo(vec!["a".into(), "b".into()]))
    );
    assert_eq!(
        PanelSpec::parse("pods", "api"),
        Some(PanelSpec::Pods("api".into()))
    );
    assert_eq!(PanelSpec::parse("pods", "a,b"), None);
    assert_eq!(PanelSpec::parse("gauge", "a"), None);
    assert_eq!(PanelSpec::parse("slo", ""), None);
}

#[test]
fn urls_below_the_api_base() {
    let slo = PanelSpec::Slo(vec!["a".into()]);
    assert_eq!(slo.url("api"), "api/v1/slos");
    assert_eq!(slo.url("../api/"), "../api/v1/slos");
    assert_eq!(
        PanelSpec::Pods("tekutoko-api".into()).url("https://status.example.com/api"),
        "https://status.example.com/api/v1/workloads/tekutoko-api"
    );
    // A hand-edited id cannot walk the path.
    assert_eq!(
        PanelSpec::Pods("../../x?y".into()).url("api"),
        "api/v1/workloads/..%2F..%2Fx%3Fy"
    );
}

#[test]
fn problem_pods_come_first_and_are_marked_in_words() {
    let mut panel = Panel::new(PanelSpec::Pods("api".into()));
    panel.receive(
        200,
        &workload(vec![
            pod("api-a", "Running", 0),
            pod("api-b", "ContainerCreating", 0),
            pod("api-c", "CrashLoopBackOff", 7),
            pod("api-d", "Running", 0),
        ]),
        0.0,
    );
    let body = panel.body(0.0, "", EN).expect("a body");
    let rows = body.find_class("pod-failing");
    assert_eq!(rows.len(), 1);
    let names: Vec<String> = body
        .elements()
        .into_iter()
        .filter(|e| e.tag == "tr" && e.get_attr("class").is_some_and(|c| c.starts_with("pod-")))
        .map(|e| e.children[0].text_content())
        .collect();
    assert_eq!(names, ["api-c", "api-b", "api-a", "api-d"]);
    contains_all(
        &Node::from(rows[0].clone()).text_content(),
        &[
            "problem: CrashLoopBackOff",
            // RESTARTS recomputed at the answer's clock, last reason beside it.
            "7 (2m5s ago)",
            "OOMKilled (exit 137)",
            "3d4h",
        ],
    );
    contains_all(
        &body.text_content(),
        &[
            "2/3 ready",
            "revision 42",
            "current 3 / desired 3 (min 2, max 3)",
            "CPU 91% / target 70%",
            "AT MAX",
            "4 pods, 2 ready · 1 failing · 1 starting or stopping · 7 restarts",
        ],
    );
    assert_eq!(body.find_class("demo-badge").len(), 1);
}

#[test]
fn markup_in_data_stays_text() {
    let mut panel = Panel::new(PanelSpec::Pods("api".into()));
    let evil = "<img src=x onerror=alert(1)>";
    panel.receive(200, &workload(vec![pod(evil, "Running", 0)]), 0.0);
    let body = panel.body(0.0, "", EN).unwrap();
    assert!(body.elements().iter().all(|e| e.tag != "img"));
    assert!(body.text_content().contains(evil));
}

#[test]
fn errors_keep_the_last_body() {
    let mut panel = Panel::new(PanelSpec::Pods("api".into()));
    panel.receive(200, &workload(vec![pod("api-a", "Running", 0)]), 0.0);
    panel.fail(freshness::Failure::Unreachable);
    assert!(panel.body(20_000.0, "", JA).is_some());
    let status = panel.status(20_000.0, 15, JA);
    assert_eq!(status.class, "error");
    assert_eq!(status.state, "更新できません: API が応答しません。");
    assert_eq!(status.age, "20 秒前に更新");
    // An HTTP error with the API's message, then a version the page
    // cannot read: both keep the body.
    panel.receive(
        404,
        r#"{"version":1,"error":{"code":"not_found","message":"No workload `x`."}}"#,
        21_000.0,
    );
    assert_eq!(
        panel.status(21_000.0, 15, EN).state,
        "Cannot update: HTTP 404: No workload `x`."
    );
    panel.receive(200, r#"{"version":9,"data":{}}"#, 22_000.0);
    assert!(panel
        .status(22_000.0, 15, EN)
        .state
        .contains("reload the page"));
    assert!(panel.body(22_000.0, "", EN).is_some());
}

fn slo(id: &str, sli: Option<f64>, level: AlertLevel, rates: [Option<f64>; 5]) -> SloStatus {
    let objective = 0.999;
    let burn_rates = crate::slo::burn_rates(objective, rates.map(|r| r.map(|r| 1.0 - r * 0.001)));
    SloStatus {
        id: id.into(),
        title: format!("{id} title"),
        description: None,
        objective,
        window_days: 30,
        sli,
        error_budget: crate::slo::error_budget(objective, 30, sli),
        burn_rates,
        alert: Alert {
            level,
            rule: None,
            reason: "why".into(),
        },
        latency: None,
        series: Series::default(),
    }
}

#[test]
fn slo_states_in_order_of_urgency() {
    let r = [Some(0.5); 5];
    for (sli, level, expected) in [
        (Some(0.9995), AlertLevel::Ok, slo::SloState::Ok),
        (Some(0.998), AlertLevel::Ok, slo::SloState::Missed),
        (Some(0.998), AlertLevel::Page, slo::SloState::Page),
        (Some(0.9995), AlertLevel::Ticket, slo::SloState::Ticket),
        (None, AlertLevel::Ok, slo::SloState::NoData),
        (Some(1.0), AlertLevel::Unknown, slo::SloState::Unknown),
    ] {
        assert_eq!(
            slo::state(&slo("a", sli, level, r)),
            expected,
            "SLI {sli:?}, alert {level:?}"
        );
    }
}

#[test]
fn slo_cards_follow_the_slot_order_and_mark_missing_ids() {
    let list = SloList {
        slos: vec![
            slo("a", Some(0.9995), AlertLevel::Ok, [Some(0.5); 5]),
            slo(
                "b",
                Some(0.98),
                AlertLevel::Page,
                [Some(20.0), Some(20.0), Some(20.0), Some(3.0), None],
            ),
        ],
        unavailable: vec!["c".into()],
    };
    let body = slo::panel(&list, &["b".into(), "c".into(), "a".into()], false, EN);
    let order: Vec<&str> = body
        .find_class("slo")
        .iter()
        .map(|e| e.get_attr("data-slo").unwrap())
        .collect();
    assert_eq!(order, ["b", "c", "a"]);
    let b = Node::from(body.find_class("slo")[0].clone());
    let text = b.text_content();
    contains_all(
        &text,
        &[
            "✖ PAGE",
            "Now 98.0",
            "Objective 99.9% (30 days)",
            // 2% errors against 0.1%: budget 20 times spent.
            "left -1900.0% (13 h 41 min overspent / 43.2 min)",
        ],
    );
    // Over-threshold cells say so in words; the 3d window has no data.
    assert_eq!(b.find_class("over").len(), 4, "{text}");
    contains_all(&text, &["20.0× ▲over", "page ≥6×, ticket ≥1×"]);
    assert_eq!(b.find_class("muted").len(), 1);
    assert!(b.find_class("status-page").len() == 1);
    let c = Node::from(body.find_class("slo")[1].clone()).text_content();
    assert!(c.contains("NO DATA"), "{c}");
}

#[test]
fn the_verdict_is_said_in_the_page_language() {
    let mut paging = slo(
        "b",
        Some(0.98),
        AlertLevel::Page,
        [Some(20.0), Some(20.0), Some(20.0), Some(3.0), None],
    );
    paging.alert.rule = Some("fast_burn".into());
    let quiet = slo("a", Some(0.9995), AlertLevel::Ok, [Some(0.5); 5]);
    let mut newer = quiet.clone();
    newer.alert.level = AlertLevel::Ticket;
    newer.alert.rule = Some("a_rule_from_a_newer_server".into());
    let list = SloList {
        slos: vec![paging, quiet, newer],
        unavailable: vec![],
    };
    let ids: Vec<String> = ["b", "a"].map(String::from).to_vec();
    let reasons = |s: &PanelWords| -> Vec<String> {
        slo::panel(&list, &ids, false, s)
            .find_class("slo-reason")
            .iter()
            .map(|e| Node::from((*e).clone()).text_content())
            .collect()
    };
    let ja = &crate::language::for_tag("ja").panels;
    assert_eq!(
        reasons(ja),
        [
            "バーンレートが 1h で 20.0×、5m で 20.0×（閾値 14.4×）。",
            "しきい値を超える速さで予算を消費しているウィンドウはありません。",
        ]
    );
    assert_eq!(
        reasons(EN),
        [
            "Burn rate 20.0× over 1h and 20.0× over 5m (threshold 14.4×).",
            "No alerting window burns faster than its threshold.",
        ]
    );
    // A rule this reader does not know keeps the server's sentence.
    let ids: Vec<String> = vec!["a".into()];
    let list = SloList {
        slos: vec![list.slos[2].clone()],
        unavailable: vec![],
    };
    let text = slo::panel(&list, &ids, false, EN).find_class("slo-reason")[0].clone();
    assert_eq!(Node::from(text).text_content(), "why");
}

#[test]
fn an_outage_with_no_requests_reads_no_data_never_ok() {
    // The whole window's SLI is still fine (30 days of earlier traffic);
    // the last hour has no events at all.
    let mut outage = slo(
        "a",
        Some(0.9995),
        AlertLevel::Ok,
        [None, None, None, Some(0.5), Some(0.5)],
    );
    outage.alert = crate::slo::alert(&outage.burn_rates);
    assert_eq!(outage.alert.level, AlertLevel::NoData);
    assert_eq!(slo::state(&outage), slo::SloState::NoData);
    let list = SloList {
        slos: vec![outage],
        unavailable: vec![],
    };
    for (strings, words, reason) in [
        (EN, "NO DATA", "No requests over 5m, 30m, 1h"),
        (JA, "データなし", "5m, 30m, 1h のリクエストがありません"),
    ] {
        let body = slo::panel(&list, &["a".into()], false, strings);
        let card = body.find_class("slo")[0].clone();
        assert!(
            card.get_attr("class").unwrap().contains("status-nodata"),
            "{card:?}"
        );
        let text = Node::from(card).text_content();
        contains_all(&text, &[words, reason]);
        assert!(!text.contains("OK"), "{text}");
    }
}

fn firing(name: &str, level: Option<crate::severity::Level>, starts: i64) -> FiringAlert {
    FiringAlert {
        name: name.into(),
        severity: level.map(|l| l.class().to_string()),
        level,
        labels: [
            ("alertname".to_string(), name.to_string()),
            ("pod".to_string(), "api-7d9f-b7wnr".to_string()),
            ("namespace".to_string(), "default".to_string()),
        ]
        .into(),
        starts_at: crate::timestamp::format_rfc3339(starts),
        starts_unix: starts,
        summary: Some(format!("{name} fires")),
        page: Some(AlertPage {
            url: "POD_RESTARTS.html".into(),
            title: "Pods".into(),
        }),
        ..FiringAlert::default()
    }
}

fn alert_answer(alerts: Vec<FiringAlert>) -> String {
    serde_json::to_string(&Answer {
        version: CONTRACT_VERSION,
        generated_at: crate::timestamp::format_rfc3339(10_000),
        source: "alertmanager".into(),
        data: AlertList { alerts },
        ..Answer::default()
    })
    .unwrap()
}

#[test]
fn alert_slots_parse_and_read_the_alerts_endpoint() {
    assert_eq!(
        PanelSpec::parse("alerts", ""),
        Some(PanelSpec::Alerts(vec![]))
    );
    assert_eq!(PanelSpec::parse("banner", ""), None);
    let banner = PanelSpec::parse("banner", "A,B").unwrap().with_fill("pod");
    assert_eq!(banner.url("../api"), "../api/v1/alerts");
    assert_eq!(
        PanelSpec::Verdicts(vec!["a".into()]).url("api"),
        "api/v1/slos"
    );
}

#[test]
fn the_alerts_panel_lists_each_alert_with_its_age_and_page() {
    use crate::severity::Level;
    let mut panel = Panel::new(PanelSpec::Alerts(vec![]));
    let mut muted = firing("HpaMaxed", Some(Level::Warning), 9_000);
    muted.silenced = true;
    muted.page = Some(AlertPage {
        url: "javascript:alert(1)".into(),
        title: "x".into(),
    });
    panel.receive(
        200,
        &alert_answer(vec![
            firing("PodCrashLooping", Some(Level::Critical), 10_000 - 35 * 60),
            muted,
        ]),
        0.0,
    );
    let body = panel.body(0.0, "../", EN).unwrap();
    let items = body.find_class("alert");
    assert_eq!(items.len(), 2);
    let first = Node::from(items[0].clone()).text_content();
    contains_all(
        &first,
        &[
            "CRITICAL PodCrashLooping",
            "since 02:11 UTC (35m)",
            "Open the runbook → Pods",
        ],
    );
    let links: Vec<_> = body
        .elements()
        .into_iter()
        .filter_map(|e| e.get_attr("href"))
        .collect();
    // A page URL that is not a path of the site never becomes a link.
    assert_eq!(links, ["../POD_RESTARTS.html"]);
    let second = Node::from(items[1].clone()).text_content();
    assert!(second.contains("SILENCED"), "{second}");
    assert_eq!(panel.summary(EN), "2 firing: PodCrashLooping, HpaMaxed");

    let mut quiet = Panel::new(PanelSpec::Alerts(vec!["Other".into()]));
    quiet.receive(
        200,
        &alert_answer(vec![firing("PodCrashLooping", None, 1)]),
        0.0,
    );
    let text = quiet.body(0.0, "", JA).unwrap().text_content();
    assert_eq!(text, "✓ 発火中のアラートはありません。");
}

#[test]
fn the_banner_shows_the_page_s_alerts_with_a_fill_button() {
    use crate::severity::Level;
    let spec = PanelSpec::Banner {
        alerts: vec!["podcrashlooping".into()],
        fill: vec!["pod".into()],
    };
    let mut panel = Panel::new(spec);
    panel.receive(
        200,
        &alert_answer(vec![
            firing("PodCrashLooping", Some(Level::Critical), 10_000 - 600),
            firing("Unrelated", Some(Level::Critical), 10_000 - 600),
        ]),
        0.0,
    );
    let body = panel.body(0.0, "", JA).unwrap();
    let alerts = body.find_class("banner-alert");
    assert_eq!(alerts.len(), 1, "only the page's own alert (any case)");
    let text = body.text_content();
    contains_all(
        &text,
        &[
            "CRITICAL PodCrashLooping発火中 02:36 UTC から（10m）",
            "pod=api-7d9f-b7wnr",
            "namespace=default",
        ],
    );
    assert!(!text.contains("alertname="), "{text}");
    let button = body.find_class("alert-fill");
    assert_eq!(
        button[0].get_attr("data-fill-labels"),
        Some("pod=api-7d9f-b7wnr")
    );

    // Nothing of the page's fires: an empty banner, which the page hides.
    let mut none = Panel::new(PanelSpec::Banner {
        alerts: vec!["Other".into()],
        fill: vec![],
    });
    none.receive(
        200,
        &alert_answer(vec![firing("PodCrashLooping", None, 1)]),
        0.0,
    );
    assert!(none
        .body(0.0, "", EN)
        .unwrap()
        .find_class("banner-alert")
        .is_empty());
}

#[test]
fn verdict_lines_say_each_slo_s_state() {
    let mut panel = Panel::new(PanelSpec::Verdicts(vec![
        "availability".into(),
        "gone".into(),
    ]));
    let list = SloList {
        slos: vec![SloStatus {
            id: "availability".into(),
            title: "Availability".into(),
            objective: 0.999,
            sli: Some(0.98),
            alert: Alert {
                level: AlertLevel::Page,
                ..Alert::default()
            },
            ..SloStatus::default()
        }],
        unavailable: vec!["gone".into()],
    };
    let answer = Answer {
        version: CONTRACT_VERSION,
        data: list,
        ..Answer::default()
    };
    panel.receive(200, &serde_json::to_string(&answer).unwrap(), 0.0);
    let body = panel.body(0.0, "", EN).unwrap();
    let lines = body.find_class("verdict");
    assert_eq!(lines.len(), 2);
    let first = Node::from(lines[0].clone()).text_content();
    assert!(first.starts_with("✖ PAGE Availability 98"), "{first}");
    assert!(Node::from(lines[1].clone())
        .text_content()
        .contains("NO DATA"));
}
