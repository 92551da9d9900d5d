//! Where answers come from: the demo simulation, Prometheus for SLOs, the
//! Kubernetes API for workloads and Alertmanager for firing alerts, behind
//! three small traits.
//!
//! A backend only ever receives a definition from the configuration, never
//! anything a client sent, and returns contract types ready to serialize.

#[cfg(feature = "upstreams")]
pub mod alertmanager;
pub mod demo;
#[cfg(feature = "upstreams")]
mod http;
#[cfg(feature = "upstreams")]
pub mod kubernetes;
#[cfg(feature = "upstreams")]
pub mod prometheus;

use std::future::Future;
use std::pin::Pin;

use runbook_widgets::contract::{FiringAlert, SloStatus, WorkloadStatus};

use crate::live::{SloConfig, WorkloadConfig};

/// A boxed future, so backends can be chosen at start-up (`dyn`).
pub type Fetch<'a, T> = Pin<Box<dyn Future<Output = Result<T, UpstreamError>> + Send + 'a>>;

/// Reads SLO figures. `now` is the evaluation instant in Unix seconds.
pub trait SloBackend: Send + Sync + 'static {
    fn slo<'a>(&'a self, id: &'a str, slo: &'a SloConfig, now: i64) -> Fetch<'a, SloStatus>;
    /// `demo`, `prometheus`, ...: written in every answer as `source`.
    fn source(&self) -> &'static str;
}

/// Reads one workload: its Deployment, autoscaler and pods.
pub trait WorkloadBackend: Send + Sync + 'static {
    fn workload<'a>(
        &'a self,
        id: &'a str,
        workload: &'a WorkloadConfig,
        now: i64,
    ) -> Fetch<'a, WorkloadStatus>;
    fn source(&self) -> &'static str;
}

/// Reads what is firing now, unordered and without pages (the API adds
/// both, `crate::alerts`).
pub trait AlertBackend: Send + Sync + 'static {
    fn alerts(&self, now: i64) -> Fetch<'_, Vec<FiringAlert>>;
    fn source(&self) -> &'static str;
}

/// Why an upstream read failed. Logged on the server, never sent to clients.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("upstream did not answer within {seconds:.1} s")]
    Timeout { seconds: f64 },
    #[error("upstream answered HTTP {status}")]
    Status { status: u16 },
    #[error("could not reach upstream: {0}")]
    Transport(String),
    #[error("upstream sent data this API cannot read: {0}")]
    Malformed(String),
    #[error("Prometheus rejected the query ({error_type}): {message}")]
    Query { error_type: String, message: String },
    #[error("Kubernetes API: {0}")]
    Kubernetes(String),
    #[error("reading {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}
