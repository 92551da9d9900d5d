//! The error overlay's content: a failed build as `FILE:LINE:COL`, message
//! and fix, one item per problem, ready to send to the browser.
//!
//! The overlay itself is drawn by the live-reload client (`client.js`);
//! this module only turns a `BuildError` into what it shows.

use serde::Serialize;

use crate::error::{BuildError, Location, Warning};

/// Why the latest build failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorReport {
    pub errors: Vec<ErrorItem>,
    /// The whole message as the terminal shows it.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorItem {
    /// `content/db/README.md:3:1`: the form editors jump to.
    pub location: String,
    pub message: String,
    pub hint: String,
}

impl ErrorReport {
    pub fn from_error(error: &BuildError) -> ErrorReport {
        let errors = match error {
            BuildError::Strict { warnings } => warnings.iter().map(warning_item).collect(),
            BuildError::NotUtf8 { at } => vec![located(at, &first_line(error), error)],
            BuildError::FrontMatter { at, message, hint }
            | BuildError::Config { at, message, hint }
            | BuildError::Content { at, message, hint } => vec![ErrorItem {
                location: at.to_string(),
                message: message.clone(),
                hint: hint.clone(),
            }],
            BuildError::Template {
                path,
                message,
                hint,
            } => vec![ErrorItem {
                location: path.display().to_string(),
                message: message.clone(),
                hint: hint.clone(),
            }],
            // The rest name their file(s) in the first line of their message.
            _ => vec![split(&error.to_string())],
        };
        ErrorReport {
            errors,
            text: error.to_string(),
        }
    }

    /// A report from a plain message (used by tests and for internal errors).
    pub fn from_text(text: &str) -> ErrorReport {
        ErrorReport {
            errors: vec![split(text)],
            text: text.to_string(),
        }
    }
}

fn warning_item(warning: &Warning) -> ErrorItem {
    ErrorItem {
        location: warning.at.to_string(),
        message: warning.message.clone(),
        hint: warning.hint.clone(),
    }
}

fn located(at: &Location, message: &str, error: &BuildError) -> ErrorItem {
    let text = error.to_string();
    let message = message
        .strip_prefix(&format!("{at}: "))
        .unwrap_or(message)
        .to_string();
    ErrorItem {
        location: at.to_string(),
        message,
        hint: hint_of(&text),
    }
}

fn first_line(error: &BuildError) -> String {
    error
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

fn hint_of(text: &str) -> String {
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix("fix: "))
        .unwrap_or_default()
        .to_string()
}

/// `path: message\n  fix: hint` → its parts. The location is everything
/// before the first `: ` of the first line.
fn split(text: &str) -> ErrorItem {
    let first = text.lines().next().unwrap_or_default();
    let (location, message) = first.split_once(": ").unwrap_or(("", first));
    ErrorItem {
        location: location.to_string(),
        message: message.to_string(),
        hint: hint_of(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_errors_keep_their_location() {
        let error = BuildError::FrontMatter {
            at: Location::new("content/a.md", 3, 7),
            message: "unknown key `titel`".into(),
            hint: "did you mean `title`?".into(),
        };
        let report = ErrorReport::from_error(&error);
        assert_eq!(report.errors[0].location, "content/a.md:3:7");
        assert_eq!(report.errors[0].message, "unknown key `titel`");
        assert_eq!(report.errors[0].hint, "did you mean `title`?");
    }

    #[test]
    fn strict_warnings_become_one_item_each() {
        let warning = |line| Warning {
            at: Location::new("content/a.md", line, 1),
            message: "broken link".into(),
            hint: "fix it".into(),
        };
        let report = ErrorReport::from_error(&BuildError::Strict {
            warnings: vec![warning(1), warning(9)],
        });
        let locations: Vec<_> = report.errors.iter().map(|e| e.location.as_str()).collect();
        assert_eq!(locations, ["content/a.md:1:1", "content/a.md:9:1"]);
    }

    #[test]
    fn other_errors_are_split_at_their_first_colon() {
        let error = BuildError::MissingContent {
            path: "nowhere".into(),
        };
        let report = ErrorReport::from_error(&error);
        assert_eq!(report.errors[0].location, "nowhere");
        assert!(report.errors[0].hint.starts_with("pass the folder"));
    }
}
