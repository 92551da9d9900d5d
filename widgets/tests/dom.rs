//! The wasm DOM layer (`runbook_widgets::wasm`) in headless Chromium, under
//! wasm-bindgen-test: panels drawn from the API's golden answers
//! (tests/fixtures/api) into detached elements, API strings kept as text,
//! table semantics, and a slot started by `start_panels` against an API
//! that does not answer.
//!
//! Run with `widgets/run-dom-tests.sh`.

#![cfg(target_arch = "wasm32")]

use runbook_widgets::language::{PanelWords, ENGLISH, JAPANESE};

static EN: &PanelWords = &ENGLISH.panels;
static JA: &PanelWords = &JAPANESE.panels;
use runbook_widgets::panel::view::{el, Node};
use runbook_widgets::panel::{Panel, PanelSpec};
use runbook_widgets::wasm::{dom, panels};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Document, Element};

wasm_bindgen_test_configure!(run_in_browser);

const WORKLOAD: &str = include_str!("../../tests/fixtures/api/workload-tekutoko-api.json");
const SLOS: &str = include_str!("../../tests/fixtures/api/slos.json");
const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XSS: &str = "<img src=x onerror=window.__xss=1>";

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A `div` that is not in the page.
fn detached() -> Element {
    document().create_element("div").unwrap()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.dyn_into::<Element>().unwrap())
        .collect()
}

fn text(element: &Element) -> String {
    element.text_content().unwrap_or_default()
}

/// A panel that received `body` with status 200.
fn panel(slot: PanelSpec, body: &str) -> Panel {
    let mut panel = Panel::new(slot);
    panel.receive(200, body, 0.0);
    assert!(
        panel.tracker.failure.is_none(),
        "{:?}",
        panel.tracker.failure
    );
    panel
}

fn draw(node: &Node) -> Element {
    let host = detached();
    dom::replace(&document(), &host, node).unwrap();
    host
}

fn pods_panel(body: &str) -> (Panel, Node, Element) {
    let panel = panel(PanelSpec::Pods("tekutoko-api".into()), body);
    let node = panel.body(0.0, "", EN).unwrap();
    let host = draw(&node);
    (panel, node, host)
}

#[wasm_bindgen_test]
fn the_pod_table_from_the_golden_answer() {
    let (_, node, host) = pods_panel(WORKLOAD);
    // The DOM says exactly what the plain-Rust view says.
    assert_eq!(text(&host), node.text_content());

    let tables = all(&host, "table.pod-table");
    assert_eq!(tables.len(), 1);
    let table = &tables[0];
    // A caption, column headers, one row per pod with its name as the
    // row header: a screen reader can walk it like kubectl's output.
    assert_eq!(all(table, "caption").len(), 1);
    let heads: Vec<String> = all(table, "thead th").iter().map(text).collect();
    let expected = [
        EN.col_name,
        EN.col_ready,
        EN.col_status,
        EN.col_restarts,
        EN.col_last_reason,
        EN.col_age,
        EN.col_node,
    ];
    assert_eq!(heads, expected);
    for th in all(table, "thead th") {
        assert_eq!(th.get_attribute("scope").as_deref(), Some("col"));
    }
    let rows = all(table, "tbody tr");
    let golden: serde_json::Value = serde_json::from_str(WORKLOAD).unwrap();
    assert_eq!(rows.len(), golden["data"]["pods"].as_array().unwrap().len());
    for row in &rows {
        let header = all(row, "th");
        assert_eq!(header.len(), 1);
        assert_eq!(header[0].get_attribute("scope").as_deref(), Some("row"));
        assert_eq!(all(row, "td").len(), 6);
    }
    // Problem pods first, marked in words for screen readers as well as
    // by colour.
    assert!(rows[0].class_list().contains("pod-failing"));
    assert!(
        text(&rows[0]).contains("CrashLoopBackOff"),
        "{}",
        text(&rows[0])
    );
    let words = all(&rows[0], ".visually-hidden");
    assert_eq!(text(&words[0]), format!("{}: ", EN.mark_failing));
    let first_ok = rows
        .iter()
        .position(|r| r.class_list().contains("pod-ok"))
        .unwrap();
    assert!(rows[first_ok..]
        .iter()
        .all(|r| r.class_list().contains("pod-ok")));
    // Every element is an HTML element (no SVG in this panel).
    for e in all(&host, "*") {
        assert_eq!(
            e.namespace_uri().as_deref(),
            Some("http://www.w3.org/1999/xhtml")
        );
    }
}

