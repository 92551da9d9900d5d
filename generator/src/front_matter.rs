//! Front matter: the optional YAML block at the top of a page.
//!
//! Known keys are typed; unknown keys are warnings (a migrated Hugo page
//! should still build); invalid YAML is an error at its place in the
//! original file, not in the extracted block.

use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{BuildError, Location, Warning};

/// Severities a runbook page may declare, most urgent first.
pub const SEVERITIES: [&str; 4] = ["CRITICAL", "ERROR", "WARNING", "INFO"];

const KNOWN_KEYS: [&str; 7] = [
    "title",
    "description",
    "alerts",
    "severity",
    "owner",
    "tags",
    "weight",
];

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct FrontMatter {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Alert names that lead a reader here (`TekuTokoHighErrorRate`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub alerts: Vec<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    /// Orders pages the index does not link; lower comes first.
    #[serde(default)]
    pub weight: Option<i64>,
}

/// A page split into its front matter and its Markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
    /// Lines before the body, added to body line numbers in messages.
    pub body_line_offset: usize,
    pub warnings: Vec<Warning>,
}

/// Splits and parses the front matter of `text`; `path` is for messages.
pub fn parse<'a>(path: &Path, text: &'a str) -> Result<Parsed<'a>, BuildError> {
    let Some((yaml, body, yaml_first_line)) = split(text) else {
        return Ok(Parsed {
            front: FrontMatter::default(),
            body: text,
            body_line_offset: 0,
            warnings: unclosed(path, text).into_iter().collect(),
        });
    };
    let body_line_offset = text[..text.len() - body.len()].matches('\n').count();
    let at = |line: usize, column: usize| Location::new(path, yaml_first_line + line - 1, column);
    let yaml_error = |e: serde_yaml::Error| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        BuildError::FrontMatter {
            at: at(line, column),
            message: format!("invalid front matter: {}", strip_location(&e.to_string())),
            hint: "front matter is YAML between two `---` lines; quote values that contain `:` or start with `@`, `*`, `[`".to_string(),
        }
    };

    if yaml.trim().is_empty() {
        return Ok(Parsed {
            front: FrontMatter::default(),
            body,
            body_line_offset,
            warnings: Vec::new(),
        });
    }
    let mapping: serde_yaml::Value = serde_yaml::from_str(yaml).map_err(yaml_error)?;
    let Some(mapping) = mapping.as_mapping() else {
        return Err(BuildError::FrontMatter {
            at: at(1, 1),
            message: "front matter is not a set of `key: value` lines".to_string(),
            hint: "write e.g. `title: 高エラー率対応` between the `---` lines".to_string(),
        });
    };
    let front: FrontMatter = serde_yaml::from_str(yaml).map_err(yaml_error)?;

    let mut warnings = Vec::new();
    let lines = crate::yaml_lines::KeyLines::new(yaml);
    for key in mapping.keys() {
        let name = key
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("{key:?}"));
        if !KNOWN_KEYS.contains(&name.as_str()) {
            warnings.push(Warning {
                at: at(lines.line(&name), 1),
                message: format!("unknown front matter key `{name}`"),
                hint: format!(
                    "runbook reads {}; remove or rename this key",
                    KNOWN_KEYS.join(", ")
                ),
            });
        }
    }
    if let Some(severity) = &front.severity {
        if !SEVERITIES.contains(&severity.as_str()) {
            return Err(BuildError::FrontMatter {
                at: at(lines.line("severity"), 1),
                message: format!("unknown severity `{severity}`"),
                hint: format!("use one of {}", SEVERITIES.join(", ")),
            });
        }
    }
    Ok(Parsed {
        front,
        body,
        body_line_offset,
        warnings,
    })
}

/// `(yaml, body, first line of yaml)` when the text opens with `---`.
fn split(text: &str) -> Option<(&str, &str, usize)> {
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = first_end + 1;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &text[yaml_start..offset];
            let body = &text[offset + line.len()..];
            return Some((yaml, body, 2));
        }
        offset += line.len();
    }
    // An opening `---` with no closing one is a thematic break, not front
    // matter: leave the page to Markdown.
    None
}

