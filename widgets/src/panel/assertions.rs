//! What the panel tests check a panel's text with: every phrase a reader
//! must see, each missing one named beside the text it was looked for in.

/// Asserts that `text` holds every one of `phrases`.
#[track_caller]
pub(super) fn contains_all(text: &str, phrases: &[&str]) {
    for phrase in phrases {
        assert!(text.contains(phrase), "missing {phrase:?} in: {text}");
    }
}

#[test]
#[should_panic(expected = "missing \"absent\" in: present text")]
fn a_missing_phrase_is_named() {
    contains_all("present text", &["present", "absent"]);
}
