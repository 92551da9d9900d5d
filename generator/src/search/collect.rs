//! Per page: what it contributes to the index (term frequencies, boosted
//! by field) and the record a result shows. Pages are independent, so this
//! runs in parallel.

use runbook_widgets::search::format::{Fnv, PageRecord, FORMAT, HEADING_BOOST, TITLE_BOOST};
use runbook_widgets::search::Scanner;

use super::terms::TermMap;
use crate::build::RenderedPage;
use crate::site::Page;

/// One page, tokenised.
pub struct PageTerms {
    /// Term → field-boosted frequency.
    pub terms: TermMap<u32>,
    /// Tokens on the page (unboosted): BM25's document length.
    pub len: u32,
    /// The record without its stamp (known once every page is read).
    pub record: PageRecord,
    /// A hash of what the page puts in the index (record and terms),
    /// for the index's stamp.
    pub digest: u64,
}

pub fn collect(page: &Page, rendered: &RenderedPage) -> PageTerms {
    let markdown = &rendered.markdown;
    // Pages hold one distinct term per 8-17 bytes of Markdown (median 11
    // on content/ and on the generated corpus): reserving for that spares
    // most rehashes while the page is read.
    let text_len: usize = markdown.sections.iter().map(|s| s.text.len()).sum();
    let mut terms: TermMap<u32> = TermMap::with_capacity(text_len / 12);
    let mut scanner = Scanner::default();
    let mut len = 0u32;
    let mut add = |text: &str, boost: u32| {
        scanner.scan(text, |token| {
            len += 1;
            *terms.get_or_insert_with(token.text, || 0) += boost;
        });
    };
    add(&rendered.title, TITLE_BOOST);
    // What the page is about, as its writer labelled it: as strong as a
    // heading (alert names are what an on-call engineer pastes).
    let front = &page.front;
    for label in front
        .alerts
        .iter()
        .chain(&front.tags)
        .chain(front.description.iter())
    {
        add(label, HEADING_BOOST);
    }
    // The file name is how pages are linked on GitHub and in chat
    // (ROLLBACK.md, DB_CONNECTION_ERROR.md): searchable like a heading.
    let stem = page.rel.rsplit('/').next().unwrap_or(&page.rel);
    add(
        stem.rsplit_once('.').map_or(stem, |(name, _)| name),
        HEADING_BOOST,
    );
    for heading in &markdown.headings {
        add(&heading.text, HEADING_BOOST);
    }
    let mut sections = Vec::with_capacity(markdown.sections.len());
    for section in &markdown.sections {
        add(&section.text, 1);
        let (anchor, heading) = section
            .heading
            .and_then(|i| markdown.headings.get(i))
            .map(|h| (h.id.clone(), h.text.clone()))
            .unwrap_or_default();
        if heading.is_empty() && section.text.trim().is_empty() {
            continue;
        }
        sections.push((anchor, heading, section.text.clone()));
    }
    let record = PageRecord {
        format: FORMAT,
        stamp: String::new(),
        url: page.output.clone(),
        title: rendered.title.clone(),
        sections,
    };
    let digest = digest(&record, &terms);
    PageTerms {
        terms,
        len,
        record,
        digest,
    }
}

fn digest(record: &PageRecord, terms: &TermMap<u32>) -> u64 {
    let mut hash = Fnv::default();
    hash.write(record.url.as_bytes());
    hash.write(record.title.as_bytes());
    for (anchor, heading, text) in &record.sections {
        hash.write(anchor.as_bytes());
        hash.write(heading.as_bytes());
        hash.write(text.as_bytes());
    }
    // Terms also come from front matter, which the record omits. A sum of
    // per-term hashes does not depend on the map's order: no sort needed.
    let mut bytes = Vec::new();
    let terms_hash = terms.iter().fold(0u64, |sum, (term, tf)| {
        let mut one = Fnv::default();
        term.bytes_into(&mut bytes);
        one.write(&bytes);
        one.write(&tf.to_le_bytes());
        sum.wrapping_add(one.0)
    });
    hash.write(&terms_hash.to_le_bytes());
    hash.0
}