#[wasm_bindgen_test]
fn api_strings_stay_text() {
    let mut golden: serde_json::Value = serde_json::from_str(WORKLOAD).unwrap();
    golden["data"]["pods"][0]["name"] = XSS.into();
    golden["data"]["pods"][0]["node"] = "<b>bold</b>&amp;".into();
    golden["data"]["deployment"]["name"] = "<script>window.__xss=2</script>".into();
    let (_, _, host) = pods_panel(&golden.to_string());
    assert!(
        all(&host, "img, script, b").is_empty(),
        "{}",
        host.inner_html()
    );
    let shown = text(&host);
    assert!(shown.contains(XSS), "{shown}");
    assert!(shown.contains("<b>bold</b>&amp;"), "{shown}");
    assert!(shown.contains("<script>window.__xss=2</script>"), "{shown}");
    // Serialised back, the markup is escaped: it never was markup.
    assert!(host
        .inner_html()
        .contains("&lt;img src=x onerror=window.__xss=1&gt;"));
    // Attached to the page, still nothing runs.
    let body = document().body().unwrap();
    body.append_child(&host).unwrap();
    assert!(
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"__xss".into())
            .unwrap()
            .is_undefined()
    );
    host.remove();
}

#[wasm_bindgen_test]
fn slo_cards_and_the_sparkline_from_the_golden_answer() {
    let ids = vec!["availability".to_string(), "error_rate".to_string()];
    let panel = panel(PanelSpec::Slo(ids), SLOS);
    let node = panel.body(0.0, "", JA).unwrap();
    let host = draw(&node);
    assert_eq!(text(&host), node.text_content());
    let cards = all(&host, ".slo");
    assert_eq!(cards.len(), 2);
    assert_eq!(
        cards[0].get_attribute("data-slo").as_deref(),
        Some("availability")
    );
    let first = text(&cards[0]);
    assert!(first.contains("可用性 (99.9%)"), "{first}");
    assert!(first.contains("ページ"), "{first}");
    assert!(
        first.contains("43.2 分") || first.contains("43.2分"),
        "{first}"
    );
    // Burn rates: a real table with row and column headers.
    let burn = all(&cards[0], "table");
    assert_eq!(burn.len(), 1);
    assert!(!all(&burn[0], "th[scope=col]").is_empty());
    assert!(!all(&burn[0], "th[scope=row]").is_empty());
    // The sparkline is SVG in the SVG namespace (an HTML `svg` element
    // would draw nothing), with a title for screen readers.
    let svgs = all(&host, "svg.sparkline");
    assert_eq!(svgs.len(), 2);
    for svg in &svgs {
        assert_eq!(svg.namespace_uri().as_deref(), Some(SVG_NS));
        for child in all(svg, "*") {
            assert_eq!(child.namespace_uri().as_deref(), Some(SVG_NS));
        }
        assert_eq!(all(svg, "title").len(), 1);
        let path = &all(svg, "path.spark-line")[0];
        assert!(path.get_attribute("d").unwrap().starts_with('M'));
    }
}

#[wasm_bindgen_test]
fn replace_swaps_the_children_in_one_step() {
    let doc = document();
    let host = detached();
    host.append_child(&doc.create_element("span").unwrap())
        .unwrap();
    host.append_child(&doc.create_text_node("old")).unwrap();
    let node: Node = el("p").class("new").text("a").text("b").into();
    dom::replace(&doc, &host, &node).unwrap();
    assert_eq!(host.child_element_count(), 1);
    assert_eq!(host.inner_html(), "<p class=\"new\">ab</p>");
}

