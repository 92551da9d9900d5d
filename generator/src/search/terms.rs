//! Maps keyed by index term, built for the indexer's hot loop: every
//! token of every page is looked up once in its page's map, and every
//! distinct term of a page once more in the site's dictionary.
//!
//! A term of at most 8 bytes (a Japanese bigram is 6, most command words
//! fewer) is keyed by its bytes packed into a `u64`: hashing it is one
//! multiplication and comparing it one instruction, where a string key
//! costs a byte loop and a `memcmp`. Longer terms (identifiers such as
//! `pg_stat_activity`) are kept as strings, inline up to 24 bytes.

use compact_str::CompactString;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Bytes a packed key holds.
const PACKED: usize = 8;

pub(super) struct TermMap<V> {
    short: FxHashMap<u64, V>,
    long: FxHashMap<CompactString, V>,
}

impl<V> Default for TermMap<V> {
    fn default() -> Self {
        TermMap {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
        }
    }
}

impl<V> TermMap<V> {
    /// Room for about `terms` terms without rehashing, most of them short.
    pub(super) fn with_capacity(terms: usize) -> Self {
        let mut map = TermMap::default();
        map.short.reserve(terms);
        map.long.reserve(terms / 8);
        map
    }

    /// The value of `term`, inserted with `new()` if missing.
    pub(super) fn get_or_insert_with(&mut self, term: &str, new: impl FnOnce() -> V) -> &mut V {
        match pack(term) {
            Some(key) => self.short.entry(key).or_insert_with(new),
            None => {
                // Looked up by `&str` first: no key is built for a term
                // already there, which is most of them.
                if !self.long.contains_key(term) {
                    self.long.insert(term.into(), new());
                }
                self.long.get_mut(term).expect("inserted above")
            }
        }
    }

    /// The value of a key taken from another map (no repacking).
    pub(super) fn get_or_insert_key(&mut self, key: Key, new: impl FnOnce() -> V) -> &mut V {
        match key {
            Key::Short(key) => self.short.entry(key).or_insert_with(new),
            Key::Long(term) => self.long.entry(term).or_insert_with(new),
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (Term<'_>, &V)> {
        let short = self.short.iter().map(|(k, v)| (Term::Short(*k), v));
        let long = self.long.iter().map(|(k, v)| (Term::Long(k), v));
        short.chain(long)
    }

    /// Keys and values, in no particular order.
    pub(super) fn into_entries(self) -> impl Iterator<Item = (Key, V)> {
        let short = self.short.into_iter().map(|(k, v)| (Key::Short(k), v));
        let long = self.long.into_iter().map(|(k, v)| (Key::Long(k), v));
        short.chain(long)
    }
}

impl<V: Send> TermMap<V> {
    /// `into_entries` on every core: the site's dictionary has millions.
    pub(super) fn into_par_entries(self) -> impl ParallelIterator<Item = (Key, V)> {
        let short = self.short.into_par_iter().map(|(k, v)| (Key::Short(k), v));
        let long = self.long.into_par_iter().map(|(k, v)| (Key::Long(k), v));
        short.chain(long)
    }
}

/// A term as a map holds it.
pub(super) enum Key {
    Short(u64),
    Long(CompactString),
}

impl Key {
    pub(super) fn into_string(self) -> String {
        match self {
            Key::Short(key) => Term::Short(key).to_string(),
            Key::Long(term) => term.into_string(),
        }
    }
}

/// A borrowed [`Key`].
#[derive(Clone, Copy)]
pub(super) enum Term<'a> {
    Short(u64),
    Long(&'a str),
}

impl Term<'_> {
    /// The term's UTF-8 bytes into `out` (cleared first).
    pub(super) fn bytes_into(self, out: &mut Vec<u8>) {
        out.clear();
        match self {
            Term::Short(key) => out.extend(unpack(key)),
            Term::Long(term) => out.extend_from_slice(term.as_bytes()),
        }
    }
}

impl std::fmt::Display for Term<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut bytes = Vec::with_capacity(PACKED);
        self.bytes_into(&mut bytes);
        // Packed keys come from whole `&str`s: their bytes are UTF-8.
        f.write_str(std::str::from_utf8(&bytes).map_err(|_| std::fmt::Error)?)
    }
}

/// `term`'s bytes in a `u64`, if it has at most 8. Terms never hold a NUL
/// (tokens are letters, digits and joiners), so the zero bytes that pad a
/// shorter term cannot be mistaken for its own.
fn pack(term: &str) -> Option<u64> {
    let bytes = term.as_bytes();
    if bytes.len() > PACKED {
        return None;
    }
    // A byte loop, not `copy_from_slice`: for 1-8 bytes, a call to
    // `memcpy` costs more than the copy.
    let mut packed = 0u64;
    for (i, &byte) in bytes.iter().enumerate() {
        packed |= u64::from(byte) << (8 * i);
    }
    Some(packed)
}

fn unpack(key: u64) -> impl Iterator<Item = u8> {
    key.to_le_bytes().into_iter().take_while(|&b| b != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_terms_round_trip() {
        let mut map: TermMap<u32> = TermMap::default();
        for term in [
            "接続",
            "再",
            "kubectl",
            "rollout8",
            "pg_stat_activity",
            "ロールバック",
        ] {
            *map.get_or_insert_with(term, || 0) += 1;
        }
        *map.get_or_insert_with("接続", || 0) += 1;
        let mut terms: Vec<(String, u32)> = map
            .into_entries()
            .map(|(k, v)| (k.into_string(), v))
            .collect();
        terms.sort();
        assert_eq!(
            terms,
            [
                ("kubectl".to_string(), 1),
                ("pg_stat_activity".to_string(), 1),
                ("rollout8".to_string(), 1),
                ("ロールバック".to_string(), 1),
                ("再".to_string(), 1),
                ("接続".to_string(), 2),
            ]
        );
    }

    #[test]
    fn a_term_is_short_exactly_when_it_fits_eight_bytes() {
        assert!(pack("abcdefgh").is_some());
        assert!(pack("abcdefghi").is_none());
        assert!(pack("接続").is_some()); // 6 bytes
        assert!(pack("接続先").is_none()); // 9 bytes
        let key = pack("db").unwrap();
        assert_eq!(Term::Short(key).to_string(), "db");
    }
}
