//! print.html, the site's and each folder's: every page once, in sidebar
//! order, its links turned into anchors inside the document; in Chromium,
//! the placeholders filled and the print stylesheet applied.

use std::collections::HashSet;

use runbook_widgets::html::text_of;

use crate::reader::Reader;
use crate::site::TestSite;

/// `(id, data-source, first h1's text)` of each page in a print document.
fn articles(html: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    for part in html
        .split("<article class=\"markdown print-page\" id=\"")
        .skip(1)
    {
        let id = part[..part.find('"').unwrap()].to_string();
        let source = part.split("data-source=\"").nth(1).unwrap();
        let source = source[..source.find('"').unwrap()].to_string();
        let h1 = part.split("<h1").nth(1).unwrap();
        let h1 = &h1[h1.find('>').unwrap() + 1..h1.find("</h1>").unwrap()];
        let title = text_of(h1).trim_end_matches('#').trim().to_string();
        found.push((id, source, title));
    }
    found
}

/// Values of `attribute="…"` in `html`.
fn attributes<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    html.split(needle.as_str())
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect()
}

#[test]
fn print_html_holds_every_page_once_in_sidebar_order_with_links_inside_it() {
    let site = TestSite::built("basic");
    let html = site.output("print.html");
    let found = articles(&html);
    let sources: Vec<&str> = found.iter().map(|a| a.1.as_str()).collect();
    // The index's links decide the order (see nav.rs).
    assert_eq!(
        sources,
        ["README.md", "ALERT.md", "db/README.md", "db/MAINTENANCE.md"]
    );
    let titles: Vec<&str> = found.iter().map(|a| a.2.as_str()).collect();
    assert_eq!(
        titles,
        [
            "フィクスチャ目次",
            "高エラー率対応",
            "データベース",
            "データベースメンテナンス"
        ]
    );
    // And no page twice: the document's headings of the first level are
    // exactly these.
    let h1s: Vec<String> = html
        .split("<h1")
        .skip(1)
        .map(|h| {
            let h = &h[h.find('>').unwrap() + 1..h.find("</h1>").unwrap()];
            text_of(h).trim_end_matches('#').trim().to_string()
        })
        .collect();
    assert_eq!(h1s, titles);
    // Every in-document link names an id of the document, and ids are
    // unique though every page has its own `リカバリ手順` or `初動`.
    let ids: Vec<&str> = attributes(&html, "id");
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
    let anchors: Vec<&str> = attributes(&html, "href")
        .into_iter()
        .filter_map(|href| href.strip_prefix('#'))
        .collect();
    // The skip link and the links between pages (two of them to a
    // heading); the headings' own `#` links stay off paper.
    assert!(anchors.len() >= 6, "{anchors:?}");
    assert!(!html.contains("class=\"anchor\""), "{html}");
    for anchor in &anchors {
        assert!(unique.contains(anchor), "#{anchor} leads nowhere");
    }
    // Links between pages became anchors, to the page or its heading.
    let maintenance = &found[3].0;
    assert!(
        html.contains(&format!("href=\"#{maintenance}-リカバリ手順\"")),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"#{}\"", found[0].0)));
    // An image keeps working from the document's folder; commands and
    // panels' fallbacks are there as on the pages.
    assert!(html.contains("src=\"img/flow.svg\""));
    assert!(html.contains("data-ph=\"PROJECT_ID\""));
    assert_eq!(html.matches("<div class=\"panel-fallback\">").count(), 2);
    assert!(
        !html.contains("runbook_panels"),
        "panels stay static on paper"
    );
    // A page links to its folder's print document.
    assert!(site.output("ALERT.html").contains("href=\"print.html\""));
    assert!(site.output("pages.html").contains("href=\"print.html\""));
}

#[test]
fn a_folder_has_its_own_print_html_whose_links_out_stay_links() {
    let site = TestSite::built("basic");
    let html = site.output("db/print.html");
    let sources: Vec<String> = articles(&html).into_iter().map(|a| a.1).collect();
    assert_eq!(sources, ["db/README.md", "db/MAINTENANCE.md"]);
    // `[戻る](../README.md)` leaves the folder: a link to the page.
    assert!(html.contains("href=\"../index.html\""), "{html}");
    assert!(html.contains("href=\"../assets/style.css"));
}

#[test]
fn print_false_writes_no_print_documents_and_links_none() {
    let site = TestSite::fixture("basic");
    site.add_config("print: false\n");
    site.build(&[]).assert_ok();
    assert!(!site.out.join("print.html").exists());
    assert!(!site.out.join("db/print.html").exists());
    assert!(!site.output("ALERT.html").contains("print.html"));
    assert!(!site.output("pages.html").contains("print.html"));
}

