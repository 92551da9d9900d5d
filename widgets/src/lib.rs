//! Everything the generator and the browser must agree on: the wire contract
//! of the API, the pure logic of the panels, and the search tokenizer.
//!
//! Native builds use this crate as a plain library; on `wasm32` it also
//! carries the wasm-bindgen entry points that draw the panels.

// Items public in a private module say what the crate exports only
// when they are; `pub(crate)` says the rest.
#![warn(unreachable_pub)]

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub mod contract;
pub mod html;
pub mod language;
pub mod panel;
pub mod pods;
pub mod search;
pub mod severity;
pub mod slo;
pub mod timestamp;
