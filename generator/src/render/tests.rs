//! Rendering tests: Markdown in, HTML and findings out.

use super::*;
use crate::config::LiveConfig;
use crate::testing::{assert_contains, assert_starts_with};
use runbook_widgets::html::text_of;

struct Fixture {
    highlighter: Highlighter,
    placeholders: Placeholders,
    live: LiveConfig,
    strings: &'static ThemeWords,
    links: LinkTargets,
}

impl Fixture {
    fn new() -> Fixture {
        let mut links = LinkTargets::default();
        for rel in [
            "README.md",
            "ROLLBACK.md",
            "DB_MAINTENANCE.md",
            "db/README.md",
            "db/vacuum.md",
        ] {
            links.pages.insert(rel.to_string(), paths::output_path(rel));
        }
        links.assets.insert("img/flow.png".to_string());
        let live: LiveConfig = serde_yaml::from_str(
            "slos:\n  availability:\n    title: 可用性\n    objective: 0.999\n    indicator: {bad: e, total: t}\nworkloads:\n  tekutoko-api:\n    namespace: default\n    deployment: tekutoko-api\n    selector: app=tekutoko-api\n    hpa: tekutoko-api\n",
        )
        .unwrap();
        Fixture {
            highlighter: Highlighter::new(),
            placeholders: Placeholders::new(["PROJECT_ID", "POD_NAME"]),
            live,
            strings: &runbook_widgets::language::for_tag("ja").theme,
            links,
        }
    }

    fn render(&self, rel: &str, body: &str) -> Result<RenderedMarkdown, BuildError> {
        let ctx = RenderContext {
            highlighter: &self.highlighter,
            placeholders: &self.placeholders,
            live: &self.live,
            strings: self.strings,
            links: &self.links,
        };
        render(
            &ctx,
            &PageSource {
                rel,
                display: Path::new(rel),
                body,
                line_offset: 3,
            },
        )
    }
}

/// `body` rendered as the site's README.md.
fn readme(body: &str) -> RenderedMarkdown {
    Fixture::new().render("README.md", body).unwrap()
}

fn html(body: &str) -> String {
    readme(body).html
}

/// The error `body` fails with, rendered as the site's README.md.
fn readme_error(body: &str) -> String {
    Fixture::new()
        .render("README.md", body)
        .unwrap_err()
        .to_string()
}

/// Fails naming each of `parts` that `html` (or text) lacks.
fn assert_has_all(html: &str, parts: &[&str]) {
    for part in parts {
        assert!(html.contains(part), "no {part} in\n{html}");
    }
}

#[test]
fn headings_get_github_ids_and_anchors() {
    let out = readme("# 手順\n## リカバリ手順\n## リカバリ手順\n### `kubectl` の使い方\n");
    let ids: Vec<&str> = out.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        ["手順", "リカバリ手順", "リカバリ手順-1", "kubectl-の使い方"]
    );
    assert_has_all(
        &out.html,
        &[
            "<h2 id=\"リカバリ手順\"><a class=\"self-link\" href=\"#リカバリ手順\">リカバリ手順</a></h2>",
            "<h3 id=\"kubectl-の使い方\"><a class=\"self-link\" href=\"#kubectl-の使い方\"><code>kubectl</code> の使い方</a></h3>",
        ],
    );
    assert!(!out.html.contains("aria-label"), "{}", out.html);
    assert_eq!(out.first_h1.as_deref(), Some("手順"));
}

/// A heading holding a link cannot be a link itself: it keeps its link,
/// and a `#` link of its own, named by the heading, follows it.
#[test]
fn a_heading_with_a_link_gets_a_separate_anchor() {
    let out = readme("## See [rollback](ROLLBACK.md)\n## Raw <b>bold</b>\n");
    assert_has_all(
        &out.html,
        &[
            "<h2 id=\"see-rollback\">See <a href=\"ROLLBACK.html\">rollback</a><a class=\"anchor\" href=\"#see-rollback\" aria-label=\"",
            "<h2 id=\"raw-bold\">Raw <b>bold</b><a class=\"anchor\" href=\"#raw-bold\"",
        ],
    );
    assert!(!out.html.contains("self-link"), "{}", out.html);
}

