//! The safety rules, one test each: read-only methods, configured ids only,
//! CORS for configured origins only, one upstream read per id per TTL under
//! a crowd, stale answers with their age, 503 without one, timeouts, and no
//! client input or upstream detail crossing the API.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use runbook::api::clock::Clock;
use runbook_widgets::contract::{ErrorAnswer, SloStatus};

use crate::support::{app, get_path, send, stub_config, Mode, Stub, SECRET};

#[tokio::test]
async fn other_methods_get_405_json() {
    let stub = Stub::default();
    let app = stub.app(15, 2.0, "").await;
    for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
        for path in ["/api/v1/slos", "/api/v1/slos/availability", "/api/healthz"] {
            let reply = send(
                &app,
                Request::builder()
                    .method(method.clone())
                    .uri(path)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert_eq!(reply.header("allow"), Some("GET, HEAD"));
            let body: ErrorAnswer = serde_json::from_slice(&reply.body).unwrap();
            assert_eq!(body.error.code, "method_not_allowed");
        }
    }
    // HEAD is GET without a body.
    let reply = send(
        &app,
        Request::head("/api/v1/slos/availability")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.is_empty());
    assert_eq!(stub.instant_reads(), 1, "no read for refused methods");
}

#[tokio::test]
async fn only_configured_ids_are_reachable() {
    let stub = Stub::default();
    let app = stub.app(15, 2.0, "").await;
    for path in [
        "/api/v1/slos/nope",
        "/api/v1/slos/availability%2F..",
        "/api/v1/slos/up%7Bjob%3D%22x%22%7D",
        "/api/v1/workloads/availability",
        "/api/v1/slos/availability/extra",
        "/api/v2/slos",
        "/slos",
        "/",
    ] {
        let reply = get_path(&app, path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        let body: ErrorAnswer = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body.error.code, "not_found", "{path}");
        assert!(!body.generated_at.is_empty());
    }
    assert_eq!(
        stub.instant_reads(),
        0,
        "unknown ids never reach the upstream"
    );
}

#[tokio::test]
async fn client_input_never_reaches_promql() {
    let stub = Stub::default();
    let addr = stub.start().await;
    let text = stub_config(addr, 15, 2.0, "");
    let app = app(&text, Clock::system()).await;
    let request = Request::get("/api/v1/slos/availability?query=up&time=0&namespace=kube-system")
        .header("x-scope-orgid", "other-tenant")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::OK);
    let config = crate::support::config(&text);
    let slo = &config.slos["availability"];
    let queries = stub.queries.lock().unwrap().clone();
    let mut expected = vec![
        runbook::api::promql::instant_query(slo),
        runbook::api::promql::series_query(slo),
    ];
    let mut got = queries.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn cors_only_for_configured_origins() {
    let stub = Stub::default();
    let app = app_with_cors(&stub).await;
    let with_origin = |origin: &str| {
        Request::get("/api/v1/slos")
            .header("origin", origin)
            .body(Body::empty())
            .unwrap()
    };
    let allowed = send(&app, with_origin("https://rrrrrrr-777.github.io")).await;
    assert_eq!(allowed.status, StatusCode::OK);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://rrrrrrr-777.github.io")
    );
    let denied = send(&app, with_origin("https://evil.example")).await;
    assert_eq!(denied.header("access-control-allow-origin"), None);
    // A preflight from elsewhere is not granted either.
    assert_eq!(
        send(&app, preflight("https://evil.example"))
            .await
            .header("access-control-allow-origin"),
        None
    );
    // Without configured origins, no CORS header at all.
    let plain = app_without_cors(&stub).await;
    let reply = send(&plain, with_origin("https://rrrrrrr-777.github.io")).await;
    assert_eq!(reply.header("access-control-allow-origin"), None);
}

/// A browser's CORS preflight for a GET of the SLO list from `origin`.
fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/v1/slos")
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .body(Body::empty())
        .unwrap()
}

/// The stub's API allowing the origin https://rrrrrrr-777.github.io.
async fn app_with_cors(stub: &Stub) -> axum::Router {
    let extra = "cors:\n  allowed_origins: [https://rrrrrrr-777.github.io]\n";
    stub.app(15, 2.0, extra).await
}

