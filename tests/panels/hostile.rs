//! A fake API in the test (axum, answering the golden contract JSON with
//! hostile strings in it) behind a static build of content/: whatever the
//! API says is shown as text, never parsed as HTML; and the reserved panel
//! box keeps the page still when the first answer arrives.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::browser::{serve_folder, Browser};
use crate::support::{build_site, copy_content, golden, s, serve_router, set_live, wait_panel};

const XSS: &str = "<img src=x onerror=window.__xss=1>";
const XSS_ERROR: &str = "<img src=x onerror=window.__xss=2>";

#[derive(Clone)]
struct FakeApi {
    /// Answers wait for a permit: the test measures the page before data.
    gate: Arc<Semaphore>,
    /// Answer every request with a 503 whose message is hostile.
    failing: Arc<AtomicBool>,
    /// Answer as an API whose upstream is down: its last good answer,
    /// marked stale, five minutes old.
    stale: Arc<AtomicBool>,
}

fn cors(body: String, status: StatusCode) -> axum::response::Response {
    (
        status,
        [
            ("content-type", "application/json"),
            ("access-control-allow-origin", "*"),
        ],
        body,
    )
        .into_response()
}

async fn answer(api: &FakeApi, golden_answer: Value) -> axum::response::Response {
    let _permit = api.gate.acquire().await.unwrap();
    if api.failing.load(Ordering::SeqCst) {
        let error = serde_json::json!({"version": 1, "error": {"code": "unavailable", "message": XSS_ERROR}});
        return cors(error.to_string(), StatusCode::SERVICE_UNAVAILABLE);
    }
    let mut answer = golden_answer;
    if api.stale.load(Ordering::SeqCst) {
        answer["stale"] = true.into();
        answer["age_seconds"] = 300.into();
    }
    cors(answer.to_string(), StatusCode::OK)
}

async fn workload(State(api): State<FakeApi>) -> axum::response::Response {
    let mut w = golden("workload-tekutoko-api.json");
    // The name of a problem pod (shown first), a node and the deployment.
    let pods = w["data"]["pods"].as_array_mut().unwrap();
    let failing = pods
        .iter_mut()
        .find(|p| p["status"] == "CrashLoopBackOff")
        .expect("the golden answer has a CrashLoopBackOff pod");
    failing["name"] = XSS.into();
    failing["node"] = format!("{XSS}<script>window.__xss=3</script>").into();
    w["data"]["deployment"]["rollout"]["message"] = XSS.into();
    answer(&api, w).await
}

async fn slos(State(api): State<FakeApi>) -> axum::response::Response {
    let mut list = golden("slos.json");
    list["data"]["slos"][0]["title"] = XSS.into();
    answer(&api, list).await
}

async fn start_api() -> (FakeApi, String) {
    let api = FakeApi {
        gate: Arc::new(Semaphore::new(0)),
        failing: Arc::new(AtomicBool::new(false)),
        stale: Arc::new(AtomicBool::new(false)),
    };
    let router = Router::new()
        .route("/api/v1/workloads/tekutoko-api", get(workload))
        .route("/api/v1/slos", get(slos))
        .with_state(api.clone());
    let addr = serve_router(router).await;
    (api, format!("http://{addr}/api"))
}

/// The panel box, and the first heading after it: what would jump.
const GEOMETRY: &str = r#"
const s = document.querySelector(`section.panel[data-panel="${arguments[0]}"]`);
let next = s.nextElementSibling;
while (next && !/^H[1-6]$/.test(next.tagName)) next = next.nextElementSibling;
return { panel: s.getBoundingClientRect().height,
         next: next ? next.getBoundingClientRect().top + window.scrollY : null };
"#;

async fn geometry(browser: &Browser, kind: &str) -> (f64, f64) {
    let g = browser
        .client
        .execute(GEOMETRY, vec![Value::from(kind)])
        .await
        .unwrap();
    (g["panel"].as_f64().unwrap(), g["next"].as_f64().unwrap())
}

