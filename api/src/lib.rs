//! The read-only HTTP API behind the live panels: SLO and workload status
//! by configured id, from the demo simulation or from Prometheus and
//! Kubernetes, cached and coalesced so an incident's crowd of browsers
//! costs the upstreams one read per id per TTL.
//!
//! [`router`] serves paths relative to its mount point; both `runbook api`
//! ([`app`]) and `runbook serve` mount it at `/api`:
//!
//! | path | answer |
//! | --- | --- |
//! | `/api/v1/slos` | `Answer<SloList>` |
//! | `/api/v1/slos/{id}` | `Answer<SloStatus>` |
//! | `/api/v1/workloads/{id}` | `Answer<WorkloadStatus>` |
//! | `/api/v1/alerts` | `Answer<AlertList>`: firing alerts, each with its page |
//! | `/api/healthz` | `Health`: the process is up (liveness) |
//! | `/api/readyz` | `Health`: backends built, with upstream read counts |
//!
//! Types are in `runbook_widgets::contract`. GET and HEAD only (405
//! otherwise); unknown paths and ids are 404; all bodies are JSON.
//!
//! The crate owns the live ids' configuration (`live`, shared with
//! runbook.yaml), the PromQL, the backends, the cache, the router and the
//! HTTP server both `runbook api` and `runbook serve` run on (`net`). The
//! Prometheus and Kubernetes backends are the `upstreams` feature: without
//! it nothing of an HTTP client, TLS or the Kubernetes client is compiled,
//! and only the demo backend exists.

// Items public in a private module say what the crate exports only
// when they are; `pub(crate)` says the rest.
#![warn(unreachable_pub)]

pub mod alerts;
pub mod assemble;
pub mod backend;
pub mod cache;
pub mod clock;
pub mod config;
pub mod error;
pub mod kubectl;
pub mod live;
pub mod net;
pub mod promql;
mod routes;
pub mod yaml_lines;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{HeaderValue, Method};
use axum::routing::get;
use axum::Router;
use indexmap::IndexMap;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::alerts::AlertPages;
use crate::live::{LiveConfig, SloConfig, WorkloadConfig};
#[cfg(feature = "upstreams")]
use backend::alertmanager::AlertmanagerBackend;
use backend::demo::{DemoAlerts, DemoBackend};
#[cfg(feature = "upstreams")]
use backend::kubernetes::KubernetesBackend;
#[cfg(feature = "upstreams")]
use backend::prometheus::PrometheusBackend;
use backend::{AlertBackend, SloBackend, UpstreamError, WorkloadBackend};
use cache::{CacheSettings, Slot};
use clock::Clock;
use config::{ApiConfig, BackendKind};

/// The backends a configuration names: SLOs, workloads, alerts (if any).
type Backends = (
    Arc<dyn SloBackend>,
    Arc<dyn WorkloadBackend>,
    Option<Arc<dyn AlertBackend>>,
);

/// Everything a request needs, cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct ApiState(Arc<Inner>);

struct Inner {
    slos: IndexMap<String, Entry<SloConfig>>,
    workloads: IndexMap<String, Entry<WorkloadConfig>>,
    slo_backend: Arc<dyn SloBackend>,
    workload_backend: Arc<dyn WorkloadBackend>,
    /// `None`: no alert source is configured, `/v1/alerts` is 404.
    alerts: Option<AlertsEntry>,
    cache: CacheSettings,
    cors: Vec<HeaderValue>,
    clock: Clock,
}

/// The alert source, the pages alerts lead to, and their one cache slot.
struct AlertsEntry {
    backend: Arc<dyn AlertBackend>,
    pages: Arc<AlertPages>,
    slot: Arc<Slot>,
}

/// A configured id: its definition and its cache slot.
struct Entry<C> {
    config: Arc<C>,
    slot: Arc<Slot>,
}

/// The parts of an [`ApiState`], for callers that bring their own backends.
pub struct ApiParts {
    pub slos: IndexMap<String, SloConfig>,
    pub workloads: IndexMap<String, WorkloadConfig>,
    pub slo_backend: Arc<dyn SloBackend>,
    pub workload_backend: Arc<dyn WorkloadBackend>,
    /// Where firing alerts come from; `None` turns `/v1/alerts` off.
    pub alert_backend: Option<Arc<dyn AlertBackend>>,
    /// Alert name → runbook page, given to each firing alert.
    pub alert_pages: AlertPages,
    pub cache: CacheSettings,
    /// Normalized origins (`https://example.github.io`) allowed by CORS.
    pub cors_origins: Vec<String>,
    pub clock: Clock,
}

