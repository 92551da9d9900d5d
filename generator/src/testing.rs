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

/// Pages by source path, each titled by its path: what the tests of the
/// navigation's users (the sidebar, the page list) build a site from.
pub(crate) struct NavFixture {
    pub(crate) rels: Vec<String>,
    pub(crate) outputs: Vec<String>,
}

impl NavFixture {
    pub(crate) fn new(rels: Vec<String>) -> NavFixture {
        let outputs = rels.iter().map(|r| crate::paths::output_path(r)).collect();
        NavFixture { rels, outputs }
    }

    pub(crate) fn nav(&self) -> crate::nav::Nav {
        let inputs: Vec<crate::nav::NavInput> = self
            .rels
            .iter()
            .map(|rel| crate::nav::NavInput::bare(rel))
            .collect();
        crate::nav::build(&inputs)
    }

    pub(crate) fn entries(&self) -> Vec<crate::view::NavEntry<'_>> {
        self.rels
            .iter()
            .zip(&self.outputs)
            .map(|(rel, output)| crate::view::NavEntry {
                rel,
                output,
                title: rel,
                severity: None,
            })
            .collect()
    }
}
