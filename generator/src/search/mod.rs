//! The search index stage: rendered pages in, the files of `search/` out
//! (format: `runbook_widgets::search::format`). Tokenising is the widgets
//! crate's, so the index holds exactly the terms the browser asks for.

mod chunks;
mod collect;

use rayon::prelude::*;
use runbook_widgets::search::format::{self, Fnv, Manifest, FORMAT};

use crate::build::Rendered;

/// The index as files: `(path from the site root, bytes)`, in a fixed
/// order, identical for identical input.
pub struct SearchFiles {
    pub files: Vec<(String, Vec<u8>)>,
}

pub fn index(rendered: &Rendered) -> SearchFiles {
    let started = std::time::Instant::now();
    let mut pages: Vec<collect::PageTerms> = rendered
        .site
        .pages
        .par_iter()
        .zip(&rendered.pages)
        .map(|(page, r)| collect::collect(page, r))
        .collect();
    let collected = started.elapsed();

    let stamp = stamp(&pages);
    let avg_len = if pages.is_empty() {
        1.0
    } else {
        pages.iter().map(|p| p.len as f32).sum::<f32>() / pages.len() as f32
    };
    let postings = chunks::postings(&pages, avg_len);
    let (firsts, chunk_files) = chunks::split(postings, &stamp);
    let dictionary = started.elapsed();

    let manifest = Manifest {
        format: FORMAT,
        stamp: stamp.clone(),
        pages: pages.len() as u32,
        chunks: firsts,
    };
    let mut files = Vec::with_capacity(pages.len() + chunk_files.len() + 1);
    files.push((format::manifest_path(), to_json(&manifest)));
    files.par_extend(
        chunk_files
            .par_iter()
            .enumerate()
            .map(|(i, chunk)| (format::chunk_path(i), to_json(chunk))),
    );
    let records: Vec<(String, Vec<u8>)> = pages
        .par_iter_mut()
        .enumerate()
        .map(|(i, page)| {
            page.record.stamp = stamp.clone();
            (format::page_path(i as u32), to_json(&page.record))
        })
        .collect();
    files.extend(records);
    // `RUNBOOK_LOG=runbook::search=debug`: the stage's cost on its own
    // (bench/search.sh reads it).
    tracing::debug!(
        pages = pages.len(),
        chunks = chunk_files.len(),
        bytes = files.iter().map(|(_, b)| b.len()).sum::<usize>(),
        collect_ms = collected.as_secs_f64() * 1000.0,
        dictionary_ms = (dictionary - collected).as_secs_f64() * 1000.0,
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "search index built"
    );
    SearchFiles { files }
}

/// A hash of everything indexed and of the format: two builds of the same
/// content share it, any change gives a new one.
fn stamp(pages: &[collect::PageTerms]) -> String {
    let mut hash = Fnv::default();
    hash.write(&FORMAT.to_le_bytes());
    hash.write(env!("CARGO_PKG_VERSION").as_bytes());
    for page in pages {
        let r = &page.record;
        hash.write(r.url.as_bytes());
        hash.write(r.title.as_bytes());
        for (anchor, heading, text) in &r.sections {
            hash.write(anchor.as_bytes());
            hash.write(heading.as_bytes());
            hash.write(text.as_bytes());
        }
        // Terms also come from front matter, which the record omits.
        let mut terms: Vec<(&String, &u32)> = page.terms.iter().collect();
        terms.sort_unstable();
        for (term, tf) in terms {
            hash.write(term.as_bytes());
            hash.write(&tf.to_le_bytes());
        }
    }
    format!("{:016x}", hash.0)
}

fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}
