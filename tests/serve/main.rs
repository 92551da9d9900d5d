//! `runbook serve` end to end: the binary on a temp copy of a fixture site,
//! edited the way writers, editors and git do, watched over HTTP, over the
//! live-reload socket, and in a real headless Chromium.

#[path = "../support/browser.rs"]
mod browser;
#[path = "../support/common.rs"]
mod common;
mod harness;

mod cli;
mod content_folder;
mod edits;
mod errors;
mod in_browser;
mod network;
mod offline;