#[test]
fn a_content_file_at_print_html_is_an_error_naming_both() {
    let site = TestSite::fixture("basic");
    site.write("db/print.md", "# 印刷\n");
    site.build(&[])
        .assert_failed_with("db/print.md")
        .assert_failed_with("the print version of a folder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_print_html_fills_placeholders_and_prints_without_navigation() {
    let site = TestSite::built("basic");
    let browser = Reader::serving(&site).await;
    browser.open("index.html").await;
    browser
        .store_placeholders(serde_json::json!({"PROJECT_ID": "tekutoko-prod"}))
        .await;
    browser.open_until("print.html", "return [...document.querySelectorAll('.ph[data-ph=PROJECT_ID]')].every(s => s.textContent === 'tekutoko-prod')").await;
    let unresolved = browser
        .eval(
            "return [...document.querySelectorAll('main a[href^=\"#\"]')]
               .filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1))))
               .map(a => a.getAttribute('href'))",
        )
        .await;
    assert_eq!(unresolved, serde_json::json!([]));
    // On paper: no navigation or search, a new sheet per runbook, where
    // external links go.
    let cdp =
        serde_json::json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": "print"}});
    browser.cdp(cdp).await;
    let printed = browser
        .eval(
            "const shown = s => { const e = document.querySelector(s); return !!e && getComputedStyle(e).display !== 'none'; };
             const pages = [...document.querySelectorAll('.print-page')];
             return [shown('.topbar'), shown('.search'), shown('.print-intro'),
                     pages.slice(1).every(p => getComputedStyle(p).breakBefore === 'page'),
                     getComputedStyle(pages[0]).breakBefore]",
        )
        .await;
    assert_eq!(
        printed,
        serde_json::json!([false, false, false, true, "auto"])
    );
    browser.close().await;
}

/// A reader who chose the dark scheme prints a page: paper gets the light
/// scheme's colours (a callout's title is not pale), a severity is black
/// in a frame (browsers leave backgrounds off paper, and the badge's text
/// is white), and the placeholder form, which the script shows on screen,
/// stays off paper. Emulated print fires no `beforeprint`, so this is the
/// stylesheet alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_chromium_a_dark_page_prints_readable() {
    let site = TestSite::built("basic");
    let browser = Reader::serving(&site).await;
    browser
        .open_until(
            "ALERT.html",
            "return !!document.querySelector('.code .copy')",
        )
        .await;
    browser
        .eval("document.documentElement.dataset.theme = 'dark'")
        .await;
    let looks = "const style = s => getComputedStyle(document.querySelector(s));
         return [style('.callout-warning .callout-title').color, style('.badge').color,
                 style('details.placeholders').display];";
    let screen = browser.eval(looks).await;
    assert_eq!(
        screen,
        serde_json::json!(["rgb(227, 179, 65)", "rgb(255, 255, 255)", "block"]),
        "the dark scheme on screen"
    );
    let cdp =
        serde_json::json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": "print"}});
    browser.cdp(cdp).await;
    let paper = browser.eval(looks).await;
    assert_eq!(
        paper,
        serde_json::json!(["rgb(154, 103, 0)", "rgb(0, 0, 0)", "none"]),
        "on paper"
    );
    browser.close().await;
}

/// A site too large for one print document: its print.html keeps its own
/// pages and links to its folders' documents, each of which holds its
/// folder whole, so every page is printed once per document level, not
/// once per folder above it.
#[test]
fn a_large_site_prints_by_folder() {
    let site = TestSite::empty();
    site.write("runbook.yaml", "title: Large\n");
    site.write("README.md", "# Large\n\nThe index.\n");
    site.write("ALONE.md", "# Alone\n\nA page at the root.\n");
    for (folder, count) in [("big", 150), ("small", 60)] {
        for n in 0..count {
            site.write(
                &format!("{folder}/P{n:03}.md"),
                format!("# {folder} {n}\n\nStep {n}.\n"),
            );
        }
    }
    site.build(&[]).assert_ok();
    let root = site.output("print.html");
    let titles: Vec<String> = articles(&root).into_iter().map(|a| a.2).collect();
    assert_eq!(titles, ["Large", "Alone"], "the root keeps its own pages");
    assert_eq!(
        attributes(&root, "href")
            .iter()
            .filter(|h| h.ends_with("print.html"))
            .count(),
        2
    );
    assert!(
        root.contains("<a href=\"big/print.html\">big</a> (150)"),
        "{root}"
    );
    assert!(
        root.contains("<a href=\"small/print.html\">small</a> (60)"),
        "{root}"
    );
    let big = site.output("big/print.html");
    assert_eq!(articles(&big).len(), 150);
    assert_eq!(articles(&site.output("small/print.html")).len(), 60);
}