/// Why the API could not start.
#[derive(Debug, thiserror::Error)]
pub enum ApiSetupError {
    #[error(transparent)]
    Config(#[from] config::ApiConfigError),
    #[error("cannot set up the {what} backend: {source}\n  fix: {hint}")]
    Backend {
        what: &'static str,
        source: UpstreamError,
        hint: &'static str,
    },
    #[error("cannot listen on {addr}: {source}\n  fix: pick a free port with --bind, e.g. --bind 127.0.0.1:8788")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
}

impl ApiState {
    pub fn new(parts: ApiParts) -> ApiState {
        fn entries<C>(kind: &str, configs: IndexMap<String, C>) -> IndexMap<String, Entry<C>> {
            configs
                .into_iter()
                .map(|(id, config)| {
                    let slot = Slot::new(format!("{kind}/{id}"));
                    let config = Arc::new(config);
                    (id, Entry { config, slot })
                })
                .collect()
        }
        let slos = entries("slos", parts.slos);
        let workloads = entries("workloads", parts.workloads);
        ApiState(Arc::new(Inner {
            slos,
            workloads,
            slo_backend: parts.slo_backend,
            workload_backend: parts.workload_backend,
            alerts: parts.alert_backend.map(|backend| AlertsEntry {
                backend,
                pages: Arc::new(parts.alert_pages),
                slot: Slot::new("alerts"),
            }),
            cache: parts.cache,
            cors: parts
                .cors_origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok())
                .collect(),
            clock: parts.clock,
        }))
    }

    /// The demo backend over a site's `live:` ids, its alerts leading to
    /// `pages`: what `runbook serve` mounts at `/api`. Same-origin only
    /// (no CORS).
    pub fn demo(live: &LiveConfig, pages: AlertPages) -> ApiState {
        ApiState::demo_at(live, pages, Clock::system())
    }

    /// The demo with a pinned clock: byte-stable answers for fixtures.
    pub fn demo_at(live: &LiveConfig, pages: AlertPages, clock: Clock) -> ApiState {
        ApiState::new(ApiParts {
            slos: live.slos.clone(),
            workloads: live.workloads.clone(),
            slo_backend: Arc::new(DemoBackend),
            workload_backend: Arc::new(DemoBackend),
            alert_backend: Some(Arc::new(DemoAlerts::new(
                live.workloads.values(),
                &live.slos,
            ))),
            alert_pages: pages,
            cache: CacheSettings::default(),
            cors_origins: Vec::new(),
            clock,
        })
    }

    /// Builds the backends a configuration names. Connecting to Kubernetes
    /// reads the kubeconfig or the in-cluster account, hence `async`.
    pub async fn connect(config: &ApiConfig, clock: Clock) -> Result<ApiState, ApiSetupError> {
        let cache = config.cache.settings();
        let alert_pages = match &config.alert_pages {
            Some(path) => alerts::load_pages(path)?,
            None => AlertPages::new(),
        };
        let demo_alerts = || -> Arc<dyn AlertBackend> {
            Arc::new(DemoAlerts::new(config.workloads.values(), &config.slos))
        };
        let (slo_backend, workload_backend, alert_backend): Backends = match config.backend {
            BackendKind::Demo => (
                Arc::new(DemoBackend),
                Arc::new(DemoBackend),
                Some(demo_alerts()),
            ),
            #[cfg(not(feature = "upstreams"))]
            BackendKind::Live => return Err(ApiSetupError::Backend {
                what: "live",
                source: UpstreamError::Transport(
                    "this runbook was built without the live backends".into(),
                ),
                hint:
                    "build runbook with its default features (`upstreams`), or use `backend: demo`",
            }),
            #[cfg(feature = "upstreams")]
            BackendKind::Live => {
                let slos: Arc<dyn SloBackend> = match &config.prometheus {
                    Some(p) => {
                        Arc::new(PrometheusBackend::new(p, cache.upstream_timeout).map_err(
                            |source| ApiSetupError::Backend {
                                what: "Prometheus",
                                source,
                                hint: "check `prometheus:` in the API configuration",
                            },
                        )?)
                    }
                    None => Arc::new(DemoBackend),
                };
                let workloads: Arc<dyn WorkloadBackend> = match &config.kubernetes {
                        Some(k) => Arc::new(
                            KubernetesBackend::connect(k, cache.upstream_timeout)
                                .await
                                .map_err(|source| ApiSetupError::Backend {
                                    what: "Kubernetes",
                                    source,
                                    hint: "check `kubernetes:` (kubeconfig, context) or run in a pod with a service account",
                                })?,
                        ),
                        None => Arc::new(DemoBackend),
                    };
                let alerts = match &config.alertmanager {
                    Some(a) => Some(Arc::new(
                        AlertmanagerBackend::new(a, cache.upstream_timeout).map_err(|source| {
                            ApiSetupError::Backend {
                                what: "Alertmanager",
                                source,
                                hint: "check `alertmanager:` in the API configuration",
                            }
                        })?,
                    ) as Arc<dyn AlertBackend>),
                    None => None,
                };
                (slos, workloads, alerts)
            }
        };
        Ok(ApiState::new(ApiParts {
            slos: config.slos.clone(),
            workloads: config.workloads.clone(),
            slo_backend,
            workload_backend,
            alert_backend,
            alert_pages,
            cache,
            cors_origins: config
                .cors
                .allowed_origins
                .iter()
                .filter_map(|o| config::normalize_origin(o))
                .collect(),
            clock,
        }))
    }

