//! Search entry points for the browser: a thin wrapper over
//! `search::Engine`. The JS glue (themes/default/static/search.js) does the
//! fetching; everything decided about a query is decided in Rust.
//!
//! Values cross the boundary as strings, numbers and `Uint32Array`s only
//! (no raw pointers, no serde-wasm-bindgen): results travel as JSON,
//! written with `search::json` (serde_json is not linked into this module:
//! it was a third of its size).

use wasm_bindgen::prelude::*;

use crate::search::format::{self, FORMAT};
use crate::search::json;
use crate::search::Engine;

/// The index format this module reads; the glue reports a mismatch.
#[wasm_bindgen(js_name = searchFormat)]
pub fn search_format() -> u32 {
    FORMAT
}

/// Where the index files are, from the site root: the glue asks rather
/// than spelling the layout a second time.
#[wasm_bindgen(js_name = searchManifestPath)]
pub fn search_manifest_path() -> String {
    format::manifest_path()
}

#[wasm_bindgen(js_name = searchChunkPath)]
pub fn search_chunk_path(id: u32) -> String {
    format::chunk_path(id as usize)
}

#[wasm_bindgen(js_name = searchRecordFilePath)]
pub fn search_record_file_path(id: u32) -> String {
    format::record_file_path(id)
}

/// The tokens of `text` as JSON `[[text, start, end], …]` (byte offsets):
/// lets tests prove the browser tokenises exactly like the indexer.
#[wasm_bindgen(js_name = searchTokens)]
pub fn search_tokens(text: &str) -> String {
    json::tokens(text)
}

/// The engine over one site's index: created from `search/manifest.json`,
/// fed the chunk and record files it asks for.
#[wasm_bindgen]
pub struct SearchIndex {
    engine: Engine,
}

#[wasm_bindgen]
impl SearchIndex {
    #[wasm_bindgen(constructor)]
    pub fn new(manifest: &str) -> Result<SearchIndex, JsError> {
        Ok(SearchIndex {
            engine: Engine::new(manifest).map_err(|e| JsError::new(&e.to_string()))?,
        })
    }

    pub fn stamp(&self) -> String {
        self.engine.stamp().to_string()
    }

    /// Chunk ids the query needs that are not loaded; empty when ready.
    #[wasm_bindgen(js_name = missingChunks)]
    pub fn missing_chunks(&self, query: &str) -> Vec<u32> {
        self.engine
            .missing_chunks(query)
            .into_iter()
            .map(|c| c as u32)
            .collect()
    }

    #[wasm_bindgen(js_name = addChunk)]
    pub fn add_chunk(&mut self, id: u32, json: &str) -> Result<(), JsError> {
        self.engine
            .add_chunk(id as usize, json)
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Page ids, best first.
    pub fn rank(&self, query: &str, limit: u32) -> Vec<u32> {
        self.engine
            .rank(query, limit as usize)
            .into_iter()
            .map(|h| h.page)
            .collect()
    }

    /// Page ids worth fetching records for, best first (`limit` and a
    /// few spares).
    pub fn candidates(&self, query: &str, limit: u32) -> Vec<u32> {
        self.engine.candidates(query, limit as usize)
    }

    /// The page ids to show, from `candidates`, over the records loaded;
    /// load `missingRecordFiles` of the answer and ask again until none is.
    pub fn arrange(&self, query: &str, candidates: &[u32], limit: u32) -> Vec<u32> {
        self.engine.arrange(query, candidates, limit as usize)
    }

    /// Record files holding the records of `pages` not loaded yet.
    #[wasm_bindgen(js_name = missingRecordFiles)]
    pub fn missing_record_files(&self, pages: &[u32]) -> Vec<u32> {
        self.engine.missing_record_files(pages)
    }

    #[wasm_bindgen(js_name = addRecordFile)]
    pub fn add_record_file(&mut self, id: u32, json: &str) -> Result<(), JsError> {
        self.engine
            .add_record_file(id, json)
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// `[{url, title, heading, excerpt}]` as JSON, for `pages` in order.
    pub fn results(&self, query: &str, pages: &[u32]) -> String {
        let mut out = String::from("[");
        for (i, result) in self.engine.results(query, pages).iter().enumerate() {
            out.push_str(if i == 0 { "{" } else { ",{" });
            let fields = [
                ("url", &result.url),
                ("title", &result.title),
                ("heading", &result.heading),
                ("excerpt", &result.excerpt),
            ];
            for (n, (name, value)) in fields.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                json::push_string(&mut out, name);
                out.push(':');
                json::push_string(&mut out, value);
            }
            out.push('}');
        }
        out.push(']');
        out
    }
}
