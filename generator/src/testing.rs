//! Assertions the unit tests share: on failure they show the whole text,
//! which is what one needs to see when an error message or a page changed.

/// Panics showing `text` unless it holds `needle`.
#[track_caller]
pub(crate) fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} is missing from:\n{text}");
}

/// Panics showing `text` unless it begins with `prefix`.
#[track_caller]
pub(crate) fn assert_starts_with(text: &str, prefix: &str) {
    assert!(
        text.starts_with(prefix),
        "{prefix:?} does not begin:\n{text}"
    );
}
