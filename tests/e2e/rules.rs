//! `runbook check --rules`: alert rules checked against the pages. A
//! fixture site and rule files with one of each problem, every report
//! asserted at its FILE:LINE:COLUMN; and content/ against the TekuToko
//! rules in deploy/, which must check clean.

use std::path::Path;

use crate::common::{assert_contains, assert_lacks};
use crate::site::{copy_tree, fixture_dir, workspace, TestSite};

/// The alerting fixture: `content/` is the site, `rules/` beside it.
fn alerting() -> TestSite {
    let site = TestSite::copy_of(&fixture_dir("../rules/site"));
    let rules = site.root().join("rules");
    std::fs::create_dir(&rules).unwrap();
    copy_tree(&fixture_dir("../rules/rules"), &rules);
    site
}

/// The reports of a run: each `FILE:LINE:COL: warning: …` line.
fn reports(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(": warning: "))
        .collect()
}

#[test]
fn each_problem_is_reported_at_its_place_and_the_check_fails() {
    let site = alerting();
    let run = site.run(&["check", "content", "--rules", "rules"]);
    assert!(
        !run.success,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let expected = [
        "content/latency.md:3:1: warning: the page lists alert `RetiredAlert`, which no rule given defines",
        "content/latency.md:6:1: warning: the page says CRITICAL, but its most urgent alert `HighLatency` is `warning` (WARNING)",
        "rules/app.rules.yaml:23:9: warning: alert `CertExpiry` has no runbook page",
        "rules/kube.yaml:23:13: warning: the `runbook_url` of alert `DiskFull` leads nowhere on this site: no page is at `disk-old.html`",
        "rules/kube.yaml:35:11: warning: alert `NodeDown` has no runbook page",
        "rules/kube.yaml:40:13: warning: the `runbook` of alert `NodeDown` leads nowhere on this site: `nodedown` is not the alert's name, `NodeDown`: addresses are case-sensitive",
        "rules/mixin.libsonnet:1:1: warning: Jsonnet is not read: rules are read from YAML only",
    ];
    assert_eq!(reports(&run.stderr), expected, "stderr:\n{}", run.stderr);
    // Each report carries its fix.
    assert!(run
        .stderr
        .contains("fix: write `https://ops.example.com/runbooks/alerts/DiskFull.html`"));
    assert!(run
        .stderr
        .contains("fix: add `CertExpiry` to the `alerts:`"));
    assert_contains(&run.stdout, "Rules: 5 alerts read (6 rules in 2 files, 2 recording rules skipped): 2 with a page, 3 without (1 linked elsewhere), 2 broken links; 1 listed on pages but defined by no rule, 1 severity disagreements, 1 file not read");
}

#[test]
fn fixed_rules_and_pages_check_clean() {
    let site = alerting();
    let root = site.root();
    std::fs::remove_file(root.join("rules/mixin.libsonnet")).unwrap();
    let edit = |rel: &str, from: &str, to: &str| {
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} lacks {from}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    edit(
        "rules/kube.yaml",
        "runbooks/disk-old.html",
        "runbooks/alerts/DiskFull.html",
    );
    edit(
        "rules/kube.yaml",
        "alerts/nodedown.html",
        "alerts/NodeDown.html",
    );
    edit("rules/app.rules.yaml", "      - alert: CertExpiry\n", "      - alert: CertExpiry\n        annotations: {runbook_url: 'https://ops.example.com/runbooks/disk.html'}\n");
    edit("content/latency.md", "  - RetiredAlert\n", "");
    edit("content/latency.md", "severity: P1", "severity: warning");
    site.write(
        "node.md",
        "---\nalerts: [NodeDown]\nseverity: SEV1\n---\n\n# Node down\n",
    );
    let run = site.run(&["check", "content", "--rules", "rules"]);
    run.assert_ok();
    assert_contains(&run.stdout, "Rules: 5 alerts read (6 rules in 2 files, 2 recording rules skipped): 4 with a page, 1 without (1 linked elsewhere), 0 broken links; 0 listed");
}

#[test]
fn rules_named_in_runbook_yaml_are_read_too() {
    let site = alerting();
    // runbook.yaml may only name rules inside the content folder (a file
    // beside it is refused: tests/e2e/safety.rs).
    std::fs::create_dir_all(site.content.join("rules")).unwrap();
    std::fs::copy(
        site.root().join("rules/app.rules.yaml"),
        site.content.join("rules/app.rules.yaml"),
    )
    .unwrap();
    site.write(
        "runbook.yaml",
        "title: x\nbase_url: https://ops.example.com/runbooks/\nrules: [rules/app.rules.yaml]\n",
    );
    let run = site.check();
    assert!(!run.success);
    assert_contains(
        &run.stderr,
        "app.rules.yaml:23:9: warning: alert `CertExpiry` has no runbook page",
    );
    assert_contains(&run.stdout, "Rules: 4 alerts read (4 rules in 1 file");
}

#[test]
fn fix_urls_prints_each_alert_s_address_and_writes_nothing() {
    let site = alerting();
    let before = std::fs::read_to_string(site.root().join("rules/app.rules.yaml")).unwrap();
    let run = site.run(&[
        "check",
        "content",
        "--rules",
        "rules/app.rules.yaml",
        "rules/kube.yaml",
        "--fix-urls",
    ]);
    assert!(run.success, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "rules/app.rules.yaml:7:9: DiskFull: runbook_url: https://ops.example.com/runbooks/alerts/DiskFull.html",
            "rules/app.rules.yaml:15:9: HighLatency: runbook_url: https://ops.example.com/runbooks/alerts/HighLatency.html",
            "rules/app.rules.yaml:23:9: CertExpiry: no page lists it yet; once one does: runbook_url: https://ops.example.com/runbooks/alerts/CertExpiry.html",
            "rules/app.rules.yaml:27:9: QueueStuck: no page lists it yet; once one does: runbook_url: https://ops.example.com/runbooks/alerts/QueueStuck.html",
            "rules/kube.yaml:17:11: DiskFull: runbook_url: https://ops.example.com/runbooks/alerts/DiskFull.html",
            "rules/kube.yaml:35:11: NodeDown: no page lists it yet; once one does: runbook: https://ops.example.com/runbooks/alerts/NodeDown.html",
        ],
        "{}",
        run.stdout
    );
    let after = std::fs::read_to_string(site.root().join("rules/app.rules.yaml")).unwrap();
    assert_eq!(before, after);
}

