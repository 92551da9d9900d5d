//! The query suite through the real query code in headless Chromium
//! (search.js, the wasm module, index files fetched over HTTP), its
//! agreement with the native engine, the tokens on both sides, and the
//! search box from the keyboard.

use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::Locator;
use runbook_widgets::search::tokenize;
use serde_json::{json, Value};

use crate::browser::{serve_folder, Browser};
use crate::suite::{assert_recall, cases, score, Site, TOP};

const WAIT: Duration = Duration::from_secs(15);

/// The listbox is shown with at least one option.
const LIST_SHOWS_OPTIONS: &str =
    "const l = document.querySelector('[role=listbox]'); return !!l && !l.hidden && l.querySelectorAll('[role=option]').length > 0";
/// The listbox is hidden and the box says so (`aria-expanded`).
const LIST_CLOSED: &str =
    "return document.querySelector('[role=listbox]').hidden && document.querySelector('.search-input').getAttribute('aria-expanded') === 'false'";
/// The listbox is shown, its first option selected and named by the box's
/// `aria-activedescendant`.
const FIRST_OPTION_ACTIVE: &str =
    "const o = document.querySelector('[role=option]'); return !document.querySelector('[role=listbox]').hidden && o.getAttribute('aria-selected') === 'true' && document.querySelector('.search-input').getAttribute('aria-activedescendant') === o.id";
/// The status line says something and no empty list is shown.
const NO_MATCH_SAID: &str =
    "const s = document.querySelector('.search-status'); return !!s && s.textContent !== '' && document.querySelector('[role=listbox]').hidden";

/// `/` typed anywhere on the page focuses the search box, which it returns.
async fn slash_focuses_the_box(browser: &Browser) -> fantoccini::elements::Element {
    browser.type_into(Locator::Css("body"), "/").await;
    browser
        .wait_for(
            "return document.activeElement === document.querySelector('.search-input')",
            WAIT,
        )
        .await;
    browser
        .client
        .find(Locator::Css(".search-input"))
        .await
        .unwrap()
}

/// Types `keys` into `input`, then waits until `condition` (a script
/// body returning a boolean) holds.
async fn type_then_wait(
    browser: &Browser,
    input: &fantoccini::elements::Element,
    keys: &str,
    condition: &str,
) {
    input.send_keys(keys).await.unwrap();
    browser.wait_for(condition, WAIT).await;
}

/// Builds the site, serves it and opens `page` with the search API ready.
/// The site comes back so that its folder outlives the test.
async fn opened(page: &str) -> (Site, String, Browser) {
    let site = Site::build();
    let base = serve_folder(&site.out);
    let browser = Browser::start().await;
    open(&browser, &base, page).await;
    (site, base, browser)
}

/// Opens `page` of the served site and waits for the search API.
async fn open(browser: &Browser, base: &str, page: &str) {
    browser.open(&format!("{base}/{page}")).await;
    browser
        .wait_for(
            "return !!(window.runbook && typeof window.runbook.search === 'function')",
            WAIT,
        )
        .await;
}

