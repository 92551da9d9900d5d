//! The built site in a real browser (headless Chromium): fragments in
//! Japanese land on their heading, placeholders fill every command, copy
//! copies exactly the command.

use fantoccini::key::Key;
use fantoccini::Locator;

use crate::reader::Reader;
use crate::site::TestSite;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reader_follows_fills_and_copies() {
    let site = TestSite::built("basic");
    let browser = Reader::serving(&site).await;
    let c = &browser.client;

    // A link written for GitHub, `db/MAINTENANCE.md#リカバリ手順`, lands on
    // that heading.
    browser.open("index.html").await;
    browser.click(Locator::LinkText("リカバリ")).await;
    browser
        .wait_until("return decodeURIComponent(location.hash) === '#リカバリ手順'")
        .await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/db/MAINTENANCE.html"));
    let landed = browser
        .eval("const h = document.querySelector(':target'); const r = h.getBoundingClientRect(); return [h.id, r.top >= 0 && r.top < innerHeight / 2];")
        .await;
    assert_eq!(landed, serde_json::json!(["リカバリ手順", true]));

    // Fill the placeholders once: every command on the page shows them.
    // The form starts folded to one line while no value is set; a click
    // on its summary opens it.
    browser.open("ALERT.html").await;
    assert_eq!(
        browser
            .eval("return document.querySelector('details.placeholders').open")
            .await,
        serde_json::json!(false)
    );
    browser
        .click(Locator::Css("details.placeholders > summary"))
        .await;
    browser
        .type_into(
            Locator::Css("input[data-placeholder='POD_NAME']"),
            "tekutoko-api-7d9f-x2k8p",
        )
        .await;
    browser
        .type_into(
            Locator::Css("input[data-placeholder='PROJECT_ID']"),
            "tekutoko-prod",
        )
        .await;
    browser
        .wait_until("return [...document.querySelectorAll('.ph[data-ph=PROJECT_ID]')].every(s => s.textContent === 'tekutoko-prod')")
        .await;
    let filled = browser
        .eval("return document.querySelectorAll('.ph.filled').length")
        .await;
    assert_eq!(
        filled,
        serde_json::json!(3),
        "two PROJECT_ID and one <POD_NAME>"
    );

    // Values follow the reader to the next page and survive a reload.
    c.refresh().await.unwrap();
    browser
        .wait_until("return document.querySelectorAll('.ph.filled').length === 3")
        .await;

    // Copy on the console block: the command, filled, without the prompt
    // or the output line. Pasted into a text box as a reader would.
    browser
        .click(Locator::Css(".code[data-lang='console'] .copy"))
        .await;
    browser.wait_until("return document.querySelector(\".code[data-lang='console'] .copy\").classList.contains('copied')").await;
    browser
        .eval("const t = document.createElement('textarea'); t.id = 'paste'; document.body.prepend(t); t.focus(); return true;")
        .await;
    let paste = c.find(Locator::Id("paste")).await.unwrap();
    // Ctrl held while `v` is typed; WebDriver releases it afterwards.
    paste
        .send_keys(&format!("{}v", Key::Control))
        .await
        .unwrap();
    browser
        .wait_until("return document.getElementById('paste').value !== ''")
        .await;
    let pasted = browser
        .eval("return document.getElementById('paste').value")
        .await;
    assert_eq!(
        pasted,
        serde_json::json!(
            "kubectl logs tekutoko-api-7d9f-x2k8p -n default --project=tekutoko-prod"
        )
    );

    // Clearing brings back the commands as written.
    browser
        .click(Locator::Css("[data-placeholder-clear]"))
        .await;
    browser
        .wait_until("return document.querySelectorAll('.ph.filled').length === 0")
        .await;
    let text = browser
        .eval("return document.querySelector(\".code[data-lang='bash'] code\").textContent")
        .await;
    assert_eq!(
        text,
        serde_json::json!("gcloud sql instances describe INSTANCE --project=PROJECT_ID\n")
    );

    browser.close().await;
}

