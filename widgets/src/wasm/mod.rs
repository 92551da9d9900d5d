//! The wasm-bindgen entry points: the only code that touches the DOM.
//! Everything it shows is decided by the plain-Rust modules it calls
//! (`crate::panel`), so this layer stays thin and the logic stays
//! testable natively.
//!
//! One module for the whole site: panels and search share this crate's
//! wasm file and its JS glue (`assets/runbook_widgets.js`).

pub mod dom;
pub mod panels;
pub mod search;

use wasm_bindgen::prelude::*;

/// The crate version the module was built from; the loaders compare it
/// with the page's so a stale cached module is noticed.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