#[wasm_bindgen_test]
fn child_is_found_or_created_once_and_set_text_reports_changes() {
    let host = detached();
    let a = dom::child(&host, "p", "panel-meta", &[("role", "status")]).unwrap();
    let b = dom::child(&host, "p", "panel-meta", &[("role", "status")]).unwrap();
    assert!(a.is_same_node(Some(&b)));
    assert_eq!(host.child_element_count(), 1);
    assert_eq!(a.get_attribute("role").as_deref(), Some("status"));
    assert!(dom::set_text(&a, "<i>x</i>"));
    assert!(!dom::set_text(&a, "<i>x</i>"));
    assert_eq!(a.inner_html(), "&lt;i&gt;x&lt;/i&gt;");
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// The tests that start panels in the page run one after the other in one
/// test: async tests interleave, and these share the page's meta tags,
/// `fetch` and visibility.
#[wasm_bindgen_test]
async fn started_slots() {
    a_started_slot_gets_its_regions_and_reports_an_unreachable_api().await;
    refreshes_pause_while_the_tab_is_hidden().await;
}

/// A slot as the generator writes it, in the page, with an API address
/// nothing listens on.
async fn a_started_slot_gets_its_regions_and_reports_an_unreachable_api() {
    let doc = document();
    let meta = doc.create_element("meta").unwrap();
    meta.set_attribute("name", "runbook-api").unwrap();
    // Port 9 (discard) on loopback: refused at once.
    meta.set_attribute("content", "http://127.0.0.1:9/api")
        .unwrap();
    doc.query_selector("head")
        .unwrap()
        .unwrap()
        .append_child(&meta)
        .unwrap();
    let section = doc.create_element("section").unwrap();
    section.set_attribute("class", "panel").unwrap();
    section.set_attribute("data-panel", "pods").unwrap();
    section.set_attribute("data-ids", "tekutoko-api").unwrap();
    section.set_inner_html(
        "<div class=\"panel-live\"></div><div class=\"panel-fallback\"><p>kubectl get pods</p></div>",
    );
    doc.body().unwrap().append_child(&section).unwrap();

    let running = panels::start_panels().unwrap();
    assert_eq!(running.count(), 1);
    assert_eq!(section.get_attribute("data-live").as_deref(), Some("on"));
    let live = section.query_selector(".panel-live").unwrap().unwrap();
    let state = live.query_selector(".panel-state").unwrap().unwrap();
    assert_eq!(state.get_attribute("role").as_deref(), Some("status"));
    let announce = live.query_selector("[aria-live]").unwrap().unwrap();
    assert_eq!(
        announce.get_attribute("aria-live").as_deref(),
        Some("polite")
    );
    assert_eq!(live.query_selector_all(".panel-body").unwrap().length(), 1);

    // A second start leaves a started slot alone.
    assert_eq!(panels::start_panels().unwrap().count(), 0);

    let mut waited = 0;
    while section.get_attribute("data-state").as_deref() != Some("error") {
        assert!(
            waited < 10_000,
            "never turned to error: {:?} {}",
            section.get_attribute("data-state"),
            text(&live)
        );
        sleep(50).await;
        waited += 50;
    }
    running.stop();
    // Before any data: the error says to use the commands, and the static
    // fallback is still there to use.
    assert!(text(&state).contains(EN.unreachable), "{}", text(&state));
    assert!(text(&state).contains(EN.use_commands), "{}", text(&state));
    assert_eq!(
        text(&section.query_selector(".panel-fallback").unwrap().unwrap()),
        "kubectl get pods"
    );
    section.remove();
    meta.remove();
}

fn window_get(name: &str) -> wasm_bindgen::JsValue {
    js_sys::Reflect::get(&web_sys::window().unwrap(), &name.into()).unwrap()
}

fn fetches() -> f64 {
    window_get("__fetches").as_f64().unwrap()
}

fn set_visibility(state: &str) {
    js_sys::Reflect::set(
        &web_sys::window().unwrap(),
        &"__visibility".into(),
        &state.into(),
    )
    .unwrap();
    document()
        .dispatch_event(&web_sys::Event::new("visibilitychange").unwrap())
        .unwrap();
}

/// `fetch` replaced by a counter answering the golden workload, and the
/// page's visibility under the test's control: a hidden tab sends nothing,
/// and catches up as soon as it is shown again.
async fn refreshes_pause_while_the_tab_is_hidden() {
    let window = web_sys::window().unwrap();
    js_sys::Reflect::set(&window, &"__golden".into(), &WORKLOAD.into()).unwrap();
    js_sys::eval(
        r#"
        window.__realFetch = window.fetch;
        window.__fetches = 0;
        window.fetch = function (url) {
            window.__fetches += 1;
            window.__lastUrl = String(url);
            return Promise.resolve(new Response(window.__golden, { status: 200 }));
        };
        window.__visibility = "visible";
        Object.defineProperty(document, "visibilityState", {
            configurable: true,
            get: () => window.__visibility,
        });
        "#,
    )
    .unwrap();
    let doc = document();
    let head = doc.query_selector("head").unwrap().unwrap();
    let mut metas = Vec::new();
    for (name, content) in [
        ("runbook-api", "https://status.example/api/"),
        ("runbook-refresh", "1"),
    ] {
        let meta = doc.create_element("meta").unwrap();
        meta.set_attribute("name", name).unwrap();
        meta.set_attribute("content", content).unwrap();
        head.append_child(&meta).unwrap();
        metas.push(meta);
    }
    let section = doc.create_element("section").unwrap();
    section.set_attribute("class", "panel").unwrap();
    section.set_attribute("data-panel", "pods").unwrap();
    section.set_attribute("data-ids", "tekutoko-api").unwrap();
    section.set_inner_html("<div class=\"panel-live\"></div>");
    doc.body().unwrap().append_child(&section).unwrap();

    let running = panels::start_panels().unwrap();
    // The request goes out from a spawned future, on the next microtask.
    sleep(50).await;
    assert_eq!(fetches(), 1.0);
    assert_eq!(
        window_get("__lastUrl").as_string().as_deref(),
        Some("https://status.example/api/v1/workloads/tekutoko-api")
    );
    let mut waited = 0;
    while section.get_attribute("data-state").as_deref() != Some("fresh") {
        assert!(waited < 5_000, "{:?}", section.get_attribute("data-state"));
        sleep(20).await;
        waited += 20;
    }
    assert_eq!(all(&section, "table.pod-table tbody tr").len(), 6);

    // Hidden for longer than the refresh period (1 s asked, 5 s floor):
    // no request at all.
    set_visibility("hidden");
    sleep(6_000).await;
    assert_eq!(fetches(), 1.0, "a hidden tab kept polling");
    // Shown again: the overdue refresh goes out at once.
    set_visibility("visible");
    sleep(50).await;
    assert_eq!(fetches(), 2.0);

    running.stop();
    js_sys::eval("window.fetch = window.__realFetch; delete document.visibilityState;").unwrap();
    section.remove();
    for meta in metas {
        meta.remove();
    }
}