/// Pages whose file names hold what URLs treat specially open from the
/// links the build wrote, in a real browser on a static host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_names_with_url_characters_open_in_a_browser() {
    let site = TestSite::fixture("basic");
    let names = [
        ("hash", "a#b"),
        ("query", "why?"),
        ("percent", "100%"),
        ("space", "on call"),
        ("japanese", "障害/対応"),
    ];
    let mut index = String::from("# Index\n\n");
    for (label, name) in names {
        let href: String = name
            .chars()
            .map(|c| match c {
                '#' => "%23".to_string(),
                '?' => "%3F".to_string(),
                '%' => "%25".to_string(),
                ' ' => "%20".to_string(),
                c => c.to_string(),
            })
            .collect();
        index.push_str(&format!("- [{label}]({href}.md)\n"));
        site.write(&format!("{name}.md"), format!("# Page {label}\n"));
    }
    site.write("README.md", &index);
    site.build(&["--strict"]).assert_ok();
    let browser = Reader::serving(&site).await;
    for (label, _) in names {
        browser.open("index.html").await;
        browser.click(Locator::LinkText(label)).await;
        browser
            .wait_until(&format!(
                "return document.querySelector('h1')?.textContent.includes('Page {label}')"
            ))
            .await;
    }
    browser.close().await;
}

/// A folder without an index page has no page of its own: its
/// breadcrumb opens its part of the page list, whatever its name holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_crumb_opens_the_folder_on_the_page_list() {
    let site = TestSite::fixture("basic");
    let folders = ["on call #1", "障害 <対応>/db"];
    for folder in folders {
        site.write(&format!("{folder}/page.md"), format!("# In {folder}\n"));
    }
    site.build(&["--strict"]).assert_ok();
    let browser = Reader::serving(&site).await;
    for folder in folders {
        let label = folder.rsplit('/').next().unwrap();
        let path = folder.replace('/', " / ");
        browser
            .open(&format!(
                "{}/page.html",
                folder
                    .replace('#', "%23")
                    .replace('<', "%3C")
                    .replace('>', "%3E")
            ))
            .await;
        browser.click(Locator::LinkText(label)).await;
        browser
            .wait_until(&format!(
                "return location.pathname.endsWith('/pages.html') && \
                 document.querySelector(':target')?.textContent === {path:?} && \
                 document.querySelector(':target ~ ul').textContent.includes('In {folder}')"
            ))
            .await;
    }
    browser.close().await;
}

/// The first screen of a phone (390×844) and of a laptop (1400×1000)
/// belongs to the incident: the page's title and severity are visible
/// without scrolling while the placeholder form is folded to one line; it
/// opens by itself on a page whose values are already set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_title_and_severity_are_on_the_first_screen() {
    let site = TestSite::copy_of(&crate::site::workspace().join("content"));
    site.build(&[]).assert_ok();
    let browser = Reader::serving(&site).await;
    let c = &browser.client;
    for (width, height) in [(390, 844), (1400, 1000)] {
        c.set_window_size(width, height).await.unwrap();
        for page in [
            "ERROR_RATE.html",
            "POD_RESTARTS.html",
            "DB_CONNECTION_ERROR.html",
        ] {
            browser.open(page).await;
            browser
                .wait_until("return document.documentElement.classList.contains('js')")
                .await;
            let seen = browser
                .eval(
                    "localStorage.clear();
                     const inside = (el) => { const r = el.getBoundingClientRect();
                       return r.top >= 0 && r.bottom <= innerHeight && r.width > 0; };
                     return [innerWidth <= 1400, inside(document.querySelector('h1')),
                       inside(document.querySelector('.page-meta .badge')),
                       document.querySelector('details.placeholders').open];",
                )
                .await;
            assert_eq!(
                seen,
                serde_json::json!([true, true, true, false]),
                "{page} at {width}×{height}: [viewport, title visible, severity visible, form open]"
            );
        }
    }
    // A value set on one page opens the form on the next.
    browser.open("POD_RESTARTS.html").await;
    browser
        .store_placeholders(serde_json::json!({"POD_NAME": "api-0"}))
        .await;
    browser
        .open_until(
            "ERROR_RATE.html",
            "return document.querySelector('details.placeholders').open === true",
        )
        .await;
    browser.close().await;
}

