//! A tree written the way Hugo (with the Book theme), mdBook and
//! Docusaurus users write it (`tests/fixtures/sites/migrated`), built as
//! it is: pages, redirects, badges, highlighted PromQL, and the warnings
//! that tell the writer what runbook reads differently.

use crate::common::{assert_contains, assert_lacks};
use crate::site::TestSite;

#[test]
fn builds_as_written_with_pages_redirects_and_warnings() {
    let site = TestSite::fixture("migrated");
    let run = site.build(&[]);
    run.assert_ok();
    let err = &run.stderr;
    // Keys of other generators are not warned about; what runbook reads
    // differently is, each at its file and line.
    assert_lacks(err, "unknown front matter key");
    for expected in [
        "prometheus/HostHighCpuLoad.md:18:1: warning: Hugo shortcode `rule` is shown as written (2 on this page)",
        "prometheus/HostDiskWillFillIn24Hours.md:3:1: warning: draft: this page is not published",
        "prometheus/HostOutOfMemory.md:6:1: warning: review overdue: last reviewed 2000-01-01",
        "docs/escalation.md:3:1: warning: severity `Urgent-ish` maps to no level",
    ] {
        assert_contains(err, expected);
    }
    assert_contains(&run.stdout, "Built 8 pages, 4 warnings");

    // Hugo's `_index.md` is its folder's index; drafts are not published.
    for page in [
        "index.html",
        "prometheus/index.html",
        "prometheus/HostHighCpuLoad.html",
        "docs/intro.html",
        "book/index.html",
        "book/chapter_1.html",
    ] {
        assert!(site.out.join(page).is_file(), "{page}");
    }
    assert!(!site
        .out
        .join("prometheus/HostDiskWillFillIn24Hours.html")
        .exists());
    assert!(!site
        .output("pages.html")
        .contains("HostDiskWillFillIn24Hours"));

    // `aliases:` and `alert:` both lead to the page.
    let old = site.output("runbooks/old-cpu/index.html");
    assert_contains(&old, "url=../../prometheus/HostHighCpuLoad.html");
    assert_contains(&old, "<title>/runbooks/old-cpu/ → HostHighCpuLoad</title>");
    let alert = site.output("alerts/HostHighCpuLoad.html");
    assert_contains(&alert, "url=../prometheus/HostHighCpuLoad.html");
    let alerts: serde_json::Value = serde_json::from_str(&site.output("alerts.json")).unwrap();
    assert_eq!(alerts["HostHighCpuLoad"]["severity"], "CRITICAL");
    assert_eq!(alerts["HostOutOfMemory"]["severity"], "ERROR");
}

#[test]
fn severities_show_their_level_and_unmapped_ones_stay_neutral() {
    let site = TestSite::built("migrated");
    let cpu = site.output("prometheus/HostHighCpuLoad.html");
    assert_contains(
        &cpu,
        "<span class=\"badge sev-critical\" title=\"critical\">CRITICAL</span>",
    );
    let memory = site.output("prometheus/HostOutOfMemory.html");
    assert!(memory.contains("<span class=\"badge sev-error\" title=\"P2\">ERROR</span>"));
    // The sidebar's markers follow the level too.
    assert_contains(
        &memory,
        "<li class=\"d1 dot-critical\"><a href=\"HostHighCpuLoad.html\">HostHighCpuLoad</a>",
    );
    let intro = site.output("docs/intro.html");
    assert!(intro.contains("<span class=\"badge sev-warning\" title=\"SEV3\">WARNING</span>"));
    let escalation = site.output("docs/escalation.html");
    assert_contains(
        &escalation,
        "<span class=\"badge sev-other\">Urgent-ish</span>",
    );
    // Docusaurus' sidebar_position orders the folder: escalation (1) first.
    let sidebar = &intro[intro.find("id=\"sidebar\"").unwrap()..intro.find("id=\"main\"").unwrap()];
    assert!(
        sidebar.find("Escalation").unwrap() < sidebar.find(">Intro<").unwrap(),
        "{sidebar}"
    );
}

