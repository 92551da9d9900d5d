//! Per page: what it contributes to the index (term frequencies, boosted
//! by field) and the record a result shows. Pages are independent, so this
//! runs in parallel.

use serde::Serialize;

use runbook_widgets::search::format::{Fnv, FORMAT, HEADING_BOOST, TITLE_BOOST};
use runbook_widgets::search::Scanner;

use super::terms::TermMap;
use crate::render::RenderedPage;

/// One page, tokenised.
pub(super) struct PageTerms {
    /// Term → field-boosted frequency.
    pub terms: TermMap<u32>,
    /// Tokens on the page (unboosted): BM25's document length.
    pub len: u32,
    /// A hash of what the page puts in the index (record and terms),
    /// for the index's stamp.
    pub digest: u64,
}

/// Tokenises a page; `record` is its record (`record(rendered)`),
/// hashed into the digest.
pub(super) fn collect(rendered: &RenderedPage, record: &Record) -> PageTerms {
    let page = &rendered.page;
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
    // The severity by its level, whatever the page wrote (`P1` is found
    // by `critical`), and as written: weighted as body text, so a word a
    // page merely carries as its level does not outrank the pages about it.
    if let Some(severity) = &front.severity {
        add(severity.label(), 1);
        if severity.written != severity.label() {
            add(&severity.written, 1);
        }
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
    for section in &markdown.sections {
        add(&section.text, 1);
    }
    let digest = digest(record, &terms);
    PageTerms { terms, len, digest }
}

/// What a result shows of a page: `format::PageRecord`, borrowing the
/// rendered page instead of copying its text (a 10,000-page site's records
/// are 55 MB). Fields in `PageRecord`'s order: the JSON is the same.
#[derive(Serialize)]
pub(super) struct Record<'a> {
    url: std::borrow::Cow<'a, str>,
    title: &'a str,
    sections: Vec<(&'a str, &'a str, &'a str)>,
}

/// The record of a page: its sections as `(heading id, heading, text)`,
/// without the empty ones.
pub(super) fn record(rendered: &RenderedPage) -> Record<'_> {
    let page = &rendered.page;
    let markdown = &rendered.markdown;
    let sections = markdown
        .sections
        .iter()
        .filter_map(|section| {
            let (anchor, heading) = section
                .heading
                .and_then(|i| markdown.headings.get(i))
                .map_or(("", ""), |h| (h.id.as_str(), h.text.as_str()));
            let empty = heading.is_empty() && section.text.trim().is_empty();
            (!empty).then_some((anchor, heading, section.text.as_str()))
        })
        .collect();
    Record {
        url: crate::paths::href(&page.output),
        title: &rendered.title,
        sections,
    }
}

impl Record<'_> {
    /// Bytes of text the record holds: what grouping records into files
    /// goes by (`records::group`).
    pub(super) fn text_len(&self) -> usize {
        let sections: usize = self
            .sections
            .iter()
            .map(|(anchor, heading, text)| anchor.len() + heading.len() + text.len())
            .sum();
        self.url.len() + self.title.len() + sections
    }
}

/// A record file (`format::RecordFile`) of borrowed records.
#[derive(Serialize)]
pub(super) struct RecordFile<'a> {
    format: u32,
    stamp: &'a str,
    records: &'a [Record<'a>],
}

impl<'a> RecordFile<'a> {
    pub(super) fn new(stamp: &'a str, records: &'a [Record<'a>]) -> RecordFile<'a> {
        RecordFile {
            format: FORMAT,
            stamp,
            records,
        }
    }
}

fn digest(record: &Record, terms: &TermMap<u32>) -> u64 {
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

#[cfg(test)]
mod tests {
    use runbook_widgets::search::format::{self, PageRecord};

    use super::*;

    /// The borrowed records are written where the browser reads a
    /// `RecordFile`: their JSON must parse as one, field for field.
    #[test]
    fn a_record_file_reads_back_as_the_format_says() {
        let records = vec![
            Record {
                url: "db/ROLLBACK.html".into(),
                title: "ロールバック",
                sections: vec![("", "", "前文"), ("手順", "手順", "kubectl rollout undo")],
            },
            Record {
                url: "index.html".into(),
                title: "Runbook",
                sections: vec![],
            },
        ];
        let json = serde_json::to_string(&RecordFile::new("0123456789abcdef", &records)).unwrap();
        let read: format::RecordFile = serde_json::from_str(&json).unwrap();
        assert_eq!(
            read,
            format::RecordFile {
                format: FORMAT,
                stamp: "0123456789abcdef".into(),
                records: vec![
                    PageRecord {
                        url: "db/ROLLBACK.html".into(),
                        title: "ロールバック".into(),
                        sections: vec![
                            (String::new(), String::new(), "前文".into()),
                            ("手順".into(), "手順".into(), "kubectl rollout undo".into()),
                        ],
                    },
                    PageRecord {
                        url: "index.html".into(),
                        title: "Runbook".into(),
                        sections: vec![],
                    },
                ],
            }
        );
    }
}
