//! `runbook build` and `runbook check` on a good site.

use runbook_widgets::html::text_of;

use crate::common::assert_contains;
use crate::site::TestSite;

#[test]
fn builds_every_page_and_the_publishing_files() {
    let site = TestSite::fixture("basic");
    let run = site.build(&[]);
    run.assert_ok();
    assert_contains(&run.stdout, "Built 4 pages, 0 warnings");
    for file in [
        "index.html",
        "ALERT.html",
        "db/index.html",
        "db/MAINTENANCE.html",
        "img/flow.svg",
        "404.html",
        ".nojekyll",
        "sitemap.xml",
        "alerts.json",
        "alerts/FixtureHighErrorRate.html",
        "pages.html",
        "assets/style.css",
        "assets/highlight.css",
        "assets/runbook.js",
    ] {
        assert!(site.out.join(file).exists(), "missing {file}");
    }
}

#[test]
fn links_between_pages_are_relative_and_keep_fragments() {
    let site = TestSite::built("basic");
    let index = site.output("index.html");
    assert_contains(&index, "href=\"ALERT.html\"");
    assert_contains(&index, "href=\"db/index.html\"");
    assert_contains(
        &index,
        "href=\"db/MAINTENANCE.html#%E3%83%AA%E3%82%AB%E3%83%90%E3%83%AA%E6%89%8B%E9%A0%86\"",
    );
    let maintenance = site.output("db/MAINTENANCE.html");
    assert_contains(&maintenance, "<h2 id=\"リカバリ手順\">");
    assert!(
        maintenance.contains("href=\"../assets/style.css"),
        "assets are relative: {maintenance}"
    );
    assert_contains(&maintenance, "href=\"../index.html\"");
    // No URL in any page starts at the server root: the site works under
    // any base path.
    for (path, bytes) in site.snapshot() {
        if path.ends_with(".html") && path != "404.html" {
            let html = String::from_utf8(bytes).unwrap();
            assert!(
                !html.contains("href=\"/") && !html.contains("src=\"/"),
                "{path} has a root-relative URL"
            );
        }
    }
}