#[test]
fn dates_reviews_shortcodes_and_highlighting() {
    let site = TestSite::built("migrated");
    let memory = site.output("prometheus/HostOutOfMemory.html");
    // No git history here: "last updated" is the front matter's lastmod.
    assert_contains(&memory, "<time datetime=\"2024-03-01\">2024-03-01</time>");
    assert_contains(&memory, "<strong class=\"overdue\">review overdue</strong>");
    let cpu = site.output("prometheus/HostHighCpuLoad.html");
    assert_contains(&cpu, "<time datetime=\"2023-12-12\">");
    assert!(!cpu.contains("review overdue"));
    // Shortcodes stay visible; `{{<details>}}` is not an empty element.
    assert!(cpu.contains("{{% rule \"node/node-exporter.yml\" \"HostHighCpuLoad\" %}}"));
    assert_contains(&cpu, "{{&lt;details title=\"Alert rule\"&gt;}}");
    assert_lacks(&cpu, "<details");

    // PromQL (tagged promql or prometheus) and LogQL, HCL, TOML come out
    // as coloured runs inside <pre>.
    let pre = |html: &str, lang: &str| -> String {
        let start = html
            .find(&format!("<code class=\"language-{lang}\">"))
            .unwrap_or_else(|| panic!("no {lang} block"));
        html[start..start + html[start..].find("</pre>").unwrap()].to_string()
    };
    // Each token is a run of its own, one element naming its pair of
    // colours (`<h-n>`; which scope gets which colour is highlight.rs's
    // test).
    let run_class = |pre: &str, token: &str| -> String {
        // The run may end in the white space that follows the token.
        let end = pre
            .match_indices(&format!(">{token}"))
            .map(|(at, m)| at + m.len())
            .find(|&after| {
                pre[after..]
                    .trim_start_matches([' ', '\n'])
                    .starts_with("</h-")
            })
            .map(|after| after - token.len() - 1)
            .unwrap_or_else(|| panic!("{token:?} is not a run of its own in\n{pre}"));
        let run = &pre[pre[..end].rfind('<').unwrap() + 1..end];
        assert!(
            run.strip_prefix("h-")
                .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 0)),
            "{token:?} is in {run:?}"
        );
        run.to_string()
    };
    let promql = pre(&cpu, "promql");
    assert_contains(&promql, " <h-");
    // The aggregation and its keyword are one run (the space between
    // them joins it); functions, label names and durations are runs too.
    for token in ["avg by", "rate", "mode", "2m"] {
        run_class(&promql, token);
    }
    run_class(&pre(&memory, "prometheus"), "&lt;");
    run_class(&pre(&cpu, "logql"), "|=");
    let intro = site.output("docs/intro.html");
    assert_contains(&pre(&intro, "hcl"), "<h-");
    let chapter = site.output("book/chapter_1.html");
    assert_contains(&pre(&chapter, "toml"), "<h-");
}

#[test]
fn check_lists_drafts_overdue_reviews_and_unmapped_severities() {
    let site = TestSite::fixture("migrated");
    let run = site.check();
    run.assert_failed_with("draft: this page is not published");
    assert_contains(&run.stderr, "review overdue");
    assert_contains(&run.stderr, "maps to no level");
    // Fixing what check names makes it pass.
    site.remove("prometheus/HostDiskWillFillIn24Hours.md");
    site.write(
        "prometheus/HostOutOfMemory.md",
        "---\ntitle: HostOutOfMemory\nseverity: P2\nlast_reviewed: 2999-01-01\n---\n# HostOutOfMemory\n",
    );
    site.write(
        "docs/escalation.md",
        "---\nseverity: high\n---\n# Escalation\n",
    );
    site.write(
        "prometheus/HostHighCpuLoad.md",
        "---\nalert: HostHighCpuLoad\nseverity: critical\n---\n# HostHighCpuLoad\n",
    );
    site.check().assert_ok();
}

#[test]
fn init_twice_writes_once() {
    let site = TestSite::fixture("migrated");
    site.remove("runbook.yaml");
    let first = site.run(&["init", "content"]);
    first.assert_ok();
    assert_contains(&first.stdout, "wrote content/runbook.yaml");
    assert_contains(&first.stdout, "wrote content/.github/workflows/pages.yml");
    assert_contains(&first.stdout, "next: runbook serve content");
    let config = site.source("runbook.yaml");
    assert_contains(&config, "title: Migrated runbooks");
    assert_contains(&config, "language: en");
    let workflow = site.source(".github/workflows/pages.yml");
    assert_contains(&workflow, "build . --out site --strict");
    // The site builds with what init wrote.
    site.build(&[]).assert_ok();

    let before = crate::site::snapshot(&site.content);
    let second = site.run(&["init", "content"]);
    second.assert_ok();
    assert_lacks(&second.stdout, "wrote");
    assert_contains(&second.stdout, "kept content/runbook.yaml");
    assert_eq!(
        before,
        crate::site::snapshot(&site.content),
        "the second run wrote something"
    );
}
