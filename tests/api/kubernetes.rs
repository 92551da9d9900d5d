//! Workloads through kube-rs against a local server that answers with real
//! Kubernetes API JSON (tests/fixtures/kubernetes): a rolling Deployment,
//! an HPA at its maximum, and pods in every state kubectl has a word for.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::Router;
use runbook::api::clock::Clock;
use runbook_widgets::contract::WorkloadStatus;

use crate::support::{app, get_path, serve_router, workspace};

/// 2025-06-16T03:00:00Z: the fixtures' "now".
const NOW: i64 = 1_750_042_800;

#[derive(Clone, Default)]
struct FakeApiServer {
    requests: Arc<Mutex<Vec<String>>>,
    forbidden: bool,
}

async fn answer(State(server): State<FakeApiServer>, uri: Uri) -> axum::response::Response {
    // kube-rs writes `?&labelSelector=…`; record the query as a set of pairs.
    server
        .requests
        .lock()
        .unwrap()
        .push(uri.to_string().replace("?&", "?"));
    if server.forbidden {
        let status = serde_json::json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "pods is forbidden: User \"system:serviceaccount:runbook:runbook-api\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"",
            "reason": "Forbidden", "details": {"kind": "pods"}, "code": 403});
        return (StatusCode::FORBIDDEN, axum::Json(status)).into_response();
    }
    let fixture = match uri.path() {
        "/apis/apps/v1/namespaces/default/deployments/tekutoko-api" => "deployment.json",
        "/api/v1/namespaces/default/pods"
            if uri.query().is_some_and(|q| {
                q.split('&')
                    .any(|p| p == "labelSelector=app%3Dtekutoko-api")
            }) =>
        {
            "pods.json"
        }
        "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/tekutoko-api" => {
            "hpa.json"
        }
        _ => {
            let status = serde_json::json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404});
            return (StatusCode::NOT_FOUND, axum::Json(status)).into_response();
        }
    };
    let path = workspace().join("tests/fixtures/kubernetes").join(fixture);
    let body = std::fs::read(path).unwrap();
    ([("content-type", "application/json")], body).into_response()
}

async fn workload_app(server: FakeApiServer) -> (axum::Router, tempfile::TempDir) {
    let addr = serve_router(Router::new().fallback(answer).with_state(server)).await;
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: http://{addr}\nusers:\n- name: reader\n  user:\n    token: test-token\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: reader\n    namespace: default\ncurrent-context: fake\n"
        ),
    )
    .unwrap();
    let config = format!(
        "backend: live\nkubernetes:\n  kubeconfig: {}\ncache:\n  upstream_timeout_seconds: 5\nworkloads:\n  tekutoko-api:\n    title: TekuToko API\n    namespace: default\n    deployment: tekutoko-api\n    selector: app=tekutoko-api\n    hpa: tekutoko-api\n",
        kubeconfig.display()
    );
    (app(&config, Clock::fixed(NOW)).await, dir)
}

#[tokio::test]
async fn pods_deployment_and_hpa_as_kubectl_shows_them() {
    let server = FakeApiServer::default();
    let (app, _dir) = workload_app(server.clone()).await;
    let reply = get_path(&app, "/api/v1/workloads/tekutoko-api").await;
    let answer = reply.answer::<WorkloadStatus>();
    assert_eq!((answer.source.as_str(), answer.demo), ("kubernetes", false));
    let w = answer.data;

    let rows: Vec<[&str; 6]> = w
        .pods
        .iter()
        .map(|p| {
            [
                p.name.as_str(),
                &p.ready,
                &p.status,
                &p.restarts_text,
                &p.age,
                &p.node,
            ]
        })
        .collect();
    let n1 = "gk3-tekutoko-prod-pool-2-1a2b3c4d-x9yz";
    let n2 = "gk3-tekutoko-prod-pool-2-5e6f7a8b-q2rt";
    let expected: Vec<[&str; 6]> = vec![
        [
            "tekutoko-api-3a9e1d7c2-qqk8n",
            "0/1",
            "Completed",
            "0",
            "8d",
            n2,
        ],
        [
            "tekutoko-api-5c8d7b9f4-abcde",
            "1/1",
            "Running",
            "0",
            "3d4h",
            n1,
        ],
        [
            "tekutoko-api-5c8d7b9f4-tq9zn",
            "1/1",
            "Terminating",
            "0",
            "3d2h",
            n2,
        ],
        [
            "tekutoko-api-6f7c9d8b5-h6gkd",
            "0/1",
            "Init:CrashLoopBackOff",
            "4 (50s ago)",
            "5m",
            n1,
        ],
        [
            "tekutoko-api-6f7c9d8b5-k2x7q",
            "0/1",
            "CrashLoopBackOff",
            "7 (2m3s ago)",
            "45m",
            n2,
        ],
        [
            "tekutoko-api-6f7c9d8b5-m4ntz",
            "0/1",
            "OOMKilled",
            "3 (10m ago)",
            "120m",
            n2,
        ],
        [
            "tekutoko-api-6f7c9d8b5-p8wqj",
            "0/1",
            "Pending",
            "0",
            "95s",
            "<none>",
        ],
        [
            "tekutoko-api-6f7c9d8b5-s1dcr",
            "2/2",
            "Running",
            "1 (60m ago)",
            "26h",
            n1,
        ],
        [
            "tekutoko-api-6f7c9d8b5-zr5tv",
            "0/1",
            "Init:0/1",
            "0",
            "40s",
            n1,
        ],
    ];
    assert_eq!(rows, expected);

    let crash = &w.pods[4];
    let last = crash.last_restart.as_ref().unwrap();
    assert_eq!(
        (last.reason.as_str(), last.exit_code, crash.restarts),
        ("Error", Some(1), 7)
    );
    let oom = &w.pods[5].last_restart.as_ref().unwrap();
    assert_eq!(
        (oom.reason.as_str(), oom.exit_code),
        ("OOMKilled", Some(137))
    );

    let d = &w.deployment;
    assert_eq!((d.desired, d.ready, d.updated, d.available), (4, 3, 2, 3));
    assert_eq!(d.revision.as_deref(), Some("43"));
    assert!(!d.rollout.complete);
    assert_eq!(
        d.rollout.message,
        "Waiting for deployment \"tekutoko-api\" rollout to finish: 2 out of 4 new replicas have been updated..."
    );
    let hpa = w.hpa.as_ref().unwrap();
    assert_eq!((hpa.min, hpa.max, hpa.current, hpa.desired), (2, 4, 4, 4));
    assert_eq!(
        (hpa.cpu_target_percent, hpa.cpu_current_percent),
        (Some(70), Some(118))
    );
    assert!(hpa.at_max);

    // Only the configured namespace and objects were read.
    let mut requests = server.requests.lock().unwrap().clone();
    requests.sort();
    assert_eq!(
        requests,
        [
            "/api/v1/namespaces/default/pods?labelSelector=app%3Dtekutoko-api",
            "/apis/apps/v1/namespaces/default/deployments/tekutoko-api",
            "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/tekutoko-api",
        ]
    );
}

#[tokio::test]
async fn a_forbidden_read_is_503_without_the_rbac_message() {
    let server = FakeApiServer {
        forbidden: true,
        ..FakeApiServer::default()
    };
    let (app, _dir) = workload_app(server).await;
    let reply = get_path(&app, "/api/v1/workloads/tekutoko-api").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let text = String::from_utf8_lossy(&reply.body);
    assert!(
        !text.contains("forbidden") && !text.contains("serviceaccount"),
        "{text}"
    );
}
