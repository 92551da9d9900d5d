//! runbook: a static site generator for operations runbooks.
//!
//! The build is a list of stages (see `pipeline`): `source` loads files,
//! `site` assembles pages, `render` turns Markdown into HTML (and `nav`
//! orders the pages), `links` checks fragments, `layout` puts pages through
//! the theme (with `view` and `sidebar`; `nav_script` holds the whole tree
//! once for every page), `output` and `publish` write and
//! swap, `search` indexes.

// Items public in a private module say what the crate exports only
// when they are; `pub(crate)` says the rest.
#![warn(unreachable_pub)]

/// The read-only API (crate `runbook-api`): `runbook api` and the demo
/// that `runbook serve` mounts.
pub use runbook_api as api;
/// The HTTP server under `runbook serve` and `runbook api`.
pub use runbook_api::net;
/// Where a key is written in YAML (runbook.yaml, front matter).
pub use runbook_api::yaml_lines;

pub mod board;
pub mod config;
pub mod error;
pub mod front_matter;
pub mod git;
pub mod gzip;
pub mod highlight;
pub mod init;
pub mod layout;
pub mod links;
pub mod nav;
pub mod nav_script;
pub mod offline;
pub mod output;
pub mod page_list;
pub mod paths;
pub mod pipeline;
pub mod placeholder;
pub mod plural;
pub mod print;
pub mod progress;
pub mod publish;
pub mod render;
pub mod review;
pub mod rules;
pub mod search;
pub mod serve;
pub mod severity;
pub mod sidebar;
pub mod site;
pub mod slug;
pub mod source;
#[cfg(test)]
mod testing;
pub mod theme;
pub mod timing;
pub mod view;
pub mod widgets_bundle;
pub mod words_script;
