//! Edits reach the browser: the reload event names exactly the pages whose
//! bytes changed, and the server then serves the new text.

use std::time::Duration;

use crate::common::assert_contains;
use crate::harness::{Server, BASE};

#[test]
fn an_edit_reloads_that_page_only_and_serves_the_new_text() {
    let server = Server::start(&[]);
    let mut live = server.live("guide/index.html");
    let before = server.page("guide/index.html");
    assert!(before.contains("How to use this runbook."));

    server.write(
        "guide/README.md",
        "# Guide\n\nHow to use this runbook, edited. See [restarting](restart.md#restart-the-api).\n\n![flow](../img/flow.svg)\n",
    );
    let paths = live.expect_change("guide/index.html");
    // The title did not change: no other page's bytes did either (the
    // print documents hold the page itself, and may follow in the event).
    let other_pages: Vec<&String> = paths
        .iter()
        .filter(|p| p.ends_with(".html") && *p != "guide/index.html" && !p.ends_with("print.html"))
        .collect();
    assert!(other_pages.is_empty(), "{other_pages:?}");
    // The event comes after the swap: the new text is already served.
    assert!(server.page("guide/index.html").contains("runbook, edited."));
    // The rebuild's line: one page rendered and laid out again.
    let rebuilt = server.wait_for_output(|out| out.contains("guide/README.md →"));
    assert_contains(
        &rebuilt,
        "guide/README.md → 1 of 6 pages rendered, 1 laid out",
    );
}

#[test]
fn a_title_edit_reaches_every_page_that_shows_it() {
    let server = Server::start(&[]);
    let mut live = server.live("guide/long.html");
    server.write(
        "guide/restart.md",
        "---\ntitle: Restart the API safely\nseverity: WARNING\n---\n\n# Restart the API\n",
    );
    let paths = live.expect_change("guide/restart.html");
    // The guide's pages show it in their open sidebar section, and the
    // list of all pages names it.
    for page in [
        "guide/index.html",
        "guide/long.html",
        "guide/restart.html",
        "pages.html",
    ] {
        assert!(paths.contains(&page.to_string()), "{page} not in {paths:?}");
    }
    // Pages whose sidebar keeps the guide section closed are unchanged.
    assert!(!paths.contains(&"high-cpu.html".to_string()), "{paths:?}");
    assert!(server
        .page("guide/long.html")
        .contains("Restart the API safely"));
}

#[test]
fn the_site_is_served_under_its_base_path_with_the_api() {
    let server = Server::start(&[]);
    let root = server.get("/");
    assert_eq!(root.status, 307);
    assert_eq!(root.header("location"), Some(BASE));
    let index = server.get(BASE);
    assert_eq!(index.status, 200);
    assert!(index
        .text()
        .contains("<script src=\"/__runbook/client.js\""));
    let folder = server.get("/Fixture/guide");
    assert_eq!(folder.status, 308);
    assert_eq!(folder.header("location"), Some("/Fixture/guide/"));
    assert!(server
        .page("日本語.html")
        .contains("ファイル名が日本語のページ"));
    let image = server.get("/Fixture/img/flow.svg");
    assert_eq!(image.header("content-type"), Some("image/svg+xml"));
    // The panels' default api_url is `{root}api`: the API answers there.
    for path in ["/Fixture/api/v1/slos", "/api/v1/slos"] {
        let api = server.get(path);
        assert_eq!(api.status, 200, "{path}: {}", api.text());
        let json: serde_json::Value = serde_json::from_slice(&api.body).unwrap();
        assert!(json.to_string().contains("availability"), "{json}");
    }
    let missing = server.get("/Fixture/no-such-page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("data-file=\"no-such-page.html\""));
    let client = server.get("/__runbook/client.js");
    assert!(client.text().contains("WebSocket"));
}

#[test]
fn atomic_saves_new_folders_renames_and_deletes_are_followed() {
    let server = Server::start(&[]);
    let content = server.content();
    let mut live = server.live("index.html");

    // An editor's atomic save: write a temporary file, rename it over.
    let temp = content.join(".high-cpu.md.swp");
    std::fs::write(&temp, "---\ntitle: High CPU\nseverity: CRITICAL\nalerts: [HighCPU]\n---\n\n# High CPU\n\nSaved atomically.\n").unwrap();
    std::fs::rename(&temp, content.join("high-cpu.md")).unwrap();
    server.wait_for_page("high-cpu.html", |t| t.contains("Saved atomically."));

    // A new folder with a page in it.
    std::fs::create_dir_all(content.join("db/backup")).unwrap();
    std::fs::write(
        content.join("db/backup/README.md"),
        "# Backups\n\nNightly.\n",
    )
    .unwrap();
    server.wait_for_page("db/backup/index.html", |t| t.contains("Nightly."));

    // A rename: the old address is gone, the new one serves the page.
    std::fs::rename(
        content.join("guide/long.md"),
        content.join("guide/longer.md"),
    )
    .unwrap();
    server.wait_for_page("guide/longer.html", |t| t.contains("Paragraph 60"));
    assert_eq!(server.get("/Fixture/guide/long.html").status, 404);

    // A deleted folder.
    std::fs::remove_dir_all(content.join("db")).unwrap();
    let deadline = std::time::Instant::now() + crate::harness::PATIENCE;
    while server.get("/Fixture/db/backup/index.html").status != 404 {
        assert!(
            std::time::Instant::now() < deadline,
            "deleted page still served"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Each of those swapped in a whole build, and the socket said so.
    assert!(live.expect("built")["generation"].as_u64().unwrap() >= 2);
}

/// A folder's crumb is its index page while it has one, and its part of
/// the page list while it has none: it follows the index page as it comes
/// and goes, though neither edit touches the page that shows the crumb.
#[test]
fn a_folder_crumb_follows_its_index_page() {
    let server = Server::start(&[]);
    let content = server.content();
    let to_list = "href=\"../pages.html#folder-ops\">ops</a>";
    let to_index = "href=\"index.html\">Operations</a>";

    std::fs::create_dir_all(content.join("ops")).unwrap();
    std::fs::write(content.join("ops/drain.md"), "# Drain a node\n").unwrap();
    server.wait_for_page("ops/drain.html", |t| t.contains(to_list));
    assert_contains(&server.page("pages.html"), "<h2 id=\"folder-ops\">ops</h2>");

    std::fs::write(content.join("ops/README.md"), "# Operations\n").unwrap();
    server.wait_for_page("ops/drain.html", |t| {
        t.contains(to_index) && !t.contains("#folder-ops")
    });

    std::fs::remove_file(content.join("ops/README.md")).unwrap();
    server.wait_for_page("ops/drain.html", |t| t.contains(to_list));
}

/// An alert's address answers as written and lower-cased (as
/// kube-prometheus links), the same redirect either way.
#[test]
fn alert_addresses_answer_as_written_and_lower_cased() {
    let server = Server::start(&[]);
    let written = server.page("alerts/HighCPU.html");
    assert!(written.contains("url=../high-cpu.html"), "{written}");
    assert_eq!(server.page("alerts/highcpu.html"), written);
}