/// serde_yaml appends " at line L column C"; we print our own location.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A page that opens with `---` followed by what reads as YAML, and never
/// closes it: most likely front matter missing its closing line. (A page
/// may open with a `---` rule, so it stays Markdown, with a warning.)
fn unclosed(path: &Path, text: &str) -> Option<Warning> {
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let next = lines.next()?;
    let looks_like_yaml = next
        .split_once(':')
        .is_some_and(|(key, _)| !key.is_empty() && !key.contains(' ') && !key.starts_with('#'));
    looks_like_yaml.then(|| Warning {
        at: Location::new(path, 1, 1),
        message: "front matter opened by `---` is never closed".into(),
        hint: "add a `---` line after the last `key: value` line".into(),
    })
}

/// Accepts `alerts: Foo` as well as `alerts: [Foo, Bar]`.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
        Nothing(()),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
        OneOrMany::Nothing(()) => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Parsed<'_>, BuildError> {
        parse(Path::new("page.md"), text)
    }

    #[test]
    fn no_front_matter_keeps_the_text() {
        let parsed = p("# Title\n").unwrap();
        assert_eq!(parsed.body, "# Title\n");
        assert_eq!(parsed.front, FrontMatter::default());
    }

    #[test]
    fn reads_known_keys() {
        let parsed = p("---\ntitle: 高エラー率対応\nalerts: TekuTokoHighErrorRate\nseverity: ERROR\ntags: [a, b]\nweight: 3\n---\n# Body\n").unwrap();
        assert_eq!(parsed.front.title.as_deref(), Some("高エラー率対応"));
        assert_eq!(parsed.front.alerts, ["TekuTokoHighErrorRate"]);
        assert_eq!(parsed.front.tags, ["a", "b"]);
        assert_eq!(parsed.front.weight, Some(3));
        assert_eq!(parsed.body, "# Body\n");
        assert_eq!(parsed.body_line_offset, 7);
    }

    #[test]
    fn invalid_yaml_points_into_the_original_file() {
        let err = p("---\ntitle: ok\nowner: @lead\n---\nbody")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("page.md:3:8: invalid front matter"),
            "{err}"
        );
        assert!(err.contains("fix: "), "{err}");
    }

    #[test]
    fn wrong_type_is_an_error_with_position() {
        let err = p("---\ntitle: t\nweight: heavy\n---\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("page.md:3:"), "{err}");
    }

    #[test]
    fn unknown_key_is_a_warning_at_its_line() {
        let parsed = p("---\ntitle: t\ndraft: true\n---\n").unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].at.line, 3);
        assert!(parsed.warnings[0].message.contains("draft"));
    }

    #[test]
    fn unknown_severity_is_an_error() {
        let err = p("---\nseverity: urgent\n---\n").unwrap_err().to_string();
        assert!(err.starts_with("page.md:2:1: unknown severity"), "{err}");
    }

    #[test]
    fn unclosed_block_is_markdown_with_a_warning() {
        let parsed = p("---\ntitle: t\n").unwrap();
        assert_eq!(parsed.body, "---\ntitle: t\n");
        assert_eq!(parsed.warnings.len(), 1);
        assert!(parsed.warnings[0].message.contains("never closed"));
        // A page that opens with a rule is not front matter.
        assert!(p("---\n\nText after a rule.\n")
            .unwrap()
            .warnings
            .is_empty());
    }

    #[test]
    fn many_keys_are_located_in_linear_time() {
        let mut text = String::from("---\n");
        for i in 0..40_000 {
            text.push_str(&format!("key{i}: {i}\n"));
        }
        text.push_str("---\n");
        let parsed = p(&text).unwrap();
        assert_eq!(parsed.warnings.len(), 40_000);
        assert_eq!(parsed.warnings[39_999].at.line, 40_001);
    }

    #[test]
    fn list_front_matter_is_an_error() {
        let err = p("---\n- a\n- b\n---\n").unwrap_err().to_string();
        assert!(err.contains("key: value"), "{err}");
    }
}
