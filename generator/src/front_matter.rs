//! Front matter: the optional YAML block at the top of a page.
//!
//! Known keys are typed; unknown keys are warnings (a migrated Hugo page
//! should still build); invalid YAML is an error at its place in the
//! original file, not in the extracted block.

use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::error::{BuildError, Location, Warning};
use crate::severity::Severity;

/// Keys runbook reads, with the spellings other generators use for them.
pub const KNOWN_KEYS: [&str; 15] = [
    "title",
    "description",
    "alerts",
    "alert",
    "severity",
    "owner",
    "tags",
    "weight",
    "sidebar_position",
    "aliases",
    "draft",
    "date",
    "lastmod",
    "last_reviewed",
    "reviewed",
];

/// Keys of other generators (Hugo and its Book theme, Docusaurus, Jekyll,
/// Wiki.js) that mean nothing for a runbook site: accepted without a
/// warning, so a migrated tree builds clean. README.md lists them too.
pub const FOREIGN_KEYS: &[&str] = &[
    // Hugo
    "_build",
    "build",
    "cascade",
    "categories",
    "draft_until",
    "expiryDate",
    "headless",
    "images",
    "isCJKLanguage",
    "keywords",
    "layout",
    "linkTitle",
    "markup",
    "menu",
    "outputs",
    "publishDate",
    "resources",
    "series",
    "slug",
    "summary",
    "toc",
    "translationKey",
    "type",
    "url",
    // Hugo Book theme
    "bookCollapseSection",
    "bookComments",
    "bookFlatSection",
    "bookHidden",
    "bookSearchExclude",
    "bookToc",
    // Docusaurus
    "custom_edit_url",
    "hide_table_of_contents",
    "hide_title",
    "id",
    "pagination_label",
    "pagination_next",
    "pagination_prev",
    "sidebar_class_name",
    "sidebar_custom_props",
    "sidebar_label",
    // Jekyll (Just the Docs)
    "has_children",
    "nav_order",
    "parent",
    "permalink",
    // Wiki.js
    "dateCreated",
    "editor",
    "published",
];

/// A page's front matter, with other generators' spellings folded in:
/// `alert` into `alerts`, `sidebar_position` into `weight`, `lastmod` and
/// `date` into `updated`, `reviewed` into `reviewed`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Alert names that lead a reader here (`TekuTokoHighErrorRate`).
    pub alerts: Vec<String>,
    pub severity: Option<Severity>,
    pub owner: Option<String>,
    pub tags: Vec<String>,
    /// Orders pages the index does not link; lower comes first.
    pub weight: Option<i64>,
    /// Old paths of this page (`/old/path/`): each gets a redirect page.
    pub aliases: Vec<String>,
    /// `draft: true`: the page is not published.
    pub draft: bool,
    /// `lastmod`, else `date`, as `YYYY-MM-DD`: "last updated" when git
    /// has no history for the file.
    pub updated: Option<String>,
    /// `last_reviewed` (or `reviewed`) as `YYYY-MM-DD`.
    pub reviewed: Option<String>,
    /// Lines (in the file) of the keys later stages report on.
    pub lines: KeyLinesAt,
}

/// Where some keys were written, for messages after parsing.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KeyLinesAt {
    /// `alerts:`, else `alert:`.
    pub alerts: usize,
    pub draft: usize,
    pub reviewed: usize,
    pub aliases: usize,
}

/// The YAML as written; folded into `FrontMatter` by `fold`.
#[derive(Deserialize)]
struct Raw {
    #[serde(default, deserialize_with = "scalar")]
    title: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    description: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    alerts: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    alert: Vec<String>,
    #[serde(default, deserialize_with = "scalar")]
    severity: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    owner: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    tags: Vec<String>,
    #[serde(default)]
    weight: Option<i64>,
    /// Docusaurus allows fractions (`2.5`); the order is what counts.
    #[serde(default)]
    sidebar_position: Option<f64>,
    #[serde(default, deserialize_with = "one_or_many")]
    aliases: Vec<String>,
    #[serde(default)]
    draft: Option<bool>,
    #[serde(default, deserialize_with = "scalar")]
    date: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    lastmod: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    last_reviewed: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    reviewed: Option<String>,
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
    let raw: Raw = serde_yaml::from_str(yaml).map_err(yaml_error)?;

