//! The read-only API end to end: a real Prometheus over backfilled data,
//! Kubernetes API JSON through kube-rs, the safety rules, golden answers
//! for the demo backend, and the `runbook api` command itself.

#[path = "../support/alertmanager.rs"]
mod alertmanager_support;
#[path = "../support/common.rs"]
mod common;
#[path = "../support/upstream.rs"]
mod upstream;

mod alertmanager;
mod cli;
mod connections;
mod golden;
mod kubernetes;
mod prometheus;
mod safety;
mod support;
