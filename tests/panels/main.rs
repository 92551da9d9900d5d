//! The live panels end to end in a real headless Chromium: the demo
//! backend through `runbook serve`, `runbook api` over Kubernetes API JSON
//! (and what the page does when that API goes away), firing alerts from
//! the demo and from a real Alertmanager, and hostile answers
//! from a fake API that must stay text.

#[path = "../support/alertmanager.rs"]
mod alertmanager_support;
#[path = "../support/browser.rs"]
mod browser;
#[path = "../support/common.rs"]
mod common;
mod support;
#[path = "../support/upstream.rs"]
mod upstream;

mod alerts;
mod bundle;
mod demo;
mod hostile;
mod kubernetes;