#[test]
fn heading_attribute_ids_are_kept() {
    let out = readme("## Custom {#my-id}\n");
    assert_eq!(out.headings[0].id, "my-id");
}

#[test]
fn md_links_become_page_links_with_fragments() {
    let out = Fixture::new()
        .render("db/vacuum.md", "[a](../DB_MAINTENANCE.md#リカバリ手順) [b](./README.md) [c](../ROLLBACK.md) [d](/ROLLBACK.md#x) [e](https://example.com/a.md)")
        .unwrap();
    // pulldown-cmark percent-encodes hrefs; browsers decode fragments.
    assert_has_all(
        &out.html,
        &[
            "href=\"../DB_MAINTENANCE.html#%E3%83%AA%E3%82%AB%E3%83%90%E3%83%AA%E6%89%8B%E9%A0%86\"",
            "href=\"index.html\"",
            "href=\"../ROLLBACK.html\"",
            "href=\"../ROLLBACK.html#x\"",
            "href=\"https://example.com/a.md\"",
        ],
    );
    assert_eq!(out.links.len(), 4);
    assert_eq!(out.links[0].target, "DB_MAINTENANCE.md");
    assert_eq!(out.links[0].fragment.as_deref(), Some("リカバリ手順"));
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn folder_links_and_percent_encoded_fragments() {
    let out = readme(
        "[db](db/) [x](DB_MAINTENANCE.md#%E3%83%AA%E3%82%AB%E3%83%90%E3%83%AA%E6%89%8B%E9%A0%86)",
    );
    assert!(out.html.contains("href=\"db/index.html\""), "{}", out.html);
    assert_eq!(out.links[1].fragment.as_deref(), Some("リカバリ手順"));
}

#[test]
fn broken_links_warn_with_line() {
    let out = readme("text\n\n[gone](./MISSING.md) ![img](img/none.png) ![ok](img/flow.png)\n");
    assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
    assert_eq!(
        out.warnings[0].at.line, 6,
        "line 3 of the body plus 3 front matter lines"
    );
    assert!(out.warnings[0].message.contains("MISSING.md"));
}

#[test]
fn gfm_extensions() {
    let out = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ text[^1]\n\n[^1]: note\n");
    assert_has_all(
        &out,
        &[
            "<table>",
            "class=\"table-wrap\"",
            "type=\"checkbox\"",
            "<del>old</del>",
            "footnote",
        ],
    );
}

#[test]
fn github_alerts_become_callouts() {
    let out = html("> [!WARNING]\n> 本番で実行する前に確認\n");
    assert_has_all(&out, &["class=\"callout callout-warning\"", "警告"]);
    assert!(!out.contains("[!WARNING]"), "{out}");
}

#[test]
fn raw_html_passes_through() {
    assert!(html("<div class=\"x\">raw</div>\n").contains("<div class=\"x\">raw</div>"));
}

#[test]
fn code_blocks_are_highlighted_with_placeholders() {
    let out = readme("```bash\nkubectl logs <POD_NAME> --project PROJECT_ID\n```\n");
    assert!(out.html.contains("data-ph=\"POD_NAME\""), "{}", out.html);
    assert_eq!(out.placeholders.len(), 2);
}

/// GitLab writes `[[_TOC_]]` above the title; the contents follow the
/// title, so that a page opens on what it is about.
#[test]
fn contents_written_above_the_title_follow_it() {
    let position = |html: &str, needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} is missing from:\n{html}"))
    };
    for body in [
        "[[_TOC_]]\n\n# Apdex alerts\n\nIntro.\n\n## Concepts\n",
        "[TOC]\n# Apdex alerts\n## Concepts\n",
        "# Apdex alerts\n\n[[_TOC_]]\n\n## Concepts\n",
    ] {
        let html = readme(body).html;
        let title = position(&html, "<h1");
        let contents = position(&html, "class=\"toc-inline\"");
        assert!(title < contents, "{html}");
        assert!(contents < position(&html, "<h2"), "{html}");
        assert_eq!(html.matches("toc-inline").count(), 1, "{html}");
    }
    // With no title after it, the contents stay where they were written.
    let html = readme("Intro.\n\n[[_TOC_]]\n\nMore.\n\n## Concepts\n").html;
    let contents = position(&html, "class=\"toc-inline\"");
    assert!(position(&html, "Intro.") < contents, "{html}");
    assert!(contents < position(&html, "More."), "{html}");
}