async fn app_without_cors(stub: &Stub) -> axum::Router {
    stub.app(15, 2.0, "").await
}

#[tokio::test]
async fn a_crowd_costs_one_upstream_read_per_ttl() {
    let stub = Stub::default();
    *stub.delay.lock().unwrap() = Duration::from_millis(300);
    stub.set(Mode::Slow);
    let app = stub.app(60, 5.0, "").await;
    let crowd = |app: axum::Router| async move {
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let app = app.clone();
                tokio::spawn(async move { get_path(&app, "/api/v1/slos/availability").await })
            })
            .collect();
        for task in tasks {
            let reply = task.await.unwrap();
            assert_eq!(reply.status, StatusCode::OK);
            let answer = reply.answer::<SloStatus>();
            assert!(!answer.stale);
            assert_eq!(answer.data.id, "availability");
        }
    };
    crowd(app.clone()).await;
    assert_eq!(stub.instant_reads(), 1, "100 concurrent requests, one read");
    assert_eq!(stub.range_reads(), 1);
    crowd(app.clone()).await;
    assert_eq!(stub.instant_reads(), 1, "still within the TTL");
    let ready = get_path(&app, "/api/readyz").await.json();
    assert_eq!(ready["upstream_reads"], 1);
}

#[tokio::test]
async fn upstream_failure_serves_the_last_answer_marked_stale() {
    let stub = Stub::default();
    let app = stub.app(1, 2.0, "").await;
    let first = get_path(&app, "/api/v1/slos/availability").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.json()["stale"], false);
    stub.set(Mode::Fail);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // Expired: served at once with its age while the refresh runs; once
    // the refresh has failed, marked stale.
    let during = get_path(&app, "/api/v1/slos/availability").await.json();
    assert!(during["age_seconds"].as_u64().unwrap() >= 2, "{during}");
    let deadline = Instant::now() + Duration::from_secs(5);
    let reply = loop {
        let reply = get_path(&app, "/api/v1/slos/availability").await;
        if reply.json()["stale"] == true || Instant::now() > deadline {
            break reply;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["stale"], true);
    assert!(body["age_seconds"].as_u64().unwrap() >= 2, "{body}");
    assert_eq!(body["data"]["id"], "availability");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(!String::from_utf8_lossy(&reply.body).contains(SECRET));
    // The failed read counts against the TTL: the crowd does not retry it.
    let calls = stub.instant_reads();
    for _ in 0..20 {
        assert_eq!(
            get_path(&app, "/api/v1/slos/availability").await.json()["stale"],
            true
        );
    }
    assert_eq!(stub.instant_reads(), calls);
    let ready = get_path(&app, "/api/readyz").await.json();
    assert_eq!(ready["ids"][0]["upstream_failures"], 1, "{ready}");
}

/// Before: with a 1 s upstream, every request after expiry waited the
/// whole second for the refresh (p99 984 ms).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_answer_is_served_at_once_while_one_refresh_runs() {
    let stub = Stub::default();
    *stub.delay.lock().unwrap() = Duration::from_secs(1);
    stub.set(Mode::Slow);
    let app = stub.app(1, 5.0, "").await;
    let first = get_path(&app, "/api/v1/slos/availability").await;
    assert_eq!(
        first.status,
        StatusCode::OK,
        "the first answer waits for its read"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let reads = stub.instant_reads();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let reply = get_path(&app, "/api/v1/slos/availability").await;
                (started.elapsed(), reply)
            })
        })
        .collect();
    for task in tasks {
        let (took, reply) = task.await.unwrap();
        assert_eq!(reply.status, StatusCode::OK);
        let body = reply.json();
        assert_eq!(
            body["stale"], false,
            "a refresh in progress is not a failure"
        );
        assert!(body["age_seconds"].as_u64().unwrap() >= 1, "{body}");
        assert!(
            took < Duration::from_millis(500),
            "waited {took:?} for the upstream"
        );
    }
    // One refresh for the crowd, and it lands.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(stub.instant_reads(), reads + 1);
    let after = get_path(&app, "/api/v1/slos/availability").await.json();
    assert_eq!(after["age_seconds"], 0, "{after}");
}