    let mut warnings = Vec::new();
    let lines = crate::yaml_lines::KeyLines::new(yaml);
    for key in mapping.keys() {
        let name = key
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("{key:?}"));
        if !KNOWN_KEYS.contains(&name.as_str()) && !FOREIGN_KEYS.contains(&name.as_str()) {
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
    let file_line = |key: &str| yaml_first_line + lines.line(key) - 1;
    let mut date = |key: &str, value: Option<String>| -> Option<String> {
        let value = value?;
        let parsed = crate::review::parse_date(&value);
        if parsed.is_none() {
            warnings.push(Warning {
                at: at(lines.line(key), 1),
                message: format!("`{key}: {value}` is not a date"),
                hint: "write the date as YYYY-MM-DD (a time after it is fine)".into(),
            });
        }
        parsed
    };
    let updated = date("lastmod", raw.lastmod).or(date("date", raw.date));
    let reviewed_key = if raw.last_reviewed.is_some() {
        "last_reviewed"
    } else {
        "reviewed"
    };
    let reviewed = date(reviewed_key, raw.last_reviewed.or(raw.reviewed));
    let severity = raw.severity.as_deref().map(Severity::new);
    if let Some(severity) = severity.as_ref().filter(|s| s.level.is_none()) {
        warnings.push(Warning {
            at: at(lines.line("severity"), 1),
            message: format!(
                "severity `{}` maps to no level; it is shown as written",
                severity.written
            ),
            hint: "use one of critical, error, warning, info (or P1-P5, SEV1-SEV5, high/medium/low); README.md, section Severity, has the table".into(),
        });
    }
    let alerts_key = if raw.alerts.is_empty() {
        "alert"
    } else {
        "alerts"
    };
    let mut alerts = raw.alerts;
    for name in raw.alert {
        if !alerts.contains(&name) {
            alerts.push(name);
        }
    }
    let front = FrontMatter {
        title: raw.title,
        description: raw.description,
        alerts,
        severity,
        owner: raw.owner,
        tags: raw.tags,
        weight: raw
            .weight
            .or(raw.sidebar_position.map(|p| p.round() as i64)),
        aliases: raw.aliases,
        draft: raw.draft.unwrap_or(false),
        updated,
        reviewed,
        lines: KeyLinesAt {
            alerts: file_line(alerts_key),
            draft: file_line("draft"),
            reviewed: file_line(reviewed_key),
            aliases: file_line("aliases"),
        },
    };
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

/// A string from any YAML scalar: `severity: 1`, `date: 2024-01-05` and
/// `title: 404` are strings to a runbook, whatever YAML makes of them.
fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::de::Error;
    Ok(match serde_yaml::Value::deserialize(d)? {
        serde_yaml::Value::Null => None,
        serde_yaml::Value::String(s) => Some(s),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        other => {
            return Err(D::Error::custom(format!(
                "expected a single value, found {}",
                match other {
                    serde_yaml::Value::Sequence(_) => "a list",
                    _ => "a mapping",
                }
            )))
        }
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
    use crate::severity::Level;
    use crate::testing::{assert_contains, assert_starts_with};

    fn p(text: &str) -> Result<Parsed<'_>, BuildError> {
        parse(Path::new("page.md"), text)
    }

    /// The error page.md holding `text` stops the build with.
    fn refusal(text: &str) -> String {
        p(text).unwrap_err().to_string()
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
        let err = refusal("---\ntitle: ok\nowner: @lead\n---\nbody");
        assert_starts_with(&err, "page.md:3:8: invalid front matter");
        assert_contains(&err, "fix: ");
    }

    #[test]
    fn wrong_type_is_an_error_with_position() {
        let err = refusal("---\ntitle: t\nweight: heavy\n---\n");
        assert_starts_with(&err, "page.md:3:");
    }

    #[test]
    fn unknown_key_is_a_warning_at_its_line() {
        let parsed = p("---\ntitle: t\ndraftt: true\n---\n").unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].at.line, 3);
        assert!(parsed.warnings[0].message.contains("draftt"));
    }

    /// A severity outside the table is shown as written and warned about
    /// at its line; it no longer stops the build.
    #[test]
    fn unknown_severity_is_a_warning_at_its_line() {
        let parsed = p("---\nseverity: urgent\n---\n").unwrap();
        let severity = parsed.front.severity.unwrap();
        assert_eq!((severity.label(), severity.class()), ("urgent", "other"));
        assert_eq!(parsed.warnings.len(), 1);
        let warning = parsed.warnings[0].to_string();
        assert_starts_with(
            &warning,
            "page.md:2:1: warning: severity `urgent` maps to no level",
        );
    }

