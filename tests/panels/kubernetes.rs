//! `runbook api` with the live backend reading a fake Kubernetes API server
//! (tests/fixtures/kubernetes, the JSON the API tests use) through a
//! kubeconfig; the site built with `live.api_url` pointing at it and served
//! from another origin, as GitHub Pages would. Then the API is killed: the
//! panel says so, and keeps the runbook and the last table on screen.

use std::path::Path;

use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;

use crate::browser::{serve_folder, Browser};
use crate::common::assert_contains;
use crate::common::free_port;
use crate::support::{
    build_site, copy_content, s, serve_router, set_live, wait_panel, workspace, Process,
};

/// Real Kubernetes API JSON for the objects the config names; 404 (as a
/// Kubernetes `Status`) for anything else.
async fn kubernetes(uri: Uri) -> axum::response::Response {
    let fixture = match uri.path() {
        "/apis/apps/v1/namespaces/default/deployments/tekutoko-api" => "deployment.json",
        "/api/v1/namespaces/default/pods" => "pods.json",
        "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/tekutoko-api" => {
            "hpa.json"
        }
        _ => {
            let status = serde_json::json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404});
            return (StatusCode::NOT_FOUND, axum::Json(status)).into_response();
        }
    };
    let body = std::fs::read(workspace().join("tests/fixtures/kubernetes").join(fixture)).unwrap();
    ([("content-type", "application/json")], body).into_response()
}

/// The page's text outside the panels: the runbook itself.
const RUNBOOK_TEXT: &str = "const m = document.querySelector('main').cloneNode(true); \
     m.querySelectorAll('section.panel').forEach(p => p.remove()); return m.textContent;";

fn api_config(dir: &Path, kube: std::net::SocketAddr, origin: &str) -> std::path::PathBuf {
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: http://{kube}\nusers:\n- name: reader\n  user:\n    token: test-token\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: reader\n    namespace: default\ncurrent-context: fake\n"
        ),
    )
    .unwrap();
    let config = dir.join("api.yaml");
    std::fs::write(
        &config,
        format!(
            "backend: live\nkubernetes:\n  kubeconfig: {}\ncache:\n  ttl_seconds: 2\n  upstream_timeout_seconds: 5\ncors:\n  allowed_origins: ['{origin}']\nworkloads:\n  tekutoko-api:\n    title: TekuToko API\n    namespace: default\n    deployment: tekutoko-api\n    selector: app=tekutoko-api\n    hpa: tekutoko-api\n",
            kubeconfig.display()
        ),
    )
    .unwrap();
    config
}

#[tokio::test(flavor = "multi_thread")]
async fn pods_from_kubernetes_then_the_api_stops() {
    let tmp = tempfile::tempdir().unwrap();
    let kube = serve_router(Router::new().fallback(kubernetes)).await;

    // The site's origin must be known before the API starts (CORS), and
    // the API's address before the site is built (`live.api_url`).
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    let origin = serve_folder(&site);
    let api_port = free_port();
    let config = api_config(tmp.path(), kube, &origin);
    let content = copy_content(tmp.path());
    set_live(&content, &format!("http://127.0.0.1:{api_port}/api"), 5);
    build_site(&content, &site);
    let mut api = Process::api(&config, api_port);

    let browser = Browser::start().await;
    browser.open(&format!("{origin}/POD_RESTARTS.html")).await;
    let pods = wait_panel(&browser, "pods", "the fixtures' pods", |p| {
        p["state"] == "fresh" && p["rows"].as_array().is_some_and(|r| r.len() == 9)
    })
    .await;
    let rows: Vec<Vec<String>> = serde_json::from_value(pods["rows"].clone()).unwrap();
    let name_status: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    // Problem pods first (kubectl's name order within each group), marked
    // in words; the healthy ones after.
    // The status cell starts with its mark in words ("✖ 要対応: ").
    let statuses: Vec<&str> = name_status
        .iter()
        .map(|(_, s)| s.rsplit_once(": ").map_or(*s, |(_, status)| status))
        .collect();
    assert_eq!(
        statuses,
        [
            "Init:CrashLoopBackOff",
            "CrashLoopBackOff",
            "OOMKilled",
            "Terminating",
            "Pending",
            "Init:0/1",
            "Completed",
            "Running",
            "Running",
        ],
        "{rows:#?}"
    );
    assert!(
        name_status.contains(&("tekutoko-api-6f7c9d8b5-k2x7q", "✖ 要対応: CrashLoopBackOff")),
        "{rows:#?}"
    );
    let body = s(&pods, "body");
    assert_contains(body, "tekutoko-api");
    assert!(body.contains("4/4") || body.contains("3/4"), "{body}");
    assert!(
        !body.contains("デモ"),
        "live data is not labelled demo: {body}"
    );
    assert_eq!(pods["ariaLive"], "polite");
    let text_before = browser.eval(RUNBOOK_TEXT).await;

    // The API goes away (SIGKILL): the next refresh fails.
    api.kill();
    let broken = wait_panel(&browser, "pods", "the error", |p| p["state"] == "error").await;
    let state = s(&broken, "stateText");
    assert!(
        state.contains("更新できません") && state.contains("API が応答しません"),
        "{state}"
    );
    assert!(s(&broken, "age").contains("前に更新"), "{broken:#}");
    // The last table stays, and so does the runbook around it.
    assert_eq!(broken["rows"], pods["rows"]);
    let text_after = browser.eval(RUNBOOK_TEXT).await;
    let text = text_after.as_str().unwrap();
    assert!(
        text.contains("Pod再起動頻発対応") && text.contains("kubectl"),
        "{text}"
    );
    assert_eq!(text_after, text_before);
    browser.close().await;
}
