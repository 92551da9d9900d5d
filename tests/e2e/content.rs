//! The bundled TekuToko runbook (content/): it builds cleanly with
//! --strict, every page has the shape a reader relies on, every alert leads
//! to one page and is in the rules file (deploy/rules/), and every bash
//! block is valid shell once filled in.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use runbook::config::SiteConfig;
use runbook::placeholder::Placeholders;

use crate::site::{workspace, TestSite};

const INCIDENT_PAGES: [&str; 6] = [
    "ERROR_RATE.md",
    "HIGH_LATENCY.md",
    "POD_RESTARTS.md",
    "HIGH_CPU.md",
    "HIGH_MEMORY.md",
    "DB_CONNECTION_ERROR.md",
];
const INCIDENT_SHAPE: [&str; 7] = [
    "アラート",
    "影響",
    "初動",
    "調査",
    "緩和",
    "エスカレーション",
    "関連ページ",
];
const PROCEDURE_PAGES: [&str; 3] = ["ROLLBACK.md", "DB_MAINTENANCE.md", "SECURITY_PATCH.md"];
const PROCEDURE_SHAPE: [&str; 5] = ["前提条件", "手順", "検証", "切り戻し", "関連ページ"];

fn content_dir() -> PathBuf {
    workspace().join("content")
}

fn pages() -> BTreeMap<String, String> {
    std::fs::read_dir(content_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The text of each element of `markdown` from a start `opens` accepts to
/// the end `closes` accepts: a heading's words, a code block's body.
fn texts_inside(
    markdown: &str,
    opens: impl Fn(&Tag) -> bool,
    closes: impl Fn(&TagEnd) -> bool,
) -> Vec<String> {
    let mut texts = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::all()) {
        match event {
            Event::Start(tag) if opens(&tag) => current = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(text) = &mut current {
                    text.push_str(&t);
                }
            }
            Event::End(end) if closes(&end) => texts.extend(current.take()),
            _ => {}
        }
    }
    texts
}

/// Level-2 headings of a page, in order.
fn level2_headings(markdown: &str) -> Vec<String> {
    texts_inside(
        markdown,
        |tag| {
            matches!(
                tag,
                Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                }
            )
        },
        |end| matches!(end, TagEnd::Heading(HeadingLevel::H2)),
    )
}

/// The bodies of a page's fenced code blocks whose info string `wanted`
/// accepts, in order.
fn fenced_blocks(markdown: &str, wanted: impl Fn(&str) -> bool) -> Vec<String> {
    texts_inside(
        markdown,
        |tag| matches!(tag, Tag::CodeBlock(CodeBlockKind::Fenced(info)) if wanted(info)),
        |end| matches!(end, TagEnd::CodeBlock),
    )
}

/// The front matter of a page that starts with `---`, without its fences.
fn front_matter(text: &str) -> &str {
    &text[4..text[4..].find("\n---").unwrap() + 4]
}

