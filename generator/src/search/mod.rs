//! The search index stage: rendered pages in, the files of `search/` out
//! (format: `runbook_widgets::search::format`). Tokenising is the widgets
//! crate's, so the index holds exactly the terms the browser asks for.
//!
//! Each file goes to the sink as soon as it is serialised and gzipped: a
//! 10,000-page site's index is 84 MB of JSON, which need never be in
//! memory at once, and 12 MB gzipped on disk, which is what keeps such a
//! site within GitHub Pages' size limit. (The browser unpacks the files
//! with its own `DecompressionStream`; see themes/default/static/search.js.)

mod chunks;
mod collect;
mod records;
mod terms;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use runbook_widgets::search::format::{self, Fnv, Manifest, FORMAT};

use crate::error::BuildError;
use crate::gzip;
use crate::output::Sink;
use crate::render::{Rendered, RenderedPage};

/// Pages tokenised at a time. Each page's term map is merged into the
/// dictionary and dropped before the next batch: holding every page's map
/// at once was most of a 10,000-page build's memory.
const BATCH: usize = 256;

/// Every page tokenised: the dictionary and the stamp.
struct Collected {
    dictionary: chunks::Dictionary,
    /// A hash of everything indexed and of the format: two builds of the
    /// same content share it, any change gives a new one.
    stamp: String,
    /// Time spent merging pages into the dictionary (one thread's work).
    merging: Duration,
}

/// Tokenises the pages a batch at a time, merging each batch while the
/// next one is tokenised: the merge is one thread's work, and at 10,000
/// pages it is 0.3-0.4 s.
fn collect_pages(rendered: &Rendered, records: &[collect::Record]) -> Collected {
    let mut dictionary = chunks::Dictionary::default();
    let mut stamp = Fnv::default();
    stamp.write(&FORMAT.to_le_bytes());
    stamp.write(env!("CARGO_PKG_VERSION").as_bytes());
    let mut merging = Duration::ZERO;
    let mut merge = |collected: Vec<collect::PageTerms>| {
        let started = Instant::now();
        for page in collected {
            stamp.write(&page.digest.to_le_bytes());
            dictionary.add(page.terms, page.len);
        }
        merging += started.elapsed();
    };
    let pages: Vec<(&RenderedPage, &collect::Record)> =
        rendered.pages.iter().zip(records).collect();
    let mut pending: Option<Vec<collect::PageTerms>> = None;
    for batch in pages.chunks(BATCH) {
        let (collected, ()) = rayon::join(
            || {
                batch
                    .par_iter()
                    .map(|(page, record)| collect::collect(page, record))
                    .collect::<Vec<_>>()
            },
            || {
                if let Some(done) = pending.take() {
                    merge(done);
                }
            },
        );
        pending = Some(collected);
    }
    if let Some(done) = pending {
        merge(done);
    }
    Collected {
        dictionary,
        stamp: format!("{:016x}", stamp.0),
        merging,
    }
}

/// Builds the index and writes its files into `sink`, gzipped at `level`.
pub fn index(rendered: &Rendered, sink: &dyn Sink, level: u32) -> Result<(), BuildError> {
    let started = Instant::now();
    // Records borrow the rendered text: building them all is cheap. The
    // stamp hashes them, and they are written grouped into files.
    let records: Vec<collect::Record> = rendered.pages.par_iter().map(collect::record).collect();
    let Collected {
        dictionary,
        stamp,
        merging,
    } = collect_pages(rendered, &records);
    let collected = started.elapsed();

    let (firsts, chunk_files) = chunks::split(dictionary.postings(), &stamp);
    let dictionary_done = started.elapsed();

    let (chunks, pages) = (chunk_files.len(), rendered.pages.len());
    let bytes = AtomicUsize::new(0);
    let write = |path: &str, json: Vec<u8>| {
        bytes.fetch_add(json.len(), Ordering::Relaxed);
        sink.write(path, &json)
    };
    let sizes: Vec<usize> = records.iter().map(collect::Record::text_len).collect();
    let record_files = records::group(&sizes);
    let manifest = Manifest {
        format: FORMAT,
        stamp: stamp.clone(),
        pages: pages as u32,
        record_files: record_files.iter().map(|r| r.len() as u32).collect(),
        chunks: firsts,
        synonyms: rendered.config.search.synonyms.clone(),
    };
    // The manifest stays plain: it is small and read first, and a person
    // checking a deploy can open it.
    write(&format::manifest_path(), to_json(&manifest))?;
    chunk_files
        .into_par_iter()
        .enumerate()
        .try_for_each(|(i, chunk)| {
            write(&format::chunk_path(i), gzip::gzip(&to_json(&chunk), level))
        })?;
    record_files
        .par_iter()
        .enumerate()
        .try_for_each(|(n, range)| {
            let file = collect::RecordFile::new(&stamp, &records[range.clone()]);
            write(
                &format::record_file_path(n as u32),
                gzip::gzip(&to_json(&file), level),
            )
        })?;
    // `RUNBOOK_LOG=runbook::search=debug`: the stage's cost on its own
    // (bench/search.sh reads it).
    tracing::debug!(
        pages,
        chunks,
        record_files = record_files.len(),
        bytes = bytes.load(Ordering::Relaxed),
        collect_ms = collected.as_secs_f64() * 1000.0,
        merge_ms = merging.as_secs_f64() * 1000.0,
        dictionary_ms = (dictionary_done - collected).as_secs_f64() * 1000.0,
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "search index built"
    );
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}
