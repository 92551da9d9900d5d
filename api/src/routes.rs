//! Request handlers: look the id up in the configuration, ask its cache
//! slot, and write the answer envelope around the cached JSON.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::future::join_all;
use runbook_widgets::contract::{AlertList, Health, IdHealth, CONTRACT_VERSION};
use runbook_widgets::timestamp::format_rfc3339;
use serde::Serialize;
use serde_json::value::RawValue;

use super::backend::{Fetch, SloBackend, UpstreamError, WorkloadBackend};
use super::cache::{CachedAnswer, Served, Slot};
use super::error::ApiError;
use super::{ApiState, Entry};
use crate::live::{SloConfig, WorkloadConfig};

/// `Answer<T>` of the contract, borrowing the cached data: serializing it
/// copies bytes instead of re-encoding the status.
#[derive(Serialize)]
struct AnswerOut<'a, T: Serialize + ?Sized> {
    version: u32,
    generated_at: String,
    stale: bool,
    age_seconds: u64,
    source: &'static str,
    demo: bool,
    data: &'a T,
}

/// `SloList` of the contract over cached entries.
#[derive(Serialize)]
struct SloListOut<'a> {
    slos: Vec<&'a RawValue>,
    unavailable: Vec<&'a str>,
}

pub(crate) async fn slo(State(state): State<ApiState>, Path(id): Path<String>) -> Response {
    let Some(entry) = state.0.slos.get(&id) else {
        return error(&state, ApiError::UnknownId { kind: "SLO", id });
    };
    let served = read_slo(&state, &id, entry).await;
    respond(&state, state.0.slo_backend.source(), served)
}

pub(crate) async fn workload(State(state): State<ApiState>, Path(id): Path<String>) -> Response {
    let Some(entry) = state.0.workloads.get(&id) else {
        return error(
            &state,
            ApiError::UnknownId {
                kind: "workload",
                id,
            },
        );
    };
    let served = read_workload(&state, &id, entry).await;
    respond(&state, state.0.workload_backend.source(), served)
}

/// Every SLO, each from its own slot. The envelope is as old and as stale
/// as its oldest member; ids without any answer are listed apart, and only
/// when none has one is the whole list unavailable.
pub(crate) async fn slo_list(State(state): State<ApiState>) -> Response {
    let reads = state
        .0
        .slos
        .iter()
        .map(|(id, entry)| read_slo(&state, id, entry));
    let served = join_all(reads).await;
    let now = Instant::now();
    let mut list = SloListOut {
        slos: Vec::new(),
        unavailable: Vec::new(),
    };
    let (mut stale, mut oldest, mut age, mut pending) = (false, None::<i64>, 0, false);
    for (id, served) in state.0.slos.keys().zip(&served) {
        let cached = match served {
            Served::Fresh(s) => s,
            Served::Stale(s) => {
                stale = true;
                s
            }
            Served::Unavailable => {
                list.unavailable.push(id);
                continue;
            }
            Served::Pending => {
                pending = true;
                list.unavailable.push(id);
                continue;
            }
        };
        list.slos.push(&cached.data);
        oldest = Some(oldest.map_or(cached.generated_unix, |o| o.min(cached.generated_unix)));
        age = age.max(cached.age(now).as_secs());
    }
    if list.slos.is_empty() && !list.unavailable.is_empty() {
        return match pending {
            true => error(&state, ApiError::Pending),
            false => unavailable(&state),
        };
    }
    let body = AnswerOut {
        version: CONTRACT_VERSION,
        generated_at: format_rfc3339(oldest.unwrap_or_else(|| state.0.clock.now())),
        stale,
        age_seconds: age,
        source: state.0.slo_backend.source(),
        demo: state.0.slo_backend.source() == "demo",
        data: &list,
    };
    json(&body, cache_control(&state, stale, age))
}

/// What is firing, each alert with its runbook page, through the one
/// alerts slot: one Alertmanager read per TTL, stale when it fails.
pub(crate) async fn alerts(State(state): State<ApiState>) -> Response {
    let Some(entry) = &state.0.alerts else {
        return error(&state, ApiError::NotFound);
    };
    let (backend, pages) = (entry.backend.clone(), entry.pages.clone());
    let served = read_through(&state, &entry.slot, move |now| async move {
        let alerts = crate::alerts::finish(backend.alerts(now).await?, &pages);
        Ok(AlertList { alerts })
    })
    .await;
    respond(&state, entry.backend.source(), served)
}

/// One id's answer as the client gets it: the cached answer (marked stale
/// when it is), or the error that says why there is none.
fn respond(state: &ApiState, source: &'static str, served: Served) -> Response {
    match served {
        Served::Fresh(s) => answer(state, source, &s, false),
        Served::Stale(s) => answer(state, source, &s, true),
        Served::Unavailable => unavailable(state),
        Served::Pending => error(state, ApiError::Pending),
    }
}

pub(crate) async fn healthz(State(state): State<ApiState>) -> Response {
    json(&health(&state, false), HeaderValue::from_static("no-store"))
}

/// Ready once the backends are built (which is before the server
/// listens). An upstream outage does not make the API unready: it still
/// serves stale answers, which beats no answer during an incident.
pub(crate) async fn readyz(State(state): State<ApiState>) -> Response {
    json(&health(&state, true), HeaderValue::from_static("no-store"))
}

pub(crate) async fn not_found(State(state): State<ApiState>) -> Response {
    error(&state, ApiError::NotFound)
}

pub(crate) async fn method_not_allowed(State(state): State<ApiState>) -> Response {
    error(&state, ApiError::MethodNotAllowed)
}

