//! Which pages' records share a record file: consecutive pages, grouped
//! until a file holds about `MIN_FILE_BYTES` of text.
//!
//! On disk a file costs a build an inode, a directory entry and, when the
//! next build replaces the site, a deletion, whatever its size; a host's
//! upload counts files too. A reader pays for grouping with the
//! neighbours' records in the download of a result. So small records are
//! grouped (a page of a few lines costs little to bring along), a page of
//! `MIN_FILE_BYTES` or more keeps a file of its own, and a large site's
//! files grow so that there are never many more than `MAX_FILES`.

use std::ops::Range;

/// Text (titles, headings, section text, urls) a record file holds at
/// least, but for the last: about 5 KB gzipped.
const MIN_FILE_BYTES: usize = 16 * 1024;
/// Record files a site has at most, about: a 10,000-page site's records
/// are then ~5 pages to a file.
pub(super) const MAX_FILES: usize = 2048;

/// Cuts pages `0..sizes.len()` into consecutive groups, one per record
/// file; `sizes[i]` is the text size of page `i`'s record.
pub(super) fn group(sizes: &[usize]) -> Vec<Range<usize>> {
    let total: usize = sizes.iter().sum();
    let target = MIN_FILE_BYTES.max(total.div_ceil(MAX_FILES));
    let mut files = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (page, &size) in sizes.iter().enumerate() {
        bytes += size;
        if bytes >= target {
            files.push(start..page + 1);
            (start, bytes) = (page + 1, 0);
        }
    }
    if start < sizes.len() {
        files.push(start..sizes.len());
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(files: &[Range<usize>]) -> Vec<usize> {
        files.iter().map(|r| r.len()).collect()
    }

    #[test]
    fn small_records_share_a_file_and_large_ones_keep_their_own() {
        let k = 1024;
        assert_eq!(counts(&group(&[])), Vec::<usize>::new());
        assert_eq!(counts(&group(&[100])), [1]);
        // 6 + 6 + 6 KB reach 16 KB at the third page.
        assert_eq!(counts(&group(&[6 * k, 6 * k, 6 * k, 6 * k])), [3, 1]);
        assert_eq!(counts(&group(&[40 * k, 2 * k, 40 * k])), [1, 2]);
    }

    #[test]
    fn groups_cover_every_page_once_in_order() {
        let sizes: Vec<usize> = (0..5000).map(|i| (i * 7919) % 20_000).collect();
        let files = group(&sizes);
        let mut next = 0;
        for file in &files {
            assert_eq!(file.start, next);
            assert!(!file.is_empty());
            next = file.end;
        }
        assert_eq!(next, sizes.len());
    }

    /// However many pages, the file count stays near `MAX_FILES`.
    #[test]
    fn a_large_site_has_a_bounded_number_of_files() {
        for (pages, size) in [(10_000, 5_500), (100_000, 5_500), (50_000, 40_000)] {
            let files = group(&vec![size; pages]);
            assert!(
                files.len() <= MAX_FILES + 1,
                "{pages} pages: {}",
                files.len()
            );
        }
    }
}
