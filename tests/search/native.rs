//! The query suite natively: the index files `runbook build` wrote, read
//! by the same engine the browser runs as wasm.

use runbook_widgets::search::format::{self, Manifest};

use crate::suite::{assert_recall, cases, read_text, score, Site, TOP};

#[test]
fn query_suite_natively() {
    let site = Site::build();
    let cases = cases();
    let mut search = site.engine();
    let results = search.top_urls(&cases);
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

/// Page records are grouped into files: short pages share one, the file
/// count stays bounded, and a result anywhere (the first page of a file,
/// one in the middle, the last page of the site) shows its own page's
/// title, heading and text from one record fetch.
#[test]
fn grouped_page_records_give_each_result_its_own_page() {
    let pages = 2_500u32;
    let content = tempfile::tempdir().unwrap();
    std::fs::write(content.path().join("runbook.yaml"), "title: Large\n").unwrap();
    // A word unique to each page, of letters only: digits would be a
    // separate token.
    let word = |i: u32| -> String {
        let digits = format!("{i:04}");
        let letters: String = digits
            .chars()
            .map(|d| (b'k' + d as u8 - b'0') as char)
            .collect();
        format!("zeta{letters}")
    };
    for i in 0..pages {
        let page = format!(
            "# ページ {i}\n\n概要の段落。\n\n## 手順 {i}\n\n`kubectl describe` で {} を確認する。\n",
            word(i)
        );
        std::fs::write(content.path().join(format!("p{i:04}.md")), page).unwrap();
    }
    let site = Site::build_from(content.path());
    let manifest: Manifest =
        format::parse("manifest", &site.read("search/manifest.json"), None).unwrap();
    let record_files = std::fs::read_dir(site.out.join("search/p"))
        .unwrap()
        .count();
    assert_eq!(record_files, manifest.record_files.len());
    assert_eq!(manifest.record_files.iter().sum::<u32>(), manifest.pages);
    // Pages of ~150 bytes of text: many to a file.
    assert!(
        record_files * 20 < pages as usize,
        "{record_files} record files"
    );

    let mut starts = vec![0u32];
    for count in &manifest.record_files {
        starts.push(starts.last().unwrap() + count);
    }
    // Content pages come in file-name order, after the index page the
    // build adds when content has none. Probe the last page of a file,
    // the first of the next, one in its middle, and the site's last page.
    let added = manifest.pages - pages;
    let probes = [starts[3] - 1, starts[3], starts[3] + 2, manifest.pages - 1];
    for i in probes.map(|id| id - added) {
        let mut search = site.engine();
        let results = search.search(&word(i), 1);
        let result = results
            .first()
            .unwrap_or_else(|| panic!("{}: no result", word(i)));
        assert_eq!(
            result.title,
            format!("ページ {i}"),
            "{}: {result:?}",
            word(i)
        );
        assert_eq!(result.heading, format!("手順 {i}"));
        assert!(
            result
                .excerpt
                .contains(&format!("<mark>{}</mark>", word(i))),
            "{result:?}"
        );
        assert!(
            result.url.starts_with(&format!("p{i:04}.html#")),
            "{result:?}"
        );
        let record_fetches = search
            .fetched
            .iter()
            .filter(|f| f.starts_with("search/p/"))
            .count();
        assert_eq!(record_fetches, 1, "{:?}", search.fetched);
    }
}

/// The engine reads the index files with its own small JSON reader
/// (`search::json`, what keeps serde_json out of the wasm module); the
/// generator writes them with serde. Every file of content/'s index reads
/// the same both ways.
#[test]
fn the_index_reads_the_same_with_serde() {
    use runbook_widgets::search::format::{Chunk, RecordFile};

    let site = Site::build();
    let mut files = 0;
    let manifest_json = site.read("search/manifest.json");
    let manifest: Manifest = format::parse("manifest", &manifest_json, None).unwrap();
    assert_eq!(
        manifest,
        serde_json::from_str::<Manifest>(&manifest_json).unwrap()
    );
    for (folder, is_chunk) in [("search/t", true), ("search/p", false)] {
        for entry in std::fs::read_dir(site.out.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let json = read_text(&path);
            let name = path.display().to_string();
            if is_chunk {
                let ours: Chunk = format::parse(&name, &json, Some(&manifest.stamp)).unwrap();
                assert_eq!(
                    ours,
                    serde_json::from_str::<Chunk>(&json).unwrap(),
                    "{name}"
                );
            } else {
                let ours: RecordFile = format::parse(&name, &json, Some(&manifest.stamp)).unwrap();
                assert_eq!(
                    ours,
                    serde_json::from_str::<RecordFile>(&json).unwrap(),
                    "{name}"
                );
            }
            files += 1;
        }
    }
    assert!(files > 3, "{files} files");
}

/// Queries in the reader's words (tests/search/colloquial.yaml: colloquial
/// Japanese, katakana and English for what content/ writes otherwise):
/// found through the synonym table, and far fewer without it.
#[test]
fn colloquial_suite() {
    use runbook_widgets::search::synonyms::Synonyms;

    let site = Site::build();
    let cases = crate::suite::cases_of("colloquial.yaml");
    let run = |synonyms: Option<Synonyms>| {
        let mut search = site.engine();
        if let Some(synonyms) = synonyms {
            search.engine.set_synonyms(synonyms);
        }
        let results = search.top_urls(&cases);
        score(&cases, &results)
    };
    let before = run(Some(Synonyms::default()));
    println!(
        "without synonyms: recall@{TOP} = {:.3} ({}/{})",
        before.recall(),
        before.found,
        before.expected
    );
    let after = run(None);
    println!(
        "with synonyms: recall@{TOP} = {:.3} ({}/{})\n{}",
        after.recall(),
        after.found,
        after.expected,
        after.failures.join("\n")
    );
    // 35 of 37 when written: データベースにつながらない (two forms in one
    // unspaced run, each leaving the other required) and 元に戻す デプロイ
    // are still missed.
    assert!(
        after.recall() >= 0.94,
        "colloquial recall@{TOP} {:.3} < 0.94; misses:\n{}",
        after.recall(),
        after.failures.join("\n")
    );
    assert!(after.found > before.found);
}
