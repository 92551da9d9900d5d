//! Search on the real content (content/, the TekuToko API runbook): the
//! query suite of tests/search/queries.yaml natively and in headless
//! Chromium, native and browser results agreeing, the same tokens on both
//! sides, and the search box driven from the keyboard.

#[path = "../support/browser.rs"]
mod browser;
#[path = "../support/common.rs"]
mod common;
mod suite;

mod budget;
mod in_browser;
mod native;
mod parity;