#[test]
fn migrated_content_builds() {
    let body = "[[_TOC_]]\n\n## One\n\n{{< ref \"x.md\" >}}\n\n1. step\n   ```bash\n   echo in list\n   ```\n\n```\nuntagged\n```\n\n```bash\nunclosed fence\n";
    let out = readme(body);
    // The shortcode is left visible.
    assert_has_all(
        &out.html,
        &["class=\"toc-inline\"", "href=\"#one\"", "{{&lt; ref"],
    );
    assert_eq!(
        out.html.matches("<div class=\"code\"").count(),
        3,
        "{}",
        out.html
    );
    assert_has_all(&text_of(&out.html), &["echo in list", "unclosed fence"]);
}

#[test]
fn widget_blocks_become_slots_with_fallback() {
    let out = readme("```widget\nkind: pods\nworkload: tekutoko-api\n```\n");
    assert!(out.has_widgets);
    assert!(out.html.contains("data-panel=\"pods\""), "{}", out.html);
    assert!(
        text_of(&out.html).contains("kubectl get pods -n default -l app=tekutoko-api -o wide"),
        "{}",
        out.html
    );
    let out = readme("```widget\nkind: slo\n```\n");
    assert_has_all(&out.html, &["data-ids=\"availability\"", "99.9%"]);
}

#[test]
fn an_alerts_widget_names_its_alerts_and_the_commands_that_list_them() {
    let out = readme("```widget\nkind: alerts\nalerts: [PodCrashLooping, PodOOM]\n```\n");
    assert!(out.has_widgets);
    assert!(
        out.html
            .contains("data-panel=\"alerts\" data-ids=\"PodCrashLooping,PodOOM\""),
        "{}",
        out.html
    );
    assert_has_all(
        &text_of(&out.html),
        &[
            "PodCrashLooping",
            "amtool alert query 'alertname=~\"PodCrashLooping|PodOOM\"'",
            "ALERTS{alertstate=\"firing\",alertname=~\"PodCrashLooping|PodOOM\"}",
        ],
    );
    // Without names: every firing alert.
    let out = readme("```widget\nkind: alerts\n```\n");
    assert!(
        out.html.contains("data-panel=\"alerts\" data-ids=\"\""),
        "{}",
        out.html
    );
    let err = readme_error("```widget\nkind: alerts\nalerts: [\"a|b\"]\n```\n");
    assert_starts_with(&err, "README.md:6:1: `a|b` is not an alert name");
}

#[test]
fn bad_widgets_fail_with_line() {
    let err = readme_error("text\n\n```widget\nkind: graph\n```\n");
    assert_starts_with(&err, "README.md:7:1: unknown widget kind `graph`");
    let err = readme_error("```widget\nkind: pods\nworkload: nope\n```\n");
    assert!(
        err.contains("unknown workload `nope`") && err.contains("tekutoko-api"),
        "{err}"
    );
    let err = readme_error("```widget\nkind: slo\nslos: [latency]\n```\n");
    assert_contains(&err, "unknown SLO `latency`");
}

#[test]
fn sections_collect_text_and_commands() {
    let out = readme("intro\n## 接続確認\n\nDB接続エラー\n\n```bash\nkubectl rollout undo\n```\n");
    assert_eq!(out.sections.len(), 2);
    assert_eq!(out.sections[0].heading, None);
    assert!(out.sections[1].text.contains("DB接続エラー"));
    assert!(out.sections[1].text.contains("kubectl rollout undo"));
}