#[test]
fn page_shows_metadata_placeholders_and_navigation() {
    let site = TestSite::built("basic");
    let alert = site.output("ALERT.html");
    assert_contains(&alert, "class=\"badge sev-error\">ERROR<");
    assert_contains(&alert, "FixtureHighErrorRate");
    assert_contains(&alert, "@backend-lead");
    assert!(
        alert.contains("data-placeholder=\"POD_NAME\""),
        "form for the page's placeholders: {alert}"
    );
    assert_contains(&alert, "data-placeholder=\"PROJECT_ID\"");
    // Descriptions are inline Markdown: the command to run is code.
    assert_contains(
        &alert,
        "<small id=\"ph-desc-POD_NAME\">Pod 名。<code>kubectl get pods</code> で確認",
    );
    // The form follows runbook.yaml's order, not the alphabet.
    assert!(
        alert.find("data-placeholder=\"PROJECT_ID\"") < alert.find("data-placeholder=\"POD_NAME\""),
        "{alert}"
    );
    assert_contains(&alert, "class=\"callout callout-warning\"");
    assert_contains(&alert, "data-panel=\"slo\"");
    assert_contains(
        &alert,
        "<span class=\"prompt\" aria-hidden=\"true\">$ </span>",
    );
    assert_contains(
        &alert,
        "<span class=\"output\">error: connection refused</span>",
    );
    assert_contains(&alert, "rel=\"prev\" href=\"index.html\"");
    assert!(
        alert.contains("rel=\"next\" href=\"db/index.html\""),
        "index link order: {alert}"
    );
    // Sidebar order follows the index page's links.
    let sidebar = &alert[alert.find("id=\"sidebar\"").unwrap()..alert.find("id=\"main\"").unwrap()];
    let order: Vec<usize> = ["フィクスチャ目次", "高エラー率対応", "データベース"]
        .iter()
        .map(|t| sidebar.find(t).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{sidebar}");
    // The command text reads as written without JS.
    assert!(text_of(&alert).contains("gcloud sql instances describe INSTANCE --project=PROJECT_ID"));
}

#[test]
fn alert_addresses_redirect_to_their_page() {
    let site = TestSite::built("basic");
    let redirect = site.output("alerts/FixtureHighErrorRate.html");
    assert_contains(&redirect, "url=../ALERT.html");
    let alerts: serde_json::Value = serde_json::from_str(&site.output("alerts.json")).unwrap();
    assert_eq!(alerts["FixtureHighErrorRate"]["url"], "ALERT.html");
    assert_eq!(alerts["FixtureHighErrorRate"]["severity"], "ERROR");
    // The lower-cased address kube-prometheus links to: the same bytes, so
    // where case does not count one file serves both; and the marker lists
    // both, so the next build replaces both.
    assert_eq!(site.output("alerts/fixturehigherrorrate.html"), redirect);
    assert!(!redirect.contains("FixtureHighErrorRate"), "{redirect}");
    let marker = site.output(".runbook-site");
    for name in [
        "alerts/FixtureHighErrorRate.html",
        "alerts/fixturehigherrorrate.html",
    ] {
        assert!(
            marker.lines().any(|l| l == name),
            "{name} not in:\n{marker}"
        );
    }
}

#[test]
fn not_found_page_and_sitemap_use_the_base_path() {
    let site = TestSite::built("basic");
    let not_found = site.output("404.html");
    assert_contains(&not_found, "href=\"/TokoToko/assets/style.css");
    let sitemap = site.output("sitemap.xml");
    assert_contains(
        &sitemap,
        "<loc>https://example.github.io/TokoToko/db/MAINTENANCE.html</loc>",
    );
    // --base-url overrides the config.
    site.build(&["--base-url", "https://docs.example.com/"])
        .assert_ok();
    assert!(site.output("404.html").contains("href=\"/assets/style.css"));
    assert!(site
        .output("sitemap.xml")
        .contains("<loc>https://docs.example.com/</loc>"));
}

#[test]
fn output_is_deterministic() {
    let site = TestSite::built("basic");
    let first = site.snapshot();
    site.build(&[]).assert_ok();
    assert_eq!(first, site.snapshot());
    // A second copy in another folder gives the same bytes too.
    let other = TestSite::built("basic");
    assert_eq!(first, other.snapshot());
}

#[test]
fn check_validates_without_writing() {
    let site = TestSite::fixture("basic");
    let run = site.check();
    run.assert_ok();
    assert_contains(&run.stdout, "Checked 4 pages");
    assert!(!site.out.exists());
}

#[test]
fn broken_links_warn_in_build_and_fail_check_and_strict() {
    let site = TestSite::fixture("basic");
    site.write(
        "ALERT.md",
        "# A\n\n[gone](./GONE.md)\n\n[frag](db/MAINTENANCE.md#no-such-heading)\n",
    );
    let run = site.build(&[]);
    run.assert_ok();
    assert_contains(&run.stdout, "2 warnings");
    assert_contains(
        &run.stderr,
        "ALERT.md:3:1: warning: broken link `./GONE.md`",
    );
    assert_contains(&run.stderr, "ALERT.md:5:1: warning: broken fragment");
    site.check().assert_failed_with("GONE.md");
    let before = site.snapshot();
    site.build(&["--strict"])
        .assert_failed_with("warnings as errors");
    assert_eq!(
        before,
        site.snapshot(),
        "a failed --strict build leaves the site as it was"
    );
}

#[test]
fn theme_dir_overrides_one_file_by_path() {
    let site = TestSite::fixture("basic");
    site.add_config("theme_dir: theme\n");
    site.write("theme/static/style.css", "body { color: rebeccapurple }");
    site.write(
        "theme/templates/404.html",
        "{% extends \"base.html\" %}{% block body %}<p class=\"custom-404\">{{ t.not_found }}</p>{% endblock body %}",
    );
    site.build(&[]).assert_ok();
    assert_eq!(
        site.output("assets/style.css"),
        "body { color: rebeccapurple }"
    );
    assert!(site.output("404.html").contains("class=\"custom-404\""));
    // Files not overridden still come from the embedded theme.
    assert!(site.output("assets/runbook.js").contains("placeholder"));
    // The theme folder is not content.
    assert!(!site.out.join("theme").exists());
}

#[test]
fn search_can_be_switched_off() {
    let site = TestSite::built("basic");
    assert!(site.out.join("search/manifest.json").exists());
    assert!(site.output("index.html").contains("assets/search.js"));
    site.add_config("search: false\n");
    site.build(&[]).assert_ok();
    assert!(!site.out.join("search").exists());
    assert!(!site.output("index.html").contains("assets/search.js"));
    // The list of every page stays: it is also the site map.
    assert!(site.output("pages.html").contains("href="));
}

#[test]
fn migrated_collections_build_on_the_first_try() {
    let site = TestSite::empty();
    site.write(
        "README.md",
        "[[_TOC_]]\n\n## Intro {#intro}\n\n{{< notice warning >}}\nHugo shortcode\n{{< /notice >}}\n\n1. Step\n   ```sh\n   kubectl get pods\n   ```\n\n```\nuntagged\n```\n\n[old link](./removed.md)\n\n```bash\nunclosed\n",
    );
    site.write("docs/page.md", "no front matter, no heading\n");
    let run = site.build(&[]);
    run.assert_ok();
    // The broken link, and the Hugo shortcode (shown as written, named
    // once for the page).
    assert_contains(&run.stdout, "Built 2 pages, 2 warnings");
    assert_contains(
        &run.stderr,
        "README.md:5:1: warning: Hugo shortcode `notice` is shown as written",
    );
    let index = site.output("index.html");
    assert_contains(&index, "class=\"toc-inline\"");
    assert_contains(&index, "id=\"intro\"");
    assert!(
        text_of(&index).contains("{{< notice warning >}}"),
        "{index}"
    );
    assert!(text_of(&index).contains("unclosed"), "{index}");
    assert!(
        site.output("docs/page.html").contains("<h1>page</h1>"),
        "title from the file name"
    );
}

#[test]
fn help_on_every_command() {
    let site = TestSite::empty();
    for command in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["init", "--help"],
    ] {
        let run = site.run(&command);
        run.assert_ok();
        assert_contains(&run.stdout, "Usage");
    }
}
