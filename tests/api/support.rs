//! Shared helpers: in-process requests, free ports, a counting Prometheus
//! stub whose behaviour a test switches at will.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use runbook::api::clock::Clock;
use runbook::api::config::ApiConfig;
use runbook::api::ApiState;
use runbook_widgets::contract::{decode, Answer};
use serde::de::DeserializeOwned;
use tower::ServiceExt;

pub use crate::common::{serve_router, workspace};

/// A response as the tests look at it.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The answer of a 200 reply, decoded through the contract (its
    /// version checked first); panics showing the body otherwise.
    #[track_caller]
    pub fn answer<T: DeserializeOwned + Default>(&self) -> Answer<T> {
        let text = String::from_utf8_lossy(&self.body);
        assert_eq!(self.status, StatusCode::OK, "{text}");
        decode(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .unwrap()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get_path(app: &Router, path: &str) -> Reply {
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}

/// Parses an API configuration written inline in a test.
pub fn config(text: &str) -> ApiConfig {
    ApiConfig::parse(text, Path::new("api.yaml")).unwrap_or_else(|e| panic!("{e}"))
}

pub async fn app(text: &str, clock: Clock) -> Router {
    let state = ApiState::connect(&config(text), clock).await.unwrap();
    runbook::api::app(state)
}

/// What the stub does on the next query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    Ok = 0,
    /// HTTP 500 with a body naming a secret that must never reach a client.
    Fail = 1,
    /// HTTP 200 with a value that is not a number.
    Garbage = 2,
    /// Answers after [`Stub::delay`].
    Slow = 3,
}

pub const SECRET: &str = "password=hunter2 at 10.0.0.7";

/// A Prometheus HTTP API stand-in that counts its instant queries (one per
/// SLO refresh) and records every query string it receives.
#[derive(Clone, Default)]
pub struct Stub {
    instant_calls: Arc<AtomicUsize>,
    range_calls: Arc<AtomicUsize>,
    pub queries: Arc<Mutex<Vec<String>>>,
    mode: Arc<AtomicU8>,
    pub delay: Arc<Mutex<Duration>>,
}

impl Stub {
    /// Instant queries so far: one per SLO read from the upstream.
    pub fn instant_reads(&self) -> usize {
        self.instant_calls.load(Ordering::SeqCst)
    }

    /// Range queries so far: one per SLO series read.
    pub fn range_reads(&self) -> usize {
        self.range_calls.load(Ordering::SeqCst)
    }

    pub fn set(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
    }

    fn mode(&self) -> Mode {
        match self.mode.load(Ordering::SeqCst) {
            1 => Mode::Fail,
            2 => Mode::Garbage,
            3 => Mode::Slow,
            _ => Mode::Ok,
        }
    }

    /// Starts the stub and returns the API app reading it, with a cache
    /// TTL, an upstream timeout and extra config lines.
    pub async fn app(&self, ttl: u64, timeout: f64, extra: &str) -> Router {
        let addr = self.start().await;
        app(&stub_config(addr, ttl, timeout, extra), Clock::system()).await
    }

    pub async fn start(&self) -> SocketAddr {
        let router = Router::new()
            .route("/api/v1/query", get(instant))
            .route("/api/v1/query_range", get(range))
            .with_state(self.clone());
        serve_router(router).await
    }

    async fn behave(&self) -> Option<axum::response::Response> {
        match self.mode() {
            Mode::Ok => None,
            Mode::Fail => Some(
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("upstream exploded: {SECRET}"),
                )
                    .into_response(),
            ),
            Mode::Garbage => Some(
                r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"runbook_series":"5m:total"},"value":[1,"lots"]}]}}"#
                    .into_response(),
            ),
            Mode::Slow => {
                let delay = *self.delay.lock().unwrap();
                tokio::time::sleep(delay).await;
                None
            }
        }
    }
}

type Params = Query<std::collections::HashMap<String, String>>;

impl Stub {
    /// Counts a call on `calls`, keeps its query, and plays what the test
    /// set the upstream to do (fail, hang, be slow), if anything.
    async fn take_call(
        &self,
        calls: &std::sync::atomic::AtomicUsize,
        params: &std::collections::HashMap<String, String>,
    ) -> Option<axum::response::Response> {
        calls.fetch_add(1, Ordering::SeqCst);
        self.queries
            .lock()
            .unwrap()
            .push(params.get("query").cloned().unwrap_or_default());
        self.behave().await
    }
}

async fn instant(State(stub): State<Stub>, Query(params): Params) -> axum::response::Response {
    if let Some(response) = stub.take_call(&stub.instant_calls, &params).await {
        return response;
    }
    // 1 bad event in 1000 in every window.
    let mut result = Vec::new();
    for window in ["window", "5m", "30m", "1h", "6h", "3d"] {
        result.push(serde_json::json!({"metric": {"runbook_series": format!("{window}:num")}, "value": [1, "1"]}));
        result.push(serde_json::json!({"metric": {"runbook_series": format!("{window}:total")}, "value": [1, "1000"]}));
    }
    axum::Json(serde_json::json!({"status": "success", "data": {"resultType": "vector", "result": result}}))
        .into_response()
}

async fn range(State(stub): State<Stub>, Query(params): Params) -> axum::response::Response {
    if let Some(response) = stub.take_call(&stub.range_calls, &params).await {
        return response;
    }
    let end: i64 = params.get("end").and_then(|v| v.parse().ok()).unwrap_or(0);
    let values: Vec<_> = (0..48)
        .map(|k| serde_json::json!([end - 1800 * (47 - k), "0.999"]))
        .collect();
    axum::Json(serde_json::json!({"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": values}]}}))
        .into_response()
}

/// An API configuration for the stub: one SLO, short TTL and timeout.
pub fn stub_config(addr: SocketAddr, ttl: u64, timeout: f64, extra: &str) -> String {
    format!(
        r#"backend: live
prometheus:
  url: http://{addr}
cache:
  ttl_seconds: {ttl}
  upstream_timeout_seconds: {timeout}
slos:
  availability:
    title: Availability
    objective: 0.999
    indicator:
      bad: http_requests_total{{code=~"5.."}}
      total: http_requests_total
{extra}"#
    )
}
