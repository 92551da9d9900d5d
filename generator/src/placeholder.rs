//! Placeholders in commands (`PROJECT_ID`, `<POD_NAME>`): found at build
//! time and marked, so the page script can fill them once for every command.
//!
//! Only names declared in `runbook.yaml` count, and only as whole words: a
//! `$PROJECT_ID` shell variable or `MY_PROJECT_ID` is left alone.

use std::collections::HashSet;
use std::ops::Range;

/// The declared placeholder names of a site.
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    names: HashSet<String>,
}

/// One placeholder found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Byte range in the text, brackets included for `<NAME>`.
    pub range: Range<usize>,
    pub name: String,
}

impl Placeholders {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(names: I) -> Self {
        Placeholders {
            names: names.into_iter().map(Into::into).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Every declared placeholder in `text`, in order.
    pub fn find(&self, text: &str) -> Vec<Occurrence> {
        if self.names.is_empty() {
            return Vec::new();
        }
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        for (start, word) in words(text) {
            let i = start + word.len();
            if !self.names.contains(word) {
                continue;
            }
            let before = start.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i).copied();
            // `$NAME` and `${NAME}` are shell variables the reader sets.
            if is_shell_variable(bytes, start) {
                continue;
            }
            let range = if before == Some(b'<') && after == Some(b'>') {
                start - 1..i + 1
            } else {
                start..i
            };
            found.push(Occurrence {
                range,
                name: word.to_string(),
            });
        }
        found
    }
}

/// The words of `text` (runs of ASCII letters, digits and `_`) with their
/// byte offsets: where placeholder names can stand.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && (!is_word(bytes[i]) || (i > 0 && is_word(bytes[i - 1]))) {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && is_word(bytes[i]) {
            i += 1;
        }
        Some((start, &text[start..i]))
    })
}

/// Whether the word at `start` is a shell variable (`$NAME`, `${NAME}`).
pub fn is_shell_variable(bytes: &[u8], start: usize) -> bool {
    let before = start.checked_sub(1).map(|j| bytes[j]);
    before == Some(b'$') || (before == Some(b'{') && start >= 2 && bytes[start - 2] == b'$')
}

/// A marker for `index` that no grammar splits (a plain identifier) and
/// that does not already occur in `text`.
pub fn sentinel_prefix(text: &str) -> String {
    let mut prefix = String::from("RbPh");
    while text.contains(&prefix) {
        prefix.push('Q');
    }
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, String)> {
        let p = Placeholders::new(["PROJECT_ID", "POD_NAME", "REGION"]);
        p.find(text)
            .into_iter()
            .map(|o| (text[o.range].to_string(), o.name))
            .collect()
    }

    #[test]
    fn bare_and_bracketed() {
        assert_eq!(
            names("kubectl logs <POD_NAME> --project=PROJECT_ID"),
            [
                ("<POD_NAME>".to_string(), "POD_NAME".to_string()),
                ("PROJECT_ID".to_string(), "PROJECT_ID".to_string())
            ]
        );
    }

    #[test]
    fn inside_compound_words_with_punctuation() {
        assert_eq!(names("PROJECT_ID:REGION:x").len(), 2);
        assert_eq!(names("?project=PROJECT_ID&x").len(), 1);
    }

    #[test]
    fn not_part_of_longer_identifiers() {
        assert!(names("MY_PROJECT_ID PROJECT_ID2 project_id").is_empty());
    }

    #[test]
    fn shell_variables_are_not_placeholders() {
        assert!(names("echo $PROJECT_ID ${PROJECT_ID}").is_empty());
    }

    #[test]
    fn undeclared_names_are_ignored() {
        assert!(names("INSTANCE_NAME <NODE>").is_empty());
    }

    #[test]
    fn sentinel_avoids_text() {
        assert_eq!(sentinel_prefix("abc"), "RbPh");
        assert_eq!(sentinel_prefix("RbPh RbPhQ"), "RbPhQQ");
    }
}
