//! The search index stage: rendered pages in, the files of `search/` out
//! (format: `runbook_widgets::search::format`). Tokenising is the widgets
//! crate's, so the index holds exactly the terms the browser asks for.

mod chunks;
mod collect;
mod terms;

use std::time::{Duration, Instant};

use rayon::prelude::*;
use runbook_widgets::search::format::{self, Fnv, Manifest, PageRecord, FORMAT};

use crate::build::{Rendered, RenderedPage};
use crate::site::Page;

/// The index as files: `(path from the site root, bytes)`, in a fixed
/// order, identical for identical input.
pub struct SearchFiles {
    pub files: Vec<(String, Vec<u8>)>,
}

/// Pages tokenised at a time. Each page's term map is merged into the
/// dictionary and dropped before the next batch: holding every page's map
/// at once was most of a 10,000-page build's memory.
const BATCH: usize = 256;

/// Every page tokenised: the dictionary, the records in page order, and
/// the stamp.
struct Collected {
    dictionary: chunks::Dictionary,
    records: Vec<PageRecord>,
    /// A hash of everything indexed and of the format: two builds of the
    /// same content share it, any change gives a new one.
    stamp: String,
    /// Time spent merging pages into the dictionary (one thread's work).
    merging: Duration,
}

/// Tokenises the pages a batch at a time, merging each batch while the
/// next one is tokenised: the merge is one thread's work, and at 10,000
/// pages it is half a second.
fn collect_pages(rendered: &Rendered) -> Collected {
    let mut dictionary = chunks::Dictionary::default();
    let mut records = Vec::with_capacity(rendered.pages.len());
    let mut stamp = Fnv::default();
    stamp.write(&FORMAT.to_le_bytes());
    stamp.write(env!("CARGO_PKG_VERSION").as_bytes());
    let mut merging = Duration::ZERO;
    let mut merge = |collected: Vec<collect::PageTerms>| {
        let started = Instant::now();
        for page in collected {
            stamp.write(&page.digest.to_le_bytes());
            dictionary.add(page.terms, page.len);
            records.push(page.record);
        }
        merging += started.elapsed();
    };
    let pages: Vec<(&Page, &RenderedPage)> =
        rendered.site.pages.iter().zip(&rendered.pages).collect();
    let mut pending: Option<Vec<collect::PageTerms>> = None;
    for batch in pages.chunks(BATCH) {
        let (collected, ()) = rayon::join(
            || {
                batch
                    .par_iter()
                    .map(|(page, r)| collect::collect(page, r))
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
        records,
        stamp: format!("{:016x}", stamp.0),
        merging,
    }
}

pub fn index(rendered: &Rendered) -> SearchFiles {
    let started = Instant::now();
    let Collected {
        dictionary,
        mut records,
        stamp,
        merging,
    } = collect_pages(rendered);
    let collected = started.elapsed();

    let (firsts, chunk_files) = chunks::split(dictionary.postings(), &stamp);
    let dictionary_done = started.elapsed();

    let manifest = Manifest {
        format: FORMAT,
        stamp: stamp.clone(),
        pages: records.len() as u32,
        chunks: firsts,
    };
    let mut files = Vec::with_capacity(records.len() + chunk_files.len() + 1);
    files.push((format::manifest_path(), to_json(&manifest)));
    files.par_extend(
        chunk_files
            .par_iter()
            .enumerate()
            .map(|(i, chunk)| (format::chunk_path(i), to_json(chunk))),
    );
    files.par_extend(records.par_iter_mut().enumerate().map(|(i, record)| {
        record.stamp = stamp.clone();
        (format::page_path(i as u32), to_json(record))
    }));
    // `RUNBOOK_LOG=runbook::search=debug`: the stage's cost on its own
    // (bench/search.sh reads it).
    tracing::debug!(
        pages = records.len(),
        chunks = chunk_files.len(),
        bytes = files.iter().map(|(_, b)| b.len()).sum::<usize>(),
        collect_ms = collected.as_secs_f64() * 1000.0,
        merge_ms = merging.as_secs_f64() * 1000.0,
        dictionary_ms = (dictionary_done - collected).as_secs_f64() * 1000.0,
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "search index built"
    );
    SearchFiles { files }
}

fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}
