//! The query suite natively: the index files `runbook build` wrote, read
//! by the same engine the browser runs as wasm.

use crate::suite::{assert_recall, cases, score, Site, TOP};

#[test]
fn query_suite_natively() {
    let site = Site::build();
    let cases = cases();
    let mut search = site.engine();
    let results: Vec<Vec<String>> = cases
        .iter()
        .map(|case| {
            search
                .search(&case.query, TOP)
                .into_iter()
                .map(|r| r.url)
                .collect()
        })
        .collect();
    let report = score(&cases, &results);
    assert_recall("native", &report);
}

/// A query on a fresh engine downloads only the manifest's neighbours it
/// needs: never every chunk of the index.
#[test]
fn a_query_fetches_only_what_it_needs() {
    let site = Site::build();
    let chunks = std::fs::read_dir(site.out.join("search/t"))
        .unwrap()
        .count();
    for query in ["接続", "rollbak", "ロールバ", "pg_stat_activity"] {
        let mut search = site.engine();
        let results = search.search(query, TOP);
        assert!(!results.is_empty(), "{query}: no results");
        let fetched_chunks = search
            .fetched
            .iter()
            .filter(|f| f.starts_with("search/t/"))
            .count();
        assert!(
            fetched_chunks < chunks,
            "{query}: fetched {fetched_chunks} of {chunks} chunks: {:?}",
            search.fetched
        );
        let pages = search
            .fetched
            .iter()
            .filter(|f| f.starts_with("search/p/"))
            .count();
        assert!(pages <= TOP, "{query}: fetched {pages} page records");
    }
}

/// Results carry what the API promises: a url with the section's anchor
/// relative to the root, the title, the heading, marked words.
#[test]
fn results_link_to_the_matching_section() {
    let site = Site::build();
    let mut search = site.engine();
    let results = search.search("pg_stat_activity", TOP);
    assert_eq!(results.len(), TOP, "{results:?}");
    for result in &results {
        let (file, anchor) = result
            .url
            .split_once('#')
            .unwrap_or_else(|| panic!("no anchor: {result:?}"));
        assert!(
            !file.starts_with('/') && file.ends_with(".html"),
            "{result:?}"
        );
        assert!(!result.heading.is_empty(), "{result:?}");
        // The identifier as written is marked, not a word that merely
        // starts like one of its parts (`state` for `stat`).
        assert!(
            result.excerpt.contains("<mark>pg_stat_activity</mark>"),
            "{result:?}"
        );
        assert!(!result.excerpt.contains("<mark>state"), "{result:?}");
        // The anchor is a heading of that page, and the title its title.
        let html = site.read(file);
        assert!(
            html.contains(&format!("id=\"{anchor}\"")),
            "{file} has no heading with id {anchor:?}"
        );
        assert!(html.contains(&result.title), "{result:?}");
    }
    assert!(results
        .iter()
        .any(|r| r.url.starts_with("DB_CONNECTION_ERROR.html#") && r.title == "DB接続エラー対応"));

    // A full-width query marks the words as written in the page.
    let results = search.search("ﾛｰﾙﾊﾞｯｸ", TOP);
    assert!(results[0].url.starts_with("ROLLBACK.html"), "{results:?}");
    assert!(
        results[0].excerpt.contains("<mark>ロールバック</mark>")
            || results[0].excerpt.contains("<mark>ロー"),
        "{:?}",
        results[0].excerpt
    );
}