/// Opens `page`, measures the panel while its first request is held,
/// lets the answer through and measures again.
async fn open_and_measure(browser: &Browser, api: &FakeApi, url: &str, kind: &str) -> Value {
    browser.client.goto(url).await.unwrap();
    wait_panel(browser, kind, "its loading state", |p| {
        p["state"] == "loading"
    })
    .await;
    let before = geometry(browser, kind).await;
    api.gate.add_permits(1_000);
    let shown = wait_panel(browser, kind, "the answer", |p| p["state"] == "fresh").await;
    let after = geometry(browser, kind).await;
    assert!(
        (after.0 - before.0).abs() < 4.0 && (after.1 - before.1).abs() < 4.0,
        "the {kind} panel moved the page when data arrived: box {} → {} px, next heading at {} → {} px",
        before.0,
        after.0,
        before.1,
        after.1
    );
    api.gate.forget_permits(1_000);
    shown
}

async fn no_script_ran(browser: &Browser) {
    // An <img src=x> fails to load within milliseconds; give it time.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        browser.eval("return typeof window.__xss").await,
        "undefined",
        "markup from the API ran"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_answers_render_as_text_and_nothing_jumps() {
    let tmp = tempfile::tempdir().unwrap();
    let (api, api_url) = start_api().await;
    let content = copy_content(tmp.path());
    set_live(&content, &api_url, 5);
    let site = tmp.path().join("site");
    build_site(&content, &site);
    let origin = serve_folder(&site);
    let browser = Browser::start().await;

    let pods = open_and_measure(
        &browser,
        &api,
        &format!("{origin}/POD_RESTARTS.html"),
        "pods",
    )
    .await;
    let rows: Vec<Vec<String>> = serde_json::from_value(pods["rows"].clone()).unwrap();
    assert_eq!(rows[0][0], XSS, "{rows:#?}");
    assert!(rows[0][2].contains("CrashLoopBackOff"), "{rows:#?}");
    assert!(s(&pods, "body").contains(XSS));
    assert!(s(&pods, "body").contains("<script>window.__xss=3</script>"));
    let elements = browser
        .eval("return document.querySelectorAll('section.panel .panel-body img, section.panel .panel-body script').length")
        .await;
    assert_eq!(elements, 0);
    no_script_ran(&browser).await;

    // An error answer's message is text too, and the data stays.
    api.failing.store(true, Ordering::SeqCst);
    api.gate.add_permits(1_000);
    let failed = wait_panel(&browser, "pods", "the API's error", |p| {
        p["state"] == "error"
    })
    .await;
    assert!(s(&failed, "stateText").contains(XSS_ERROR), "{failed:#}");
    assert!(s(&failed, "stateText").contains("HTTP 503"), "{failed:#}");
    let names = |p: &Value| -> Vec<Value> {
        p["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[0].clone())
            .collect()
    };
    assert_eq!(names(&failed), names(&pods));
    no_script_ran(&browser).await;

    // The API answers again, but with stale data: said in words, with
    // the data's real age.
    api.stale.store(true, Ordering::SeqCst);
    api.failing.store(false, Ordering::SeqCst);
    let stale = wait_panel(&browser, "pods", "the stale answer", |p| {
        p["state"] == "stale"
    })
    .await;
    assert!(
        s(&stale, "stateText").starts_with("古いデータ: API がバックエンドに接続できない"),
        "{stale:#}"
    );
    assert!(s(&stale, "age").starts_with("5 分前に更新"), "{stale:#}");
    assert_eq!(names(&stale), names(&pods));
    api.stale.store(false, Ordering::SeqCst);
    api.gate.forget_permits(1_000);

    let slo = open_and_measure(&browser, &api, &format!("{origin}/ERROR_RATE.html"), "slo").await;
    assert!(s(&slo, "body").contains(XSS), "{slo:#}");
    assert!(s(&slo, "announce").contains(XSS), "{slo:#}");
    no_script_ran(&browser).await;
    browser.close().await;
}