    #[test]
    fn prometheus_pager_and_ticket_severities_are_read() {
        for (written, level) in [
            ("critical", Level::Critical),
            ("P1", Level::Critical),
            ("SEV2", Level::Error),
            ("medium", Level::Warning),
            ("1", Level::Critical),
            ("low", Level::Info),
        ] {
            let text = format!("---\nseverity: {written}\n---\n");
            let parsed = p(&text).unwrap();
            let severity = parsed.front.severity.unwrap();
            // `severity: 1` is YAML's number; it reads as `1`, which maps to
            // nothing, but is not an error.
            if written == "1" {
                assert_eq!(severity.level, None);
                continue;
            }
            assert_eq!(severity.level, Some(level), "{written}");
            assert_eq!(severity.written, written);
            assert!(
                parsed.warnings.is_empty(),
                "{written}: {:?}",
                parsed.warnings
            );
        }
    }

    #[test]
    fn alert_adds_to_alerts() {
        let one = p("---\ntitle: t\nalert: HadoopNameNodeDown\n---\n").unwrap();
        assert_eq!(one.front.alerts, ["HadoopNameNodeDown"]);
        assert_eq!(one.front.lines.alerts, 3);
        let both = p("---\nalerts: [A, B]\nalert: [B, C]\n---\n").unwrap();
        assert_eq!(both.front.alerts, ["A", "B", "C"]);
        assert!(both.warnings.is_empty());
    }

    #[test]
    fn sidebar_position_is_weight() {
        let parsed = p("---\nsidebar_position: 2\n---\n").unwrap();
        assert_eq!(parsed.front.weight, Some(2));
        // `weight` wins when both are written.
        let parsed = p("---\nweight: 5\nsidebar_position: 2\n---\n").unwrap();
        assert_eq!(parsed.front.weight, Some(5));
    }

    #[test]
    fn draft_aliases_and_their_lines() {
        let parsed =
            p("---\ntitle: t\ndraft: true\naliases:\n  - /old/\n  - /older.html\n---\n").unwrap();
        assert!(parsed.front.draft);
        assert_eq!(parsed.front.aliases, ["/old/", "/older.html"]);
        assert_eq!(parsed.front.lines.draft, 3);
        assert_eq!(parsed.front.lines.aliases, 4);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert!(!p("---\ndraft: false\n---\n").unwrap().front.draft);
    }

    #[test]
    fn lastmod_then_date_feed_updated() {
        let parsed = p("---\ndate: 2023-12-12T21:12:32.022Z\n---\n").unwrap();
        assert_eq!(parsed.front.updated.as_deref(), Some("2023-12-12"));
        let parsed = p("---\ndate: 2023-12-12\nlastmod: 2024-02-01\n---\n").unwrap();
        assert_eq!(parsed.front.updated.as_deref(), Some("2024-02-01"));
        let parsed = p("---\ndate: last tuesday\n---\n").unwrap();
        assert_eq!(parsed.front.updated, None);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].at.line, 2);
    }

    #[test]
    fn last_reviewed_or_reviewed_with_its_line() {
        let parsed = p("---\ntitle: t\nlast_reviewed: 2025-06-30\n---\n").unwrap();
        assert_eq!(parsed.front.reviewed.as_deref(), Some("2025-06-30"));
        assert_eq!(parsed.front.lines.reviewed, 3);
        let parsed = p("---\nreviewed: 2025-07-01\n---\n").unwrap();
        assert_eq!(parsed.front.reviewed.as_deref(), Some("2025-07-01"));
        assert_eq!(parsed.front.lines.reviewed, 2);
    }

    /// Keys of Hugo, its Book theme, Docusaurus and Wiki.js build clean.
    #[test]
    fn other_generators_keys_are_accepted_silently() {
        let text = "---\ntitle: t\nid: x\nslug: /x\nbookCollapseSection: true\nmenu:\n  main:\n    weight: 1\n_build:\n  list: never\nsidebar_label: X\neditor: markdown\ndateCreated: 2020-04-10T18:32:27.079Z\n---\n";
        let parsed = p(text).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        // One list, no key in both.
        for key in FOREIGN_KEYS {
            assert!(!KNOWN_KEYS.contains(key), "{key}");
        }
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
        let err = refusal("---\n- a\n- b\n---\n");
        assert_contains(&err, "key: value");
    }
}
