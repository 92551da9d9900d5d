//! Broken files: the socket names FILE:LINE, the last good page stays
//! served, and fixing the file clears the error. A burst of changes ends
//! equal to a clean build.

use std::process::Command;

use crate::common::run_ok;
use crate::harness::{files_below, Server, BASE, BIN};

const RESTART: &str = "---\ntitle: Restart the API\nseverity: WARNING\n---\n\n# Restart the API\n\nFixed and restarted.\n";

#[test]
fn broken_front_matter_shows_where_and_keeps_the_last_good_page() {
    let server = Server::start(&[]);
    let good = server.page("guide/restart.html");
    let mut live = server.live("guide/restart.html");

    server.write(
        "guide/restart.md",
        "---\ntitle: Restart the API\nseverity: [unclosed\n---\n\n# Restart the API\n\nBroken.\n",
    );
    let event = live.expect("failed");
    let error = &event["report"]["errors"][0];
    let location = error["location"].as_str().unwrap();
    assert!(
        location.contains("guide/restart.md:4:"),
        "{location}: {event}"
    );
    assert!(
        error["message"].as_str().unwrap().contains("front matter"),
        "{event}"
    );
    assert!(!error["hint"].as_str().unwrap().is_empty());
    // The last good page is still what the server sends.
    assert_eq!(server.page("guide/restart.html"), good);
    // A page opened now learns of the error as it connects.
    let mut late = server.live("index.html");
    late.expect("failed");

    server.write("guide/restart.md", RESTART);
    live.expect_change("guide/restart.html");
    assert!(server
        .page("guide/restart.html")
        .contains("Fixed and restarted."));
}

#[test]
fn under_strict_a_broken_link_is_an_error_until_fixed() {
    let server = Server::start(&["--strict"]);
    let mut live = server.live("high-cpu.html");
    server.write(
        "high-cpu.md",
        "---\ntitle: High CPU\nseverity: CRITICAL\nalerts: [HighCPU]\n---\n\n# High CPU\n\nSee [nowhere](missing.md).\n",
    );
    let event = live.expect("failed");
    let location = event["report"]["errors"][0]["location"].as_str().unwrap();
    assert!(location.contains("high-cpu.md:9:"), "{event}");
    assert!(!server.page("high-cpu.html").contains("nowhere"));

    server.write(
        "high-cpu.md",
        "---\ntitle: High CPU\nseverity: CRITICAL\nalerts: [HighCPU]\n---\n\n# High CPU\n\nSee [the guide](guide/README.md).\n",
    );
    live.expect_change("high-cpu.html");
    assert!(server.page("high-cpu.html").contains("the guide"));
}

