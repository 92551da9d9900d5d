//! runbook: a static site generator for operations runbooks.
//!
//! The build is a list of stages (see `pipeline`): `source` loads files,
//! `site` assembles pages, `render` turns Markdown into HTML (and `nav`
//! orders the pages), `links` checks fragments, `layout` puts pages through
//! the theme (with `view` and `sidebar`; `nav_script` holds the whole tree
//! once for every page), `output` and `publish` write and
//! swap, `search` indexes.

pub mod api;
pub mod config;
pub mod error;
pub mod front_matter;
pub mod git;
pub mod highlight;
pub mod i18n;
pub mod layout;
pub mod links;
pub mod nav;
pub mod nav_script;
pub mod net;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod placeholder;
pub mod progress;
pub mod publish;
pub mod render;
pub mod search;
pub mod serve;
pub mod sidebar;
pub mod site;
pub mod slug;
pub mod source;
pub mod theme;
pub mod timing;
pub mod view;
pub mod widgets_bundle;
pub mod yaml_lines;
