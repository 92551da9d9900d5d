//! The live panels end to end in a real headless Chromium: the demo
//! backend through `runbook serve`, `runbook api` over Kubernetes API JSON
//! (and what the page does when that API goes away), and hostile answers
//! from a fake API that must stay text.

#[path = "../support/browser.rs"]
mod browser;
#[path = "../support/common.rs"]
mod common;
mod support;

mod bundle;
mod demo;
mod hostile;
mod kubernetes;