/// content/ against deploy/rules/tekutoko.rules.yaml: every alert has its
/// page, every runbook_url lands, severities agree.
#[test]
fn content_checks_clean_against_the_tekutoko_rules() {
    let site = TestSite::copy_of(&workspace().join("content"));
    let rules = workspace().join("deploy/rules/tekutoko.rules.yaml");
    let run = site.run(&["check", "content", "--rules", rules.to_str().unwrap()]);
    run.assert_ok();
    assert_contains(&run.stdout, "Rules: 18 alerts read (18 rules in 1 file, 0 recording rules skipped): 18 with a page, 0 without (0 linked elsewhere), 0 broken links; 0 listed on pages but defined by no rule, 0 severity disagreements");
    assert!(Path::new(&rules).exists());
}

/// `build --rules`: alerts.json carries each alert's rules (also of alerts
/// no page lists), and a page shows its alerts' rules as PromQL blocks.
#[test]
fn build_with_rules_shows_them_on_pages_and_in_alerts_json() {
    let site = alerting();
    std::fs::remove_file(site.root().join("rules/mixin.libsonnet")).unwrap();
    site.build(&["--rules", "rules"]).assert_ok();
    let alerts: serde_json::Value = serde_json::from_str(&site.output("alerts.json")).unwrap();
    let disk = &alerts["DiskFull"];
    assert_eq!(disk["url"], "disk.html");
    assert_eq!(disk["rules"].as_array().unwrap().len(), 2, "{disk}");
    assert_eq!(disk["rules"][0]["for"], "10m");
    assert_eq!(disk["rules"][0]["severity"], "CRITICAL");
    assert_eq!(
        disk["rules"][0]["summary"],
        "Less than 5% disk left on {{ $labels.instance }}"
    );
    assert_eq!(
        disk["rules"][0]["expr"],
        "node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05"
    );
    assert_eq!(disk["rules"][1]["severity"], "WARNING");
    // An alert no page lists: its rule, and no page.
    assert!(
        alerts["CertExpiry"].get("url").is_none(),
        "{}",
        alerts["CertExpiry"]
    );
    assert_eq!(alerts["CertExpiry"]["rules"][0]["severity"], "WARNING");

    let page = site.output("disk.html");
    let block = &page[page
        .find("<section class=\"alert-rules\"")
        .expect("rule block")..];
    let block = &block[..block.find("</section>").unwrap()];
    assert_eq!(block.matches("<details class=\"alert-rule\"").count(), 2);
    assert!(block.contains("data-lang=\"promql\""), "{block}");
    assert!(block.contains("# alert: DiskFull  for: 10m"), "{block}");
    assert!(block.contains("severity=\"critical\""), "{block}");
    assert!(
        block.contains(">node_filesystem_avail_bytes")
            || block.contains("node_filesystem_avail_bytes")
    );
    assert!(block.contains("<h-"), "highlighted: {block}");
    // The block sits under the page's alerts, before its text.
    assert!(page.find("class=\"page-meta\"").unwrap() < page.find("alert-rules").unwrap());
    assert!(page.find("alert-rules").unwrap() < page.find("<article").unwrap());

    // Without rules, no block, and alerts.json as before.
    site.build(&[]).assert_ok();
    assert!(!site.output("disk.html").contains("alert-rules"));
    let alerts: serde_json::Value = serde_json::from_str(&site.output("alerts.json")).unwrap();
    assert_eq!(
        alerts["DiskFull"],
        serde_json::json!({"url": "disk.html", "title": "Disk full", "severity": "CRITICAL"})
    );
}

/// A rule more urgent than its page is reported at the rule's label.
#[test]
fn a_rule_more_urgent_than_its_page_is_reported_at_its_severity_label() {
    let site = alerting();
    let page = site.content.join("disk.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("severity: critical", "severity: sev3")).unwrap();
    let run = site.run(&["check", "content", "--rules", "rules"]);
    assert!(!run.success);
    assert_contains(&run.stderr, "rules/app.rules.yaml:11:11: warning: alert `DiskFull` is `critical` (CRITICAL), but its page content/disk.md says WARNING");
    // The second DiskFull rule (`warning`) agrees with the page.
    assert_lacks(&run.stderr, "rules/kube.yaml:21:");
    assert_contains(&run.stdout, ", 2 severity disagreements");
}
