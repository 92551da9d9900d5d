//! Search: the one implementation of normalising, tokenising and querying,
//! used by the indexer in `runbook build` (natively) and by the search box
//! (compiled to WebAssembly). Plain Rust with no dependency beyond serde
//! and unicode-normalization, so both sides are the same code; only NFKC
//! itself is the browser's in the wasm module (`nfkc`).
//!
//! `normalize` → `tokenize` → (indexer: generator/src/search) → `format`
//! files → `engine` (`query`, `lookup`, `rank`, `excerpt`).

pub mod engine;
pub mod excerpt;
pub mod format;
pub mod json;
pub mod lookup;
mod nfkc;
pub mod normalize;
pub mod query;
pub mod rank;
pub mod synonyms;
pub mod tokenize;

#[cfg(test)]
mod properties;

pub use engine::{Engine, SearchError, SearchResult};
pub use normalize::normalize;
pub use tokenize::{scan, tokenize, Kind, Scanner, Token, TokenRef};