/// The link an alert carries (`runbook_url` with its labels in the query)
/// lands on the page through the alert's redirect with every command that
/// holds `<POD_NAME>` filled from `?pod=`, and copying gives the filled
/// command; the lower-cased address of the alert does the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_link_fills_the_commands_from_its_labels() {
    let site = TestSite::fixture("basic");
    let config = site.source("runbook.yaml");
    let config = config.replace(
        "  POD_NAME: \"Pod 名。",
        "  POD_NAME:\n    label: pod\n    description: \"Pod 名。",
    );
    assert!(config.contains("label: pod"));
    site.write("runbook.yaml", config);
    site.build(&["--strict"]).assert_ok();
    let browser = Reader::serving(&site).await;
    lands_filled(
        &browser,
        "alerts/FixtureHighErrorRate.html?pod=tekutoko-api-5f7c-q9z2m&namespace=default",
        "tekutoko-api-5f7c-q9z2m",
    )
    .await;
    let state = browser
        .eval(
            "return [location.search, document.querySelector('details.placeholders').open,
                     document.querySelector('input[data-placeholder=POD_NAME]').value]",
        )
        .await;
    assert_eq!(
        state,
        serde_json::json!([
            "?pod=tekutoko-api-5f7c-q9z2m&namespace=default",
            true,
            "tekutoko-api-5f7c-q9z2m"
        ])
    );
    // What the copy button puts on the clipboard: the command as shown.
    let copied = browser
        .eval(
            "const block = [...document.querySelectorAll('.code')].find(b => b.querySelector('.ph[data-ph=POD_NAME]'));
             const code = block.querySelector('pre code').cloneNode(true);
             code.querySelectorAll('.prompt, .output').forEach(e => e.remove());
             return code.textContent;",
        )
        .await;
    let copied = copied.as_str().unwrap();
    assert!(
        copied.contains("kubectl logs tekutoko-api-5f7c-q9z2m"),
        "{copied}"
    );
    assert!(!copied.contains("<POD_NAME>"), "{copied}");

    // The lower-cased address kube-prometheus writes lands the same way.
    browser.eval("localStorage.clear(); return true;").await;
    lands_filled(
        &browser,
        "alerts/fixturehigherrorrate.html?pod=tekutoko-api-77aa-x1y2z",
        "tekutoko-api-77aa-x1y2z",
    )
    .await;
    browser.close().await;
}

/// Opens an alert's address and waits until it has redirected to
/// ALERT.html with every `<POD_NAME>` showing `pod`.
async fn lands_filled(browser: &Reader, address: &str, pod: &str) {
    browser.open(address).await;
    browser
        .wait_until("return location.pathname.endsWith('/ALERT.html')")
        .await;
    browser
        .wait_until(&format!(
            "const s = [...document.querySelectorAll('.ph[data-ph=POD_NAME]')];
                 return s.length > 0 && s.every(e => e.textContent === '{pod}')"
        ))
        .await;
}

/// The scripts say their words in the site's language, read from the
/// shared `assets/words-<tag>.js` (widgets/src/language): the same site
/// built in Japanese and in English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scripts_speak_the_site_language() {
    let site = TestSite::fixture("basic");
    let config = site.source("runbook.yaml");
    for (language, copy, results, skip) in [
        ("ja", "コピー", "件の結果", "本文へ移動"),
        ("en", "Copy", " result", "Skip to content"),
    ] {
        site.write(
            "runbook.yaml",
            config.replace("language: ja", &format!("language: {language}")),
        );
        site.build(&[]).assert_ok();
        let browser = Reader::serving(&site).await;
        browser
            .open_until(
                "ALERT.html",
                &format!("return document.querySelector('.code .copy').textContent === '{copy}'"),
            )
            .await;
        let skip_link = browser
            .eval("return document.querySelector('.skip-link').textContent")
            .await;
        assert_eq!(skip_link, serde_json::json!(skip), "{language}");
        browser
            .type_into(Locator::Css(".search-input"), "kubectl")
            .await;
        browser
            .wait_until(&format!("return (document.querySelector('.search-status') || {{}}).textContent?.includes('{results}')"))
            .await;
        browser.close().await;
    }
}