/// The last word on every answer: `nosniff`, and a refusal that is not
/// ours (an extractor's plain-text 400, say) becomes our JSON error with
/// its status, so no client ever sniffs or parses anything but JSON.
pub(crate) async fn seal(State(state): State<ApiState>, response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t == "application/json");
    let mut response = if is_json || !(status.is_client_error() || status.is_server_error()) {
        response
    } else {
        let refusal = match status {
            StatusCode::BAD_REQUEST => ApiError::BadRequest,
            StatusCode::NOT_FOUND => ApiError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            status => ApiError::Other { status },
        };
        error(&state, refusal)
    };
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

async fn read_slo(state: &ApiState, id: &str, entry: &Entry<SloConfig>) -> Served {
    let read = <dyn SloBackend>::slo;
    read_entry(state, id, entry, &state.0.slo_backend, read).await
}

async fn read_workload(state: &ApiState, id: &str, entry: &Entry<WorkloadConfig>) -> Served {
    let read = <dyn WorkloadBackend>::workload;
    read_entry(state, id, entry, &state.0.workload_backend, read).await
}

/// The backend call that answers for one configured id at a time.
type Read<B, C, T> = for<'a> fn(&'a B, &'a str, &'a C, i64) -> Fetch<'a, T>;

/// A configured id's answer from `backend`, read through the id's slot:
/// the call owns its copies of the backend, the id and its config, since
/// the slot may run it after this request is gone.
async fn read_entry<B, C, T>(
    state: &ApiState,
    id: &str,
    entry: &Entry<C>,
    backend: &Arc<B>,
    read: Read<B, C, T>,
) -> Served
where
    B: ?Sized + Send + Sync + 'static,
    C: Send + Sync + 'static,
    T: Serialize + 'static,
{
    let (backend, config, id) = (backend.clone(), entry.config.clone(), id.to_string());
    read_through(state, &entry.slot, move |now| async move {
        read(&backend, &id, &config, now).await
    })
    .await
}

/// An id's answer through its cache slot: `read` runs (at most once per
/// TTL, coalesced) with the clock's time, and its status is encoded once.
async fn read_through<T, F, Fut>(state: &ApiState, slot: &Arc<Slot>, read: F) -> Served
where
    F: FnOnce(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, UpstreamError>> + Send + 'static,
    T: Serialize,
{
    let clock = state.0.clock.clone();
    slot.get(state.0.cache, move || async move {
        let now = clock.now();
        let status = read(now).await?;
        cache_answer(&status, now)
    })
    .await
}

fn cache_answer<T: Serialize>(status: &T, now: i64) -> Result<CachedAnswer, UpstreamError> {
    let data = serde_json::value::to_raw_value(status)
        .map_err(|e| UpstreamError::Malformed(format!("cannot encode the answer: {e}")))?;
    Ok(CachedAnswer {
        data,
        generated_unix: now,
        fetched: Instant::now(),
    })
}

fn answer(state: &ApiState, source: &'static str, cached: &CachedAnswer, stale: bool) -> Response {
    let age = cached.age(Instant::now()).as_secs();
    let body = AnswerOut {
        version: CONTRACT_VERSION,
        generated_at: format_rfc3339(cached.generated_unix),
        stale,
        age_seconds: age,
        source,
        demo: source == "demo",
        data: &*cached.data,
    };
    json(&body, cache_control(state, stale, age))
}

/// Browsers and proxies may keep a fresh answer for the rest of its TTL;
/// a stale one must be asked for again.
fn cache_control(state: &ApiState, stale: bool, age: u64) -> HeaderValue {
    if stale {
        return HeaderValue::from_static("no-store");
    }
    let left = state.0.cache.ttl.as_secs().saturating_sub(age);
    HeaderValue::from_str(&format!("max-age={left}"))
        .unwrap_or(HeaderValue::from_static("no-store"))
}

fn json<T: Serialize>(body: &T, cache_control: HeaderValue) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            headers.insert(header::CACHE_CONTROL, cache_control);
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn error(state: &ApiState, error: ApiError) -> Response {
    error.into_response_at(state.0.clock.now())
}

fn unavailable(state: &ApiState) -> Response {
    let retry_after_seconds = state.0.cache.ttl.as_secs().max(1);
    error(
        state,
        ApiError::Unavailable {
            retry_after_seconds,
        },
    )
}

fn health(state: &ApiState, detailed: bool) -> Health {
    let now = Instant::now();
    let ids: Vec<IdHealth> = if detailed {
        let slots = state
            .0
            .slos
            .values()
            .map(|e| &e.slot)
            .chain(state.0.workloads.values().map(|e| &e.slot))
            .chain(state.0.alerts.iter().map(|e| &e.slot));
        slots
            .map(|slot| IdHealth {
                id: slot.label.clone(),
                upstream_reads: slot.stats.reads.load(Ordering::Relaxed),
                upstream_failures: slot.stats.failures.load(Ordering::Relaxed),
                age_seconds: slot.last_good().map(|s| s.age(now).as_secs()),
            })
            .collect()
    } else {
        Vec::new()
    };
    let sources = [
        state.0.slo_backend.source(),
        state.0.workload_backend.source(),
    ];
    Health {
        version: CONTRACT_VERSION,
        generated_at: format_rfc3339(state.0.clock.now()),
        stale: false,
        status: "ok".to_string(),
        source: if sources[0] == sources[1] {
            sources[0].to_string()
        } else {
            sources.join("+")
        },
        demo: sources.contains(&"demo"),
        upstream_reads: ids.iter().map(|i| i.upstream_reads).sum(),
        ids,
    }
}
