//! The search index on disk: one definition of its files, read by the query
//! engine and written by the generator's indexer.
//!
//! ```text
//! search/manifest.json   {format, stamp, pages, record_files: [records in each file], chunks: [first term of each chunk]}
//! search/t/<n>.json.gz   {format, stamp, terms: [[term, [Δpage, weight, Δpage, weight, …]], …]}
//! search/p/<n>.json.gz   {format, stamp, records: [{url, title, sections: [[anchor, heading, text], …]}, …]}
//! ```
//!
//! The chunk and record files are gzipped on disk (a 10,000-page index is
//! 84 MB of JSON, 12 MB gzipped); the browser's search.js unpacks them
//! before this module sees their text.
//!
//! Terms are sorted (by code point) and cut into chunks of roughly equal
//! size; the manifest lists each chunk's first term, so a term, a prefix
//! or a typo's neighbourhood maps to one or a few chunks without a server.
//! A query downloads the manifest, the chunks of its terms and the page
//! records of the results it shows: on a 10,000-page site that is a
//! handful of small files.
//!
//! Record files hold consecutive pages' records, in page order, as many
//! as the manifest's `record_files` says for each: file 0 the first
//! `record_files[0]` pages, file 1 the next `record_files[1]`, and so on.
//! The generator groups small records and keeps the file count bounded
//! (generator/src/search/records.rs); the reader needs only the counts.
//!
//! Every file carries `format` (this module's [`FORMAT`]) and `stamp` (a
//! hash of the indexed content): a browser holding a cached chunk of an
//! older build, or a search script of another version, refuses it instead
//! of showing wrong results.

use serde::{Deserialize, Serialize};

use super::json::{self, Reader};

/// Bumped whenever the files or the meaning of their numbers change.
pub const FORMAT: u32 = 3;

/// Folder of the index in the site, relative to the site root.
pub const DIR: &str = "search";

pub fn manifest_path() -> String {
    format!("{DIR}/manifest.json")
}

/// The index files are gzipped JSON (the manifest is plain JSON).
pub fn chunk_path(chunk: usize) -> String {
    format!("{DIR}/t/{chunk}.json.gz")
}

pub fn record_file_path(file: u32) -> String {
    format!("{DIR}/p/{file}.json.gz")
}

/// BM25 parameters the indexer bakes into the weights.
pub const K1: f32 = 1.2;
pub const B: f32 = 0.75;
/// A posting's weight is BM25's term-frequency factor (0 … K1+1) times
/// this, rounded: 22 steps. Small integers keep the chunks small: at 100
/// (220 steps) a 10,000-page index's chunks were 26% larger gzipped, for
/// the same recall on both query suites (1.000 and 0.946).
pub const WEIGHT_SCALE: f32 = 10.0;
/// Field boosts: a term in the page title counts this many times, in a
/// heading that many; body text counts once.
pub const TITLE_BOOST: u32 = 8;
pub const HEADING_BOOST: u32 = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub stamp: String,
    /// Number of pages: page ids are `0..pages`.
    pub pages: u32,
    /// How many page records each record file holds, in file order;
    /// they add up to `pages`.
    pub record_files: Vec<u32>,
    /// The first term of each chunk, ascending; chunk `n` holds the terms
    /// from `chunks[n]` up to (not including) `chunks[n + 1]`.
    pub chunks: Vec<String>,
    /// The site's own synonym sets (`search.synonyms` in runbook.yaml),
    /// added to the built-in ones at query time. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<Vec<String>>,
}

/// One chunk of the term dictionary with its postings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chunk {
    pub format: u32,
    pub stamp: String,
    /// `(term, postings)`, sorted by term. Postings are flat pairs
    /// `[page - previous page, weight]` with pages ascending.
    pub terms: Vec<(String, Vec<u32>)>,
}

/// Consecutive pages' records: fetched only for pages on screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordFile {
    pub format: u32,
    pub stamp: String,
    /// As many records as the manifest's `record_files` says, in page order.
    pub records: Vec<PageRecord>,
}

/// What a result shows of a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    /// Output path from the site root, e.g. `db/index.html`.
    pub url: String,
    pub title: String,
    /// `(heading id, heading text, text)`; the first section may have an
    /// empty id and heading (text before the first heading).
    pub sections: Vec<(String, String, String)>,
}

/// A posting list decoded: `(page, weight)` pairs.
pub fn decode_postings(flat: &[u32]) -> impl Iterator<Item = (u32, u32)> + '_ {
    let mut page = 0u32;
    flat.chunks_exact(2).map(move |pair| {
        page += pair[0];
        (page, pair[1])
    })
}

