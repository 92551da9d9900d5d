//! The search code a reader downloads before the first result, as a
//! budget on the built assets: the search module and its wasm-bindgen
//! glue, gzipped the way a static host serves them, at most what
//! Pagefind's wasm and JS weigh (79 KiB). The search box's own script
//! (search.js, 3.7 KB) is printed beside it. A size test, not a timed one:
//! bench/search.sh measures every byte of real queries side by side.

use runbook::gzip::{gzip, HOST_LEVEL};

use crate::suite::Site;

/// Pagefind 1.x's wasm and JS, gzipped (the figure of the issue this
/// budget comes from).
const BUDGET: usize = 79 * 1024;

/// Gzip at the level static hosts and `gzip` use by default.
fn gzipped(bytes: &[u8]) -> usize {
    gzip(bytes, HOST_LEVEL).len()
}

#[test]
fn the_search_code_stays_within_pagefinds_bytes() {
    let site = Site::build();
    let mut total = 0;
    let mut sizes = Vec::new();
    let size_of = |name: &str| {
        let bytes = std::fs::read(site.out.join("assets").join(name))
            .unwrap_or_else(|e| panic!("assets/{name}: {e}"));
        gzipped(&bytes)
    };
    for name in ["runbook_search.js", "runbook_search_bg.wasm"] {
        let size = size_of(name);
        sizes.push(format!("{name} {size}"));
        total += size;
    }
    println!(
        "search module and glue: {total} bytes gzipped ({}); search.js {}",
        sizes.join(", "),
        size_of("search.js")
    );
    assert!(
        total <= BUDGET,
        "the search module and glue are {total} bytes gzipped, over the budget of {BUDGET}: {}.\n\
         Look for what grew with `twiggy top` on the module before raising it.",
        sizes.join(", ")
    );
    // The module is the one without the Unicode tables: the big ones
    // would put it over the budget alone, and this says why.
    let wasm = std::fs::read(site.out.join("assets/runbook_search_bg.wasm")).unwrap();
    assert!(wasm.len() < 200 * 1024, "{} bytes raw", wasm.len());
}