    fn cors_layer(&self) -> Option<CorsLayer> {
        if self.0.cors.is_empty() {
            return None;
        }
        Some(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(self.0.cors.iter().cloned()))
                .allow_methods([Method::GET, Method::HEAD])
                .max_age(std::time::Duration::from_secs(3600)),
        )
    }
}

/// The API's routes, relative to where it is mounted (see the module doc).
pub fn router(state: ApiState) -> Router {
    let cors = state.cors_layer();
    let not_allowed = routes::method_not_allowed;
    let router = Router::new()
        .route("/v1/slos", get(routes::slo_list).fallback(not_allowed))
        .route("/v1/slos/{id}", get(routes::slo).fallback(not_allowed))
        .route(
            "/v1/workloads/{id}",
            get(routes::workload).fallback(not_allowed),
        )
        .route("/v1/alerts", get(routes::alerts).fallback(not_allowed))
        .route("/healthz", get(routes::healthz).fallback(not_allowed))
        .route("/readyz", get(routes::readyz).fallback(not_allowed))
        .fallback(routes::not_found)
        .with_state(state.clone());
    let router = match cors {
        Some(cors) => router.layer(cors),
        None => router,
    };
    // Outermost, so CORS answers are sealed too.
    router.layer(axum::middleware::map_response_with_state(
        state,
        routes::seal,
    ))
}

/// The whole server of `runbook api`: [`router`] at `/api`, JSON 404
/// everywhere else.
pub fn app(state: ApiState) -> Router {
    let outside = state.clone();
    let sealed = state.clone();
    Router::new()
        .nest("/api", router(state))
        .fallback(move || routes::not_found(axum::extract::State(outside.clone())))
        .layer(axum::middleware::map_response_with_state(
            sealed,
            routes::seal,
        ))
}

/// Serves [`app`] on `bind` until Ctrl-C or SIGTERM, with the connection
/// limits of [`crate::net`].
pub async fn serve(state: ApiState, bind: SocketAddr) -> Result<(), ApiSetupError> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|source| ApiSetupError::Bind { addr: bind, source })?;
    let addr = listener.local_addr().unwrap_or(bind);
    tracing::info!(%addr, "runbook api listening");
    eprintln!("runbook api listening on http://{addr}/api/v1/slos");
    crate::net::serve(
        listener,
        app(state),
        crate::net::Limits::default(),
        crate::net::stop_signal(),
    )
    .await;
    Ok(())
}

/// rustls needs one process-wide crypto provider; ring is the one built in.
/// Idempotent: a provider already installed is kept.
#[cfg(feature = "upstreams")]
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Diagnostics on stderr, filtered by `RUNBOOK_LOG` (any tracing filter,
/// e.g. `debug`; warnings only when unset): for `runbook` and
/// `runbook-api` alike.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUNBOOK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Where `runbook api` listens without `--bind` or `bind:`.
pub const DEFAULT_BIND: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8787);

/// `runbook api --config FILE [--bind ADDR]`: loads and validates the
/// configuration, builds the backends, serves until Ctrl-C or SIGTERM.
pub fn run(config_path: &std::path::Path, bind: Option<SocketAddr>) -> Result<(), ApiSetupError> {
    let config = ApiConfig::load(config_path)?;
    let bind = bind.or(config.bind).unwrap_or(DEFAULT_BIND);
    let runtime = tokio::runtime::Runtime::new().map_err(ApiSetupError::Serve)?;
    runtime.block_on(async {
        let state = ApiState::connect(&config, Clock::system()).await?;
        serve(state, bind).await
    })
}