/// What a `git checkout` between two branches does to a folder: about a
/// hundred files changed, added, removed and renamed within milliseconds.
#[test]
fn a_burst_of_100_changes_ends_equal_to_a_clean_build() {
    let tmp = crate::harness::copy_fixture();
    let content = tmp.path().join("content");
    let bulk = content.join("bulk");
    std::fs::create_dir_all(&bulk).unwrap();
    for n in 0..60 {
        std::fs::write(
            bulk.join(format!("page-{n:02}.md")),
            format!(
                "# Page {n}\n\nBefore. [Next](page-{:02}.md)\n",
                (n + 1) % 60
            ),
        )
        .unwrap();
    }
    let server = Server::start_in(tmp, &[]);
    server.wait_for_page("bulk/page-59.html", |t| t.contains("Before."));

    let mut touched = 0;
    for n in 0..40 {
        // Changed bodies, and some changed titles.
        let title = if n % 4 == 0 {
            format!("Page {n} renamed")
        } else {
            format!("Page {n}")
        };
        std::fs::write(
            bulk.join(format!("page-{n:02}.md")),
            format!("# {title}\n\nAfter.\n"),
        )
        .unwrap();
        touched += 1;
    }
    for n in 40..50 {
        std::fs::remove_file(bulk.join(format!("page-{n:02}.md"))).unwrap();
        touched += 1;
    }
    for n in 50..60 {
        std::fs::rename(
            bulk.join(format!("page-{n:02}.md")),
            bulk.join(format!("moved-{n:02}.md")),
        )
        .unwrap();
        touched += 2;
    }
    let fresh = content.join("fresh/deeper");
    std::fs::create_dir_all(&fresh).unwrap();
    for n in 0..29 {
        std::fs::write(
            fresh.join(format!("new-{n:02}.md")),
            format!("# New {n}\n\n[Back](../../README.md)\n"),
        )
        .unwrap();
        touched += 1;
    }
    std::fs::write(
        content.join("img/flow.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    )
    .unwrap();
    touched += 1;
    assert!(touched >= 100);

    // Wait until the last file shows, then compare everything.
    server.wait_for_page("fresh/deeper/new-28.html", |t| t.contains("New 28"));
    server.wait_for_page("bulk/page-00.html", |t| t.contains("Page 0 renamed"));
    let out = server.tmp.path().join("clean");
    run_ok(
        Command::new(BIN)
            .arg("build")
            .arg(&content)
            .arg("--out")
            .arg(&out),
    );
    let mut expected = files_below(&out);
    // The list of files a build wrote to disk; serve writes nothing to disk.
    expected.retain(|(path, _)| path != ".runbook-site");
    // A build keeps an offline copy (sw.js, offline.json, and pages that
    // register the worker); the preview never does.
    expected.retain(|(path, _)| path != "sw.js" && path != "offline.json");
    for (path, bytes) in &mut expected {
        let text = String::from_utf8_lossy(bytes);
        // The line, its line break included (base.html starts optional
        // lines with theirs).
        if let Some(start) = text.find("\n<meta name=\"runbook-worker\"") {
            let end = start + text[start..].find('>').unwrap() + 1;
            let text = format!("{}{}", &text[..start], &text[end..]);
            assert!(path.ends_with(".html"), "{path}");
            *bytes = text.into_bytes();
        }
    }
    // A build names the navigation script by its content, serve by a fixed
    // name (it caches nothing, and a new tree then rewrites one file, not
    // every page): the same bytes, under the other name.
    let hashed = expected
        .iter()
        .map(|(path, _)| path.clone())
        .find(|path| path.starts_with("assets/nav-") && path.ends_with(".js"))
        .expect("a build writes assets/nav-<hash>.js");
    for (path, bytes) in &mut expected {
        if *path == hashed {
            *path = "assets/nav.js".to_string();
        } else if path.ends_with(".html") {
            let text = String::from_utf8(std::mem::take(bytes)).unwrap();
            *bytes = text.replace(&hashed, "assets/nav.js").into_bytes();
        }
    }
    assert!(expected.len() > 80, "{}", expected.len());
    // The search index follows its build: allow it to arrive.
    let deadline = std::time::Instant::now() + crate::harness::PATIENCE;
    loop {
        let mut differ = Vec::new();
        for (path, bytes) in &expected {
            let response = server.get(&format!("{BASE}{}", crate::harness::encode_path(path)));
            let served = crate::harness::strip_client(&response.body);
            // The search index's files: the same JSON, which serve packs
            // in stored gzip blocks and a build compresses.
            let (served, bytes) = if path.ends_with(".gz") {
                (gunzip(&served), gunzip(bytes))
            } else {
                (served, bytes.clone())
            };
            if response.status != 200 || served != bytes {
                differ.push(path.clone());
            }
        }
        if differ.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "served differs from a clean build: {differ:?}\n{}",
            server.output()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    for gone in ["bulk/page-45.html", "bulk/page-55.html"] {
        assert_eq!(server.get(&format!("{BASE}{gone}")).status, 404, "{gone}");
    }
}

/// A gzip file's content; what is not gzip stays as it is, so the
/// comparison still fails on it.
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    runbook::gzip::gunzip(bytes).unwrap_or_else(|_| bytes.to_vec())
}
