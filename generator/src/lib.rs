//! runbook: a static site generator for operations runbooks.
//!
//! The build is a list of stages (see `build`): `source` loads files,
//! `site` assembles pages, `render` turns Markdown into HTML, `nav` orders
//! pages, `theme`, `view` and `sidebar` lay them out, `output` writes and swaps.

pub mod api;
pub mod build;
pub mod config;
pub mod error;
pub mod front_matter;
pub mod git;
pub mod highlight;
pub mod i18n;
pub mod init;
pub mod nav;
pub mod output;
pub mod paths;
pub mod placeholder;
pub mod progress;
pub mod publish;
pub mod render;
pub mod review;
pub mod search;
pub mod serve;
pub mod severity;
pub mod sidebar;
pub mod site;
pub mod slug;
pub mod source;
pub mod theme;
pub mod view;
pub mod widgets_bundle;
