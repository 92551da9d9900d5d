//! Severity: what a page's `severity:` says, mapped to the four levels the
//! theme shows (badge, sidebar marker, alert index).
//!
//! Teams bring the words of their pager or their alert rules: Prometheus
//! rules say `critical` and `warning` in lower case, PagerDuty and
//! Opsgenie say `P1`…`P5`, incident processes say `SEV1`, ticket systems
//! `high`/`medium`/`low`. All of these are read as written, in any case;
//! a word that maps to no level is shown as written with a neutral badge,
//! and is a warning, never a reason to fail a build.

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

pub use runbook_widgets::severity::{level, Level, TABLE};

/// A page's severity: the words as written and the level they map to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Severity {
    pub written: String,
    pub level: Option<Level>,
}

impl Severity {
    pub fn new(written: &str) -> Severity {
        Severity {
            written: written.trim().to_string(),
            level: level(written),
        }
    }

    /// What the badge says: the level's name, or the words as written when
    /// they map to none.
    pub fn label(&self) -> &str {
        match self.level {
            Some(level) => level.name(),
            None => &self.written,
        }
    }

    /// The CSS class suffix; `other` is the neutral badge.
    pub fn class(&self) -> &'static str {
        self.level.map_or("other", Level::class)
    }
}

/// What a template sees: `label` (the badge's text), `class` (`critical`…
/// `info`, or `other`) and `written` (the front matter's words).
impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut view = serializer.serialize_struct("Severity", 3)?;
        view.serialize_field("label", self.label())?;
        view.serialize_field("class", self.class())?;
        view.serialize_field("written", &self.written)?;
        view.end()
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_words_map_to_their_levels() {
        let cases: &[(&[&str], Level)] = &[
            (
                &[
                    "critical", "CRITICAL", "Critical", "page", "P1", "SEV1", "high",
                ],
                Level::Critical,
            ),
            (&["P2", "SEV2", "error", "ERROR", "major"], Level::Error),
            (
                &["warning", "WARNING", "P3", "medium", "ticket"],
                Level::Warning,
            ),
            (&["info", "INFO", "P4", "P5", "low", "none"], Level::Info),
        ];
        for (words, expected) in cases {
            for word in *words {
                assert_eq!(level(word), Some(*expected), "{word}");
            }
        }
    }

    #[test]
    fn separators_and_spaces_do_not_matter() {
        for word in ["SEV-1", "sev 1", "Sev_1", " p1 "] {
            assert_eq!(level(word), Some(Level::Critical), "{word}");
        }
    }

    #[test]
    fn unmapped_words_keep_their_spelling_and_a_neutral_class() {
        let s = Severity::new("urgent-ish");
        assert_eq!(s.level, None);
        assert_eq!(s.label(), "urgent-ish");
        assert_eq!(s.class(), "other");
        let s = Severity::new("p1");
        assert_eq!((s.label(), s.class()), ("CRITICAL", "critical"));
        assert_eq!(s.written, "p1");
    }

    #[test]
    fn every_word_in_the_table_is_normalised_and_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for (word, _) in TABLE {
            assert!(seen.insert(*word), "{word} twice");
            assert!(level(word).is_some(), "{word}");
            assert!(
                word.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
                "{word} is not normalised"
            );
        }
        // Every level is reachable.
        for l in Level::ALL {
            assert!(TABLE.iter().any(|(_, x)| *x == l), "{l:?}");
        }
    }
}