#[test]
fn builds_with_strict_and_no_warnings() {
    let site = TestSite::copy_of(&content_dir());
    let run = site.build(&["--strict"]);
    run.assert_ok();
    assert!(
        run.stdout.contains("Built 11 pages, 0 warnings"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    site.check().assert_ok();
}

#[test]
fn the_index_links_every_page() {
    let pages = pages();
    let index = &pages["README.md"];
    for page in INCIDENT_PAGES
        .iter()
        .chain(&PROCEDURE_PAGES)
        .chain(&["POSTMORTEM_TEMPLATE.md"])
    {
        assert!(pages.contains_key(*page), "{page} is missing");
        assert!(
            index.contains(&format!("./{page}")),
            "README.md does not link {page}"
        );
    }
    assert!(index.contains("DB_MAINTENANCE.md#リカバリ手順"));
}

#[test]
fn incident_and_procedure_pages_have_their_shape() {
    let pages = pages();
    let in_order = |page: &str, shape: &[&str]| {
        let headings = level2_headings(&pages[page]);
        let positions: Vec<usize> = shape
            .iter()
            .map(|h| {
                headings
                    .iter()
                    .position(|x| x == h)
                    .unwrap_or_else(|| panic!("{page} lacks `## {h}`: {headings:?}"))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{page}: headings out of order: {headings:?}"
        );
    };
    for page in INCIDENT_PAGES {
        in_order(page, &INCIDENT_SHAPE);
        assert!(
            pages[page].contains("```widget"),
            "{page} has no live panel"
        );
    }
    for page in PROCEDURE_PAGES {
        in_order(page, &PROCEDURE_SHAPE);
    }
    assert!(level2_headings(&pages["DB_MAINTENANCE.md"]).contains(&"リカバリ手順".to_string()));
    let postmortem = level2_headings(&pages["POSTMORTEM_TEMPLATE.md"]).join(" ");
    for section in [
        "タイムライン",
        "影響",
        "根本原因",
        "うまくいったこと",
        "アクションアイテム",
    ] {
        assert!(
            postmortem.contains(section),
            "postmortem template lacks {section}: {postmortem}"
        );
    }
}

#[test]
fn every_page_has_front_matter_and_no_todo() {
    for (name, text) in pages() {
        assert!(text.starts_with("---\n"), "{name} has no front matter");
        let front = front_matter(&text);
        for key in ["title:", "owner:", "tags:"] {
            assert!(front.contains(key), "{name} front matter lacks {key}");
        }
        if INCIDENT_PAGES.contains(&name.as_str()) {
            assert!(
                front.contains("alerts:") && front.contains("severity:"),
                "{name} lacks alerts/severity"
            );
        }
        assert!(
            !text.contains("TODO") && !text.contains("FIXME"),
            "{name} has a TODO"
        );
    }
}

/// The alert names of a page's front matter (`alerts: [A, B]`).
fn front_matter_alerts(text: &str) -> Vec<String> {
    let line = front_matter(text)
        .lines()
        .find(|l| l.starts_with("alerts:"))
        .unwrap_or("alerts: []");
    line["alerts:".len()..]
        .trim()
        .trim_matches(['[', ']'])
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The bodies of a page's ```promql blocks, trailing newline trimmed.
fn promql_blocks(markdown: &str) -> Vec<String> {
    fenced_blocks(markdown, |info| info == "promql")
        .into_iter()
        .map(|block| block.trim_end().to_string())
        .collect()
}

#[derive(serde::Deserialize)]
struct RuleFile {
    groups: Vec<RuleGroup>,
}

#[derive(serde::Deserialize)]
struct RuleGroup {
    rules: Vec<Rule>,
}

#[derive(serde::Deserialize)]
struct Rule {
    alert: String,
    expr: String,
}

/// deploy/rules/tekutoko.rules.yaml holds exactly the alerts the pages
/// declare and the index's table lists, each with a page's expression:
/// an alert added to one place and not the others fails here.
#[test]
fn the_rules_file_matches_the_pages_and_the_index() {
    let path = workspace().join("deploy/rules/tekutoko.rules.yaml");
    let file: RuleFile = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rules: Vec<Rule> = file.groups.into_iter().flat_map(|g| g.rules).collect();
    let in_rules: BTreeSet<String> = rules.iter().map(|r| r.alert.clone()).collect();
    assert_eq!(in_rules.len(), rules.len(), "an alert is defined twice");

    let pages = pages();
    let in_pages: BTreeSet<String> = pages
        .values()
        .flat_map(|t| front_matter_alerts(t))
        .collect();
    let index = &pages["README.md"];
    let table = &index[index.find("## アラートと手順書の対応").unwrap()..];
    let table = &table[..3 + table[3..].find("\n## ").unwrap()];
    let in_index: BTreeSet<String> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| TekuToko"))
        .map(|rest| format!("TekuToko{}", rest.split(' ').next().unwrap()))
        .collect();
    assert_eq!(in_rules, in_pages, "rules file vs pages' front matter");
    assert_eq!(in_rules, in_index, "rules file vs README.md's alert table");

    let expressions: BTreeSet<String> = pages.values().flat_map(|t| promql_blocks(t)).collect();
    for rule in &rules {
        assert!(
            expressions.contains(rule.expr.trim_end()),
            "{}: the expression is on no page:\n{}",
            rule.alert,
            rule.expr
        );
    }
}

#[test]
fn every_alert_maps_to_exactly_one_page() {
    let site = TestSite::copy_of(&content_dir());
    site.build(&["--strict"]).assert_ok();
    let alerts: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&site.output("alerts.json")).unwrap();
    let mut declared = 0;
    for (name, text) in pages() {
        for alert in front_matter_alerts(&text) {
            declared += 1;
            assert_eq!(
                alerts[alert.as_str()]["url"],
                name.replace(".md", ".html")
                    .replace("README.html", "index.html"),
                "{alert}"
            );
        }
    }
    assert_eq!(
        declared,
        alerts.len(),
        "an alert name is declared on two pages"
    );
    assert!(alerts.len() >= 6, "{alerts:?}");
}

#[test]
fn every_bash_block_is_valid_shell_once_filled_in() {
    let config = SiteConfig::load(&content_dir()).unwrap();
    let placeholders = Placeholders::new(config.placeholders.keys().cloned());
    let mut checked = 0;
    for (name, text) in pages() {
        let shell = |info: &str| {
            matches!(
                info.split_whitespace().next(),
                Some("bash" | "sh" | "shell")
            )
        };
        for code in fenced_blocks(&text, shell) {
            let mut filled = String::new();
            let mut last = 0;
            for found in placeholders.find(&code) {
                filled.push_str(&code[last..found.range.start]);
                filled.push_str("filled-value");
                last = found.range.end;
            }
            filled.push_str(&code[last..]);
            let output = std::process::Command::new("bash")
                .args(["-n", "-c", &filled])
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{name}: bash -n fails:\n{}\n{}",
                String::from_utf8_lossy(&output.stderr),
                code
            );
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} bash blocks found");
}