/// The inverse of [`decode_postings`]; `postings` ascending by page.
pub fn encode_postings(postings: &[(u32, u32)]) -> Vec<u32> {
    let mut flat = Vec::with_capacity(postings.len() * 2);
    let mut previous = 0;
    for &(page, weight) in postings {
        flat.push(page - previous);
        flat.push(weight);
        previous = page;
    }
    flat
}

/// BM25's term-frequency factor for a (field-boosted) frequency `tf` in a
/// page of `len` tokens where pages average `avg_len`, scaled to an integer.
pub fn weight(tf: u32, len: u32, avg_len: f32) -> u32 {
    let tf = tf as f32;
    let norm = K1 * (1.0 - B + B * len as f32 / avg_len.max(1.0));
    let factor = tf * (K1 + 1.0) / (tf + norm);
    ((factor * WEIGHT_SCALE).round() as u32).max(1)
}

/// Why an index file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// Not JSON of the expected shape.
    Malformed { file: String, message: String },
    /// Written by another version of runbook.
    Version { file: String, found: u32 },
    /// From another build than the manifest: a stale cache or a
    /// half-finished deploy.
    Stale { file: String },
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Malformed { file, message } => {
                write!(f, "{file}: not a search index file: {message}")
            }
            FormatError::Version { file, found } => write!(
                f,
                "{file}: search index format {found}, but this search code reads format {FORMAT}; rebuild the site with the same runbook that wrote its assets"
            ),
            FormatError::Stale { file } => write!(
                f,
                "{file}: from another build than search/manifest.json (a stale cache or a partial deploy); reload the page"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// Parses an index file and checks its format (and stamp, when given).
pub fn parse<T: Decode + Stamped>(
    file: &str,
    json: &str,
    stamp: Option<&str>,
) -> Result<T, FormatError> {
    let malformed = |message: String| FormatError::Malformed {
        file: file.to_string(),
        message,
    };
    let value = match decode_whole::<T>(json) {
        Ok(value) => value,
        Err(message) => {
            // A file of another format may not even have this format's
            // shape, and "rebuild" is the useful message then.
            return Err(match format_of(json) {
                Some(found) if found != FORMAT => FormatError::Version {
                    file: file.to_string(),
                    found,
                },
                _ => malformed(message),
            });
        }
    };
    if value.format() != FORMAT {
        return Err(FormatError::Version {
            file: file.to_string(),
            found: value.format(),
        });
    }
    if stamp.is_some_and(|s| s != value.stamp()) {
        return Err(FormatError::Stale {
            file: file.to_string(),
        });
    }
    Ok(value)
}

fn decode_whole<T: Decode>(json: &str) -> json::Result<T> {
    let mut reader = Reader::new(json);
    let value = T::decode(&mut reader)?;
    reader.end()?;
    Ok(value)
}

/// The top-level `format` of a JSON object, whatever else it holds.
fn format_of(json: &str) -> Option<u32> {
    let mut found = None;
    Reader::new(json)
        .object(|r, key| {
            if key == "format" {
                found = Some(r.u32()?);
                Ok(())
            } else {
                r.skip()
            }
        })
        .ok()?;
    found
}

/// Reading an index file's value from JSON (json.rs). One decoder per
/// type, next to its definition above: the fields serde writes for the
/// generator are the fields read here, which a test checks on a real site.
pub trait Decode: Sized {
    fn decode(reader: &mut Reader) -> json::Result<Self>;
}

/// A required field's value, or the error that names it.
fn required<T>(value: Option<T>, name: &str, reader: &Reader) -> json::Result<T> {
    value.ok_or_else(|| reader.error(&format!("missing field `{name}`")))
}

/// Runs one field's reader (a function such as `Reader::u32`, or a
/// closure, whose argument type this signature gives).
fn read<'a, T>(
    reader: &mut Reader<'a>,
    field: impl FnOnce(&mut Reader<'a>) -> json::Result<T>,
) -> json::Result<T> {
    field(reader)
}

/// Implements [`Decode`] for a struct written as one JSON object: each
/// field is read by the reader beside its name, keys not listed are
/// skipped (a newer writer may add some), a missing field is an error
/// naming it, and the fields after `optional` default when absent.
macro_rules! decode_object {
    ($type:ident {
        $($field:ident: $read:expr,)*
    } $(optional {
        $($optional:ident: $optional_read:expr,)*
    })?) => {
        impl Decode for $type {
            fn decode(reader: &mut Reader) -> json::Result<Self> {
                $(let mut $field = None;)*
                $($(let mut $optional = Default::default();)*)?
                reader.object(|r, key| {
                    match key {
                        $(stringify!($field) => $field = Some(read(r, $read)?),)*
                        $($(stringify!($optional) => $optional = read(r, $optional_read)?,)*)?
                        _ => r.skip()?,
                    }
                    Ok(())
                })?;
                Ok($type {
                    $($field: required($field, stringify!($field), reader)?,)*
                    $($($optional,)*)?
                })
            }
        }
    };
}

decode_object!(Manifest {
    format: Reader::u32,
    stamp: Reader::string,
    pages: Reader::u32,
    record_files: |r| r.list(Reader::u32),
    chunks: |r| r.list(Reader::string),
} optional {
    synonyms: |r| r.list(|r| r.list(Reader::string)),
});

decode_object!(Chunk {
    format: Reader::u32,
    stamp: Reader::string,
    terms: |r| r.list(|r| r.pair(Reader::string, |r| r.list(Reader::u32))),
});

decode_object!(RecordFile {
    format: Reader::u32,
    stamp: Reader::string,
    records: |r| r.list(PageRecord::decode),
});

decode_object!(PageRecord {
    url: Reader::string,
    title: Reader::string,
    sections: |r| r.list(|r| {
        let [anchor, heading, text] = r.strings::<3>()?;
        Ok((anchor, heading, text))
    }),
});

/// Files that carry the format and the build stamp.
pub trait Stamped {
    fn format(&self) -> u32;
    fn stamp(&self) -> &str;
}

macro_rules! stamped {
    ($($file:ty),*) => {$(
        impl Stamped for $file {
            fn format(&self) -> u32 {
                self.format
            }
            fn stamp(&self) -> &str {
                &self.stamp
            }
        }
    )*};
}
stamped!(Manifest, Chunk, RecordFile);

/// FNV-1a, 64 bits: a stable hash (std's is not stable across releases)
/// for the stamp.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab","c") and ("a","bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_round_trip() {
        let postings = vec![(0, 5), (3, 220), (3000, 1)];
        let flat = encode_postings(&postings);
        assert_eq!(flat, [0, 5, 3, 220, 2997, 1]);
        assert_eq!(decode_postings(&flat).collect::<Vec<_>>(), postings);
    }

    #[test]
    fn other_formats_and_builds_are_refused() {
        let json = r#"{"format":999,"stamp":"a","pages":1,"record_files":[1],"chunks":[]}"#;
        let err = parse::<Manifest>("m", json, None).unwrap_err();
        assert!(matches!(err, FormatError::Version { found: 999, .. }));
        assert!(err.to_string().contains("rebuild"));
        let json = format!(r#"{{"format":{FORMAT},"stamp":"old","terms":[]}}"#);
        let err = parse::<Chunk>("c", &json, Some("new")).unwrap_err();
        assert!(matches!(err, FormatError::Stale { .. }));
        assert!(parse::<Chunk>("c", &json, Some("old")).is_ok());
    }

    #[test]
    fn unknown_keys_are_skipped_and_a_missing_field_is_named() {
        let json = format!(
            r#"{{"format":{FORMAT},"stamp":"s","added_later":[1,{{"x":2}}],"records":[{{"url":"a.html","title":"A","sections":[["","","t"]]}}]}}"#
        );
        let file = parse::<RecordFile>("p/0.json", &json, Some("s")).unwrap();
        assert_eq!(
            file.records,
            [PageRecord {
                url: "a.html".into(),
                title: "A".into(),
                sections: vec![(String::new(), String::new(), "t".into())],
            }]
        );
        let json = format!(
            r#"{{"format":{FORMAT},"stamp":"s","records":[{{"url":"a.html","sections":[]}}]}}"#
        );
        let err = parse::<RecordFile>("p/0.json", &json, None).unwrap_err();
        assert!(matches!(err, FormatError::Malformed { .. }), "{err}");
        assert!(err.to_string().contains("missing field `title`"), "{err}");
        let json = format!(
            r#"{{"format":{FORMAT},"stamp":"s","pages":0,"record_files":[],"chunks":[],"synonyms":[["ロールバック","rollback"]]}}"#
        );
        let manifest = parse::<Manifest>("manifest.json", &json, None).unwrap();
        assert_eq!(manifest.synonyms, [["ロールバック", "rollback"]]);
    }

    #[test]
    fn weights_grow_with_frequency_and_shrink_with_length() {
        assert!(weight(3, 100, 100.0) > weight(1, 100, 100.0));
        assert!(weight(1, 50, 100.0) > weight(1, 400, 100.0));
        assert!(weight(1000, 1, 100.0) <= ((K1 + 1.0) * WEIGHT_SCALE) as u32);
    }
}
