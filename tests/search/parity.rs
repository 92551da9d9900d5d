//! The browser tokenises like the indexer, on real text: every text the
//! indexer reads for content/ and for the 1,000-page benchmark corpus
//! (titles, headings and section texts as the records hold them, the
//! Markdown sources with their front matter, and every term of the
//! index) gives the same tokens, text and byte range, through the wasm
//! module in Chromium (NFKC from `String.prototype.normalize`) as
//! natively (NFKC from unicode-normalization). content/ is also fed
//! written in full-width letters (ＣＰＵ, what a Japanese input method
//! types): its own text has little that NFKC changes.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use runbook_widgets::search::format::{self, Chunk, Manifest, RecordFile};
use runbook_widgets::search::json;
use serde_json::{json, Value};

use crate::browser::{serve_folder, Browser};
use crate::suite::Site;

#[path = "../../bench/src/corpus.rs"]
#[allow(dead_code)]
mod corpus;

/// Texts per round trip to the browser: a few hundred KB of arguments.
const BATCH_BYTES: usize = 400_000;

/// FNV-1a over UTF-16 code units, the same in JS below: the browser sends
/// back one number per text instead of every token.
fn fnv(text: &str) -> u32 {
    text.encode_utf16().fold(0x811c_9dc5u32, |h, unit| {
        (h ^ u32::from(unit)).wrapping_mul(0x0100_0193)
    })
}

const HASH_TOKENS: &str = "
    const glue = await import(new URL('assets/runbook_search.js', window.runbook.searchRoot).href);
    await glue.default();
    const hash = (s) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
      return h;
    };
    return args[0].map((text) => args[1] ? glue.searchTokens(text) : hash(glue.searchTokens(text)));";

/// `text` with ASCII in full-width forms: ＣＰＵ　ｋｕｂｅｃｔｌ.
fn full_width(text: &str) -> String {
    text.chars()
        .map(|ch| match ch {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(ch as u32 - 0x21 + 0xFF01).unwrap_or(ch),
            ch => ch,
        })
        .collect()
}

/// Every text the index of `site` was made from, as far as the site and
/// the sources show it.
fn indexed_texts(site: &Site, sources: &Path) -> BTreeSet<String> {
    let mut texts = BTreeSet::new();
    let manifest: Manifest =
        format::parse("manifest", &site.read("search/manifest.json"), None).unwrap();
    for id in 0..manifest.record_files.len() {
        let path = format::record_file_path(id as u32);
        let file: RecordFile = format::parse(&path, &site.read(&path), None).unwrap();
        for record in file.records {
            texts.insert(record.title);
            for (_, heading, text) in record.sections {
                texts.insert(heading);
                texts.insert(text);
            }
        }
    }
    for id in 0..manifest.chunks.len() {
        let path = format::chunk_path(id);
        let chunk: Chunk = format::parse(&path, &site.read(&path), None).unwrap();
        texts.extend(chunk.terms.into_iter().map(|(term, _)| term));
    }
    for entry in walkdir::WalkDir::new(sources) {
        let entry = entry.unwrap();
        if entry
            .path()
            .extension()
            .is_some_and(|e| e == "md" || e == "yaml")
        {
            texts.insert(std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    texts
}

async fn run(browser: &Browser, texts: &[&String], raw: bool) -> Vec<Value> {
    let value = browser
        .client
        .execute(
            &format!("return (async (...args) => {{ {HASH_TOKENS} }})(...arguments);"),
            vec![json!(texts), json!(raw)],
        )
        .await
        .expect("tokenise in the browser");
    serde_json::from_value(value).expect("one answer per text")
}

/// Compares the browser's tokens of `texts` with the native ones; returns
/// how many texts were compared.
async fn compare(browser: &Browser, name: &str, texts: &BTreeSet<String>) -> usize {
    let texts: Vec<&String> = texts.iter().collect();
    let mut differ = Vec::new();
    let mut start = 0;
    while start < texts.len() {
        let mut end = start;
        let mut bytes = 0;
        while end < texts.len() && (end == start || bytes < BATCH_BYTES) {
            bytes += texts[end].len();
            end += 1;
        }
        let batch = &texts[start..end];
        let hashes = run(browser, batch, false).await;
        for (text, hash) in batch.iter().zip(hashes) {
            if hash.as_u64() != Some(u64::from(fnv(&json::tokens(text)))) {
                differ.push(*text);
            }
        }
        start = end;
    }
    if !differ.is_empty() {
        let shown: Vec<&String> = differ.iter().take(5).copied().collect();
        let in_browser = run(browser, &shown, true).await;
        let report: Vec<String> = shown
            .iter()
            .zip(in_browser)
            .map(|(text, tokens)| {
                format!(
                    "  text {text:?}\n    native  {}\n    browser {}",
                    json::tokens(text),
                    tokens.as_str().unwrap_or("?")
                )
            })
            .collect();
        panic!(
            "{name}: {} of {} texts tokenise differently in the browser:\n{}",
            differ.len(),
            texts.len(),
            report.join("\n")
        );
    }
    texts.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_indexed_text_tokenises_the_same_in_the_browser() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let site = Site::build();
    let mut texts = indexed_texts(&site, &content);
    let wide: Vec<String> = texts.iter().map(|t| full_width(t)).collect();
    let changed = wide.iter().filter(|w| !texts.contains(*w)).count();
    texts.extend(wide);

    let corpus_dir = tempfile::tempdir().unwrap();
    let pages = corpus::generate(1000, corpus::PAGES_PER_FOLDER);
    corpus::write_runbook(&pages, corpus_dir.path()).unwrap();
    let corpus_site = Site::build_from(corpus_dir.path());
    let corpus_texts = indexed_texts(&corpus_site, corpus_dir.path());
    drop(pages);

    let base = serve_folder(&site.out);
    let browser = Browser::start().await;
    browser.open(&format!("{base}/index.html")).await;
    browser
        .wait_for(
            "return !!(window.runbook && window.runbook.searchRoot)",
            Duration::from_secs(15),
        )
        .await;
    let compared = compare(&browser, "content/", &texts).await;
    let compared_corpus = compare(&browser, "1,000-page corpus", &corpus_texts).await;
    println!("same tokens: {compared} texts of content/, {compared_corpus} of the corpus");
    // Not a vacuous pass: thousands of texts, Japanese and ASCII both.
    assert!(compared > 1_000, "{compared}");
    assert!(compared_corpus > 10_000, "{compared_corpus}");
    // Text NFKC changes, so the browser's normalisation was asked, not
    // only the shortcuts.
    assert!(changed > 1_000, "{changed} full-width texts");
    browser.close().await;
}