/// Before: a hanging upstream held every request for the whole upstream
/// timeout. Now the first request waits at most `cache::FIRST_WAIT`, and
/// once there is an answer nobody waits at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_upstream_holds_no_request_past_the_bound() {
    let stub = Stub::default();
    *stub.delay.lock().unwrap() = Duration::from_secs(60);
    stub.set(Mode::Slow);
    let hanging = stub.app(1, 30.0, "").await;
    let bound = runbook::api::cache::FIRST_WAIT;
    for path in ["/api/v1/slos/availability", "/api/v1/slos"] {
        let started = Instant::now();
        let reply = get_path(&hanging, path).await;
        let took = started.elapsed();
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(
            took < bound + Duration::from_millis(500),
            "{path}: {took:?}"
        );
        assert_eq!(reply.header("retry-after"), Some("1"));
        let body: ErrorAnswer = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body.error.code, "unavailable");
    }

    // With an answer in the slot, a hanging refresh delays no one.
    let stub = Stub::default();
    let app = stub.app(1, 30.0, "").await;
    assert_eq!(
        get_path(&app, "/api/v1/slos/availability").await.status,
        StatusCode::OK
    );
    *stub.delay.lock().unwrap() = Duration::from_secs(60);
    stub.set(Mode::Slow);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..5 {
        let started = Instant::now();
        let reply = get_path(&app, "/api/v1/slos/availability").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(started.elapsed() < Duration::from_millis(300));
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Before: an id that is not UTF-8 got axum's plain-text 400, and error
/// answers had no `nosniff`.
#[tokio::test]
async fn every_answer_is_json_with_nosniff() {
    let stub = Stub::default();
    let app = app_with_cors(&stub).await;
    let bad = get_path(&app, "/api/v1/slos/%FF").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.header("content-type"), Some("application/json"));
    let body: ErrorAnswer = serde_json::from_slice(&bad.body).unwrap();
    assert_eq!(body.error.code, "bad_request");
    let requests = [
        ("GET", "/api/v1/slos/%FF"),
        ("GET", "/api/v1/slos/availability"),
        ("GET", "/api/v1/slos/nope"),
        ("GET", "/nope"),
        ("POST", "/api/v1/slos"),
        ("GET", "/api/healthz"),
    ];
    for (method, path) in requests {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        let reply = send(&app, request).await;
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{method} {path}"
        );
        assert_eq!(
            reply.header("content-type"),
            Some("application/json"),
            "{method} {path}"
        );
        let _ = reply.json();
    }
    let reply = send(&app, preflight("https://rrrrrrr-777.github.io")).await;
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn no_answer_yet_is_503_json_without_upstream_details() {
    let stub = Stub::default();
    stub.set(Mode::Fail);
    let app = stub.app(15, 2.0, "").await;
    for path in ["/api/v1/slos/availability", "/api/v1/slos"] {
        let reply = get_path(&app, path).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(reply.header("retry-after"), Some("15"));
        let text = String::from_utf8_lossy(&reply.body);
        assert!(
            !text.contains(SECRET) && !text.contains("10.0.0.7") && !text.contains("127.0.0.1"),
            "{text}"
        );
        let body: ErrorAnswer = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body.error.code, "unavailable");
    }
}

#[tokio::test]
async fn malformed_upstream_data_is_an_error_not_a_panic() {
    let stub = Stub::default();
    stub.set(Mode::Garbage);
    let app = stub.app(15, 2.0, "").await;
    let reply = get_path(&app, "/api/v1/slos/availability").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    // The server is still there.
    assert_eq!(get_path(&app, "/api/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_slow_upstream_is_cut_off_by_the_timeout() {
    let stub = Stub::default();
    *stub.delay.lock().unwrap() = Duration::from_secs(30);
    stub.set(Mode::Slow);
    let app = stub.app(15, 0.5, "").await;
    let started = Instant::now();
    let reply = get_path(&app, "/api/v1/slos/availability").await;
    let elapsed = started.elapsed();
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert!(elapsed >= Duration::from_millis(450), "took {elapsed:?}");
}
