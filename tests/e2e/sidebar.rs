//! The sidebar in a real browser (headless Chromium): the whole tree drawn
//! from the shared navigation script with the current page marked, opened
//! and followed from the keyboard, and the bounded fallback a page keeps
//! for readers without scripts.

use fantoccini::key::Key;
use fantoccini::Locator;

use crate::common::assert_contains;
use crate::reader::Reader;
use crate::size::site_with_large_folder;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tree_marks_the_page_opens_from_the_keyboard_and_falls_back_without_scripts() {
    let site = site_with_large_folder(60);
    let browser = Reader::serving(&site).await;
    let c = &browser.client;

    // With scripts: the whole folder, the page marked once, in its section.
    browser
        .open_until(
            "big/p0030.html",
            "return !!document.querySelector('#sidebar .nav-tree')",
        )
        .await;
    let drawn = browser
        .eval(
            "const s = document.getElementById('sidebar');
             const cur = s.querySelectorAll('a[aria-current=page]');
             const section = cur[0].closest('li.section');
             return [cur.length, cur[0].getAttribute('href'),
                     section.querySelector('a').textContent,
                     section.querySelector('button').getAttribute('aria-expanded'),
                     s.querySelectorAll('.nav-tree a').length,
                     !!s.querySelector('.nav-fallback')];",
        )
        .await;
    assert_eq!(
        drawn,
        serde_json::json!([
            1,
            "../big/p0030.html",
            "大きなフォルダ",
            "true",
            1 + 1 + 60 + 1,
            false
        ]),
        "home, the big section and its 60 pages, the closed ops section"
    );
    let links = c
        .find(Locator::Css("#sidebar a[aria-current=page]"))
        .await
        .unwrap();
    assert!(links.is_displayed().await.unwrap());

    // Keyboard: from the ops section's link, Tab reaches its toggle, Enter
    // opens it, Tab reaches its first page, Enter follows it.
    browser
        .eval("[...document.querySelectorAll('#sidebar a')].find(a => a.textContent === '運用').focus()")
        .await;
    let send = |key: Key| async move {
        c.active_element()
            .await
            .unwrap()
            .send_keys(&key.to_string())
            .await
            .unwrap();
    };
    send(Key::Tab).await;
    let toggle = browser
        .eval("const b = document.activeElement; return [b.tagName, b.getAttribute('aria-label'), b.getAttribute('aria-expanded')];")
        .await;
    assert_eq!(toggle, serde_json::json!(["BUTTON", "運用", "false"]));
    send(Key::Enter).await;
    browser
        .wait_until("return document.activeElement.getAttribute('aria-expanded') === 'true'")
        .await;
    send(Key::Tab).await;
    let focused = browser
        .eval("return document.activeElement.getAttribute('href')")
        .await;
    assert_eq!(focused, serde_json::json!("../ops/backup.html"));
    send(Key::Enter).await;
    browser
        .wait_until("return location.pathname.endsWith('/ops/backup.html')")
        .await;
    browser
        .wait_until("const a = document.querySelector('#sidebar .nav-tree a[aria-current=page]'); return !!a && a.textContent === 'backup';")
        .await;

    // Without scripts: the fallback, bounded, with the page marked and the
    // way to every page.
    browser
        .cdp(serde_json::json!({
            "cmd": "Emulation.setScriptExecutionDisabled",
            "params": { "value": true },
        }))
        .await;
    browser.open("big/p0030.html").await;
    let fallback = c.find(Locator::Css("#sidebar")).await.unwrap();
    let html = fallback.html(false).await.unwrap();
    assert_contains(&html, "nav-fallback");
    assert!(!html.contains("nav-tree"), "scripts ran: {html}");
    let current = c
        .find(Locator::Css("#sidebar .nav-fallback a[aria-current=page]"))
        .await
        .unwrap();
    assert_eq!(current.text().await.unwrap(), "障害対応 0030");
    assert!(current.is_displayed().await.unwrap());
    let shown = c
        .find_all(Locator::Css("#sidebar .nav-fallback a"))
        .await
        .unwrap()
        .len();
    assert!((12..=20).contains(&shown), "{shown} links: {html}");
    let all = c.find(Locator::Css("#sidebar .nav-all a")).await.unwrap();
    assert!(all.is_displayed().await.unwrap());
    all.click().await.unwrap();
    let listed = c
        .find_all(Locator::Css(".page-list a"))
        .await
        .unwrap()
        .len();
    assert_eq!(listed, 1 + 1 + 60 + 1 + 3);

    browser.close().await;
}
