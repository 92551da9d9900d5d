//! The wasm-bindgen entry points: the only code that touches the DOM.
//! Everything it shows is decided by the plain-Rust modules it calls
//! (`crate::panel`), so this layer stays thin and the logic stays
//! testable natively.
//!
//! Two modules are built from these entry points, one per cargo feature
//! (generator/build/wasm.rs): `wasm-panels` → `assets/runbook_panels.js`,
//! loaded by pages with a panel, and `wasm-search` →
//! `assets/runbook_search.js`, loaded on the first query. Keeping search
//! out of the panels' module keeps its Unicode tables off pages that only
//! show status.

#[cfg(feature = "wasm-panels")]
pub mod dom;
#[cfg(feature = "wasm-panels")]
pub mod panels;
#[cfg(feature = "wasm-search")]
pub mod search;

use wasm_bindgen::prelude::*;

/// The crate version the module was built from; the loaders compare it
/// with the page's so a stale cached module is noticed.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
