//! Gzip, as static hosts serve files and as the search index is stored:
//! one encoder for the writer and for the size budgets that count what a
//! reader downloads, and its inverse for whatever reads those files back.

use std::io::{Read, Write};

/// gzip's own default level: what nginx and GitHub Pages use when they
/// compress a response on the fly.
pub const HOST_LEVEL: u32 = 6;

/// gzip's best level, for files packed once and downloaded by every
/// reader, where the time allows (see `index_level`).
pub const BEST: u32 = 9;

/// The sites whose search index packs at [`BEST`]: most runbooks have tens
/// or hundreds of pages, and their index packs in milliseconds either
/// way. Past that the best level doubled the index's time beside the page
/// writes (1.2 → 2.5 s at 10,000 pages) for 2% fewer bytes.
pub const BEST_UP_TO_PAGES: usize = 500;

/// The level a larger site's index packs at. Level 5 against gzip's
/// default 6, at 10,000 pages (80 MB of index JSON): 1.4% more bytes
/// (12.16 → 12.33 MB; a query's download grows by about 1 KB) for a
/// build 7% faster (2.39 → 2.23 s), deflate being the index's largest
/// cost. At 1,000 pages the bytes differ by 0.5%.
pub const LARGE_SITE_LEVEL: u32 = 5;

/// The level a published site's search index is packed at.
pub fn index_level(pages: usize) -> u32 {
    if pages <= BEST_UP_TO_PAGES {
        BEST
    } else {
        LARGE_SITE_LEVEL
    }
}

/// Level 0: valid gzip in stored blocks, no compression work. The dev
/// server writes the search index so: it is served from memory on
/// loopback, and compressing a 10,000-page index after every save kept a
/// core busy for 2.5 s (a third of it deflate) while the writer typed.
pub const STORED: u32 = 0;

/// `bytes` gzipped at `level` (0–9).
pub fn gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::new(level),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// What [`gzip`] packed, unpacked; an error for bytes that are not gzip.
pub fn gunzip(packed: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(packed).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `packed`, checked to be gzip, unpacked.
    fn unpacked(packed: &[u8]) -> String {
        assert!(packed.starts_with(&[0x1f, 0x8b]), "gzip magic");
        String::from_utf8(gunzip(packed).unwrap()).unwrap()
    }

    /// A small site's index packs at the best level, which is smaller on
    /// index-like text; a large site's at a faster level.
    #[test]
    fn small_sites_get_the_best_level() {
        let text: String = (0..400)
            .map(|i| {
                format!(
                    "{{\"t\":\"kubectl-{}\",\"p\":[{i},{}]}},",
                    i % 37,
                    i * 7 % 101
                )
            })
            .collect();
        let level = index_level(BEST_UP_TO_PAGES);
        assert_eq!(
            (level, index_level(BEST_UP_TO_PAGES + 1)),
            (BEST, LARGE_SITE_LEVEL)
        );
        let (best, large) = (
            gzip(text.as_bytes(), level),
            gzip(text.as_bytes(), LARGE_SITE_LEVEL),
        );
        assert!(
            best.len() <= large.len(),
            "{} > {}",
            best.len(),
            large.len()
        );
        assert_eq!(gunzip(&best).unwrap(), text.as_bytes());
    }

    #[test]
    fn round_trips_and_shrinks_repetitive_text() {
        let text = "kubectl rollout undo deployment/api -n prod\n".repeat(50);
        let packed = gzip(text.as_bytes(), HOST_LEVEL);
        assert!(
            packed.len() * 10 < text.len(),
            "{} of {}",
            packed.len(),
            text.len()
        );
        assert_eq!(unpacked(&packed), text);
    }

    #[test]
    fn stored_is_gzip_that_reads_back_without_compressing() {
        let text = "kubectl get pods -n prod\n".repeat(50);
        let packed = gzip(text.as_bytes(), STORED);
        assert!(
            packed.len() > text.len(),
            "{} of {}",
            packed.len(),
            text.len()
        );
        assert_eq!(unpacked(&packed), text);
    }
}
