//! End-to-end tests: the `runbook` binary on fixture sites, good and bad,
//! and the built site in a real browser.

#[path = "../support/browser.rs"]
mod browser;
#[path = "../support/common.rs"]
mod common;
mod site;

mod bad_input;
mod build;
mod content;
mod in_browser;
mod migrated;
mod offline;
mod print;
mod reader;
mod rules;
mod safety;
mod sidebar;
mod size;