/// Runs `script` (the body of an async function of `args`) in the page
/// and returns what it resolves to.
async fn run_async(browser: &Browser, script: &str, args: Vec<Value>) -> Value {
    let wrapped = format!("return (async (...args) => {{ {script} }})(...arguments);");
    browser
        .client
        .execute(&wrapped, args)
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_suite_in_chromium_agrees_with_native() {
    let (site, base, browser) = opened("index.html").await;
    let cases = cases();

    // Every query, one after the other, on one page: as a reader would,
    // with the chunks of earlier queries already loaded.
    let queries: Vec<Value> = cases.iter().map(|c| json!(c.query)).collect();
    let in_browser = run_async(
        &browser,
        "const out = [];
         for (const q of args[0]) out.push(await window.runbook.search(q, { limit: args[1] }));
         return out;",
        vec![Value::Array(queries), json!(TOP)],
    )
    .await;
    let in_browser: Vec<Vec<Value>> =
        serde_json::from_value(in_browser).expect("arrays of results");
    let urls: Vec<Vec<String>> = in_browser
        .iter()
        .map(|results| {
            results
                .iter()
                .map(|r| r["url"].as_str().expect("url").to_string())
                .collect()
        })
        .collect();
    let report = score(&cases, &urls);
    assert_recall("chromium", &report);

    // The same engine natively, same order of queries: the same results,
    // field for field.
    let mut native = site.engine();
    let mut disagreements = Vec::new();
    for (case, browser_results) in cases.iter().zip(&in_browser) {
        let native_results: Vec<Value> = native
            .search(&case.query, TOP)
            .into_iter()
            .map(|r| serde_json::to_value(r).unwrap())
            .collect();
        if &native_results != browser_results {
            disagreements.push(format!(
                "  {:?}:\n    native  {:?}\n    browser {:?}",
                case.query, native_results, browser_results
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "native and browser results differ:\n{}",
        disagreements.join("\n")
    );

    // Every result links to a heading that exists on its page.
    let first = &in_browser[0][0];
    let url = first["url"].as_str().unwrap();
    browser
        .open(&format!("{}{}", base_with_slash(&base), url))
        .await;
    let anchor = url.split_once('#').map(|(_, a)| a).unwrap_or("");
    let found = browser
        .eval("return decodeURIComponent(location.hash.slice(1)) === (document.querySelector(':target') || {}).id")
        .await;
    assert_eq!(found, json!(true), "{url}: no heading {anchor:?}");

    browser.close().await;
}

fn base_with_slash(base: &str) -> String {
    format!("{base}/")
}

/// Strings where normalising is easy to get wrong: the tokens the browser
/// computes (the wasm module's `searchTokens`, through the site's glue)
/// equal the tokens the indexer computed natively, text and byte range.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_the_same_in_the_browser() {
    let (_site, _base, browser) = opened("index.html").await;

    let long = "x".repeat(60);
    let tricky: Vec<String> = [
        "DB接続エラー",
        "Pod再起動頻発対応",
        "高ＣＰＵ使用率",
        "ﾛｰﾙﾊﾞｯｸ",
        "ﾃﾞｰﾀﾍﾞｰｽ ﾊﾟｯﾁ",
        "メモリー メモリ サーバー ーー ロールバック",
        "ｳﾞｧｲｵﾘﾝ ｶﾞｷﾞｸﾞｹﾞｺﾞ",
        "ＯＯＭＫｉｌｌｅｄ oomkilled",
        "pg_stat_activity max_connections",
        "kubectl rollout undo deployment/tekutoko-api",
        "a- b__c --x y-",
        "p95 5xx 0.999 2/2 800m",
        "①②③ Ⅻ ㌔ ㍻",
        "ﬁle ﬂow",
        "İstanbul ß STRASSE ǅ",
        "e\u{301}clair cafe\u{301} a\u{308}\u{301}",
        "ｶ\u{FF9E}\u{FF9F} \u{FF9E}lone",
        "한국어 텍스트",
        "ภาษาไทย",
        "𠮷野家 々 〆",
        "🚀 deploy ✅",
        "タブ\tと\r\n改行",
        "ΣΊΣΥΦΟΣ",
        long.as_str(),
        "",
    ]
    .map(String::from)
    .to_vec();
    let in_browser = run_async(
        &browser,
        "const glue = await import(new URL('assets/runbook_search.js', window.runbook.searchRoot).href);
         await glue.default();
         return args[0].map((text) => JSON.parse(glue.searchTokens(text)));",
        vec![json!(tricky)],
    )
    .await;
    let in_browser: Vec<Vec<(String, usize, usize)>> =
        serde_json::from_value(in_browser).expect("token lists");
    for (text, browser_tokens) in tricky.iter().zip(&in_browser) {
        let native: Vec<(String, usize, usize)> = tokenize(text)
            .into_iter()
            .map(|t| (t.text, t.start, t.end))
            .collect();
        assert_eq!(&native, browser_tokens, "tokens of {text:?}");
    }

    browser.close().await;
}

/// The header search box, from the keyboard only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_box_from_the_keyboard() {
    let (_site, base, browser) = opened("HIGH_CPU.html").await;

    // `/` focuses the box.
    let input = slash_focuses_the_box(&browser).await;
    assert_eq!(
        input.attr("role").await.unwrap().as_deref(),
        Some("combobox")
    );

    // Typing shows the listbox with options.
    type_then_wait(&browser, &input, "ロールバック", LIST_SHOWS_OPTIONS).await;
    assert_eq!(
        input.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    let first = browser
        .eval("const o = document.querySelector('[role=listbox] [role=option]'); return [o.querySelector('a').href, o.textContent]")
        .await;
    let href = first[0].as_str().unwrap().to_string();
    assert!(href.contains("ROLLBACK.html#"), "{first:?}");
    assert!(first[1].as_str().unwrap().contains("ロールバック"));

    // Esc closes the list and keeps the text.
    type_then_wait(&browser, &input, &Key::Escape.to_string(), LIST_CLOSED).await;
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some("ロールバック")
    );

    // ArrowDown opens it again and selects the first option; Enter goes
    // to that result's section.
    type_then_wait(
        &browser,
        &input,
        &Key::Down.to_string(),
        FIRST_OPTION_ACTIVE,
    )
    .await;
    input.send_keys(&Key::Enter.to_string()).await.unwrap();
    browser
        .wait_for(&format!("return location.href === {}", json!(href)), WAIT)
        .await;
    let target = browser
        .eval("const t = document.querySelector(':target'); return t ? /^H[1-6]$/.test(t.tagName) : false")
        .await;
    assert_eq!(target, json!(true), "{href}: the anchor is not a heading");

    // On the new page, `/` focuses the box again; a query without any
    // match says so instead of showing an empty list.
    open(&browser, &base, "ROLLBACK.html").await;
    let input = slash_focuses_the_box(&browser).await;
    type_then_wait(&browser, &input, "zzqxwv", NO_MATCH_SAID).await;

    browser.close().await;
}
