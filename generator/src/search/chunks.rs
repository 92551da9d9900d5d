//! The term dictionary: postings with their BM25 weights, sorted and cut
//! into chunks of about equal size, each named in the manifest by the
//! shortest string that separates it from the chunk before.

use rayon::prelude::*;

use runbook_widgets::search::format::{encode_postings, weight, Chunk, FORMAT};

use super::terms::TermMap;

/// Chunk size (serialised JSON, before gzip). Small sites get chunks of
/// this size; a large site gets bigger ones, so the manifest, which every
/// query downloads first, stays under about `MAX_CHUNKS` entries. A query
/// fetches one chunk per term (a katakana word is five or six bigrams):
/// at 12 KB (3.5 KB gzipped) a chunk, the 12-page content/ site's queries
/// downloaded twice the index bytes they do at 4 KB (1.3 KB gzipped).
const MIN_CHUNK_BYTES: usize = 4 * 1024;
const MAX_CHUNKS: usize = 2048;

/// Every term and the pages it is on, filled page by page in page order.
#[derive(Default)]
pub(super) struct Dictionary {
    /// Term → `[(page, field-boosted frequency)]`, pages ascending.
    terms: TermMap<Vec<(u32, u32)>>,
    /// Tokens per page: BM25's document length.
    lens: Vec<u32>,
}

impl Dictionary {
    /// Adds the next page's terms.
    pub(super) fn add(&mut self, terms: TermMap<u32>, len: u32) {
        let page = self.lens.len() as u32;
        self.lens.push(len);
        for (term, tf) in terms.into_entries() {
            self.terms
                .get_or_insert_key(term, Vec::new)
                .push((page, tf));
        }
    }

    /// `(term, [(page, weight)])`, sorted by term, pages ascending. The
    /// weights need the average page length, known once every page is in.
    pub(super) fn postings(self) -> Vec<(String, Vec<(u32, u32)>)> {
        let lens = self.lens;
        let avg_len = if lens.is_empty() {
            1.0
        } else {
            lens.iter().map(|&n| n as f32).sum::<f32>() / lens.len() as f32
        };
        let mut sorted: Vec<(String, Vec<(u32, u32)>)> = self
            .terms
            .into_par_entries()
            .map(|(term, mut list)| {
                for (page, tf) in &mut list {
                    *tf = weight(*tf, lens[*page as usize], avg_len);
                }
                (term.into_string(), list)
            })
            .collect();
        sorted.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        sorted
    }
}

/// Cuts the sorted postings into chunks; returns each chunk's separator
/// and the chunks.
pub(super) fn split(
    postings: Vec<(String, Vec<(u32, u32)>)>,
    stamp: &str,
) -> (Vec<String>, Vec<Chunk>) {
    let encoded: Vec<(String, Vec<u32>)> = postings
        .into_par_iter()
        .map(|(term, list)| (term, encode_postings(&list)))
        .collect();
    let sizes: Vec<usize> = encoded.iter().map(|(t, p)| json_size(t, p)).collect();
    let total: usize = sizes.iter().sum();
    let target = MIN_CHUNK_BYTES.max(total / MAX_CHUNKS);

    let mut firsts = Vec::new();
    let mut chunks = Vec::new();
    let mut current: Vec<(String, Vec<u32>)> = Vec::new();
    let mut size = 0;
    let mut previous_last: Option<String> = None;
    for ((term, list), bytes) in encoded.into_iter().zip(sizes) {
        if current.is_empty() {
            firsts.push(separator(previous_last.as_deref(), &term));
        }
        size += bytes;
        current.push((term, list));
        if size >= target {
            previous_last = current.last().map(|(t, _)| t.clone());
            chunks.push(chunk(std::mem::take(&mut current), stamp));
            size = 0;
        }
    }
    if !current.is_empty() {
        chunks.push(chunk(current, stamp));
    }
    (firsts, chunks)
}

fn chunk(terms: Vec<(String, Vec<u32>)>, stamp: &str) -> Chunk {
    Chunk {
        format: FORMAT,
        stamp: stamp.to_string(),
        terms,
    }
}

/// The shortest prefix of `first` that sorts after `previous`: every term
/// of the chunk is ≥ it and every term before is < it.
fn separator(previous: Option<&str>, first: &str) -> String {
    let Some(previous) = previous else {
        return String::new();
    };
    let mut end = 0;
    for (i, ch) in first.char_indices() {
        end = i + ch.len_utf8();
        if &first[..end] > previous {
            break;
        }
    }
    first[..end].to_string()
}

/// Bytes of `["term",[1,23,…]],` in JSON, near enough.
fn json_size(term: &str, postings: &[u32]) -> usize {
    let digits: usize = postings
        .iter()
        .map(|&n| {
            if n < 10 {
                2
            } else if n < 100 {
                3
            } else {
                4 + (n >= 1000) as usize * 2
            }
        })
        .sum();
    term.len() + 8 + digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_short_and_separate() {
        assert_eq!(separator(None, "abc"), "");
        assert_eq!(separator(Some("rollback"), "rollout"), "rollo");
        assert_eq!(separator(Some("a"), "b"), "b");
        assert_eq!(separator(Some("接続"), "設定"), "設");
    }

    #[test]
    fn chunks_are_contiguous_and_ordered() {
        let postings: Vec<(String, Vec<(u32, u32)>)> = (0..5000)
            .map(|i| (format!("t{i:05}"), vec![(i % 7, 50)]))
            .collect();
        let (firsts, chunks) = split(postings, "s");
        assert!(chunks.len() > 1);
        assert_eq!(firsts.len(), chunks.len());
        for (i, chunk) in chunks.iter().enumerate() {
            let first = &chunk.terms[0].0;
            assert!(first.as_str() >= firsts[i].as_str());
            if i > 0 {
                let last_before = &chunks[i - 1].terms.last().unwrap().0;
                assert!(last_before.as_str() < firsts[i].as_str());
            }
        }
    }
}
