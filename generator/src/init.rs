//! `runbook init [DIR]`: the first step for a team with a folder of
//! Markdown runbooks. Reads the folder, writes a `runbook.yaml` that fits
//! it (title from the index page's heading, `language: ja` for mostly
//! Japanese text, placeholders proposed from the code blocks) and a GitHub
//! Pages workflow. It never overwrites a file: run twice, the second run
//! writes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::config::{is_placeholder_name, CONFIG_FILE};
use crate::error::BuildError;
use crate::plural::count;
use crate::source;

/// The Pages workflow of this repository, as `init` writes it for a team.
pub const PAGES_WORKFLOW: &str = include_str!("../../.github/workflows/pages.yml");
/// Where the workflow goes, from the repository's root.
pub const WORKFLOW_PATH: &str = ".github/workflows/pages.yml";

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitReport {
    /// Files written, with a word on what each holds.
    pub written: Vec<(PathBuf, String)>,
    /// Files that were there already, left as they were.
    pub kept: Vec<PathBuf>,
    /// The command to run next.
    pub next: String,
}

/// What `init` read in a folder.
#[derive(Debug, Default, PartialEq)]
pub struct Survey {
    pub title: Option<String>,
    pub japanese: bool,
    /// Placeholder name → pages (source paths) it is used on.
    pub placeholders: BTreeMap<String, BTreeSet<String>>,
    pub pages: usize,
}

/// Runs `init` on `dir`: writes what is missing, keeps what is there.
pub fn init(dir: &Path) -> Result<InitReport, BuildError> {
    if !dir.is_dir() {
        return Err(BuildError::MissingContent {
            path: dir.to_path_buf(),
        });
    }
    let mut report = InitReport {
        next: format!("runbook serve {}", shell_word(&dir.display().to_string())),
        ..InitReport::default()
    };
    let config = dir.join(CONFIG_FILE);
    if config.exists() {
        report.kept.push(config);
    } else {
        let survey = survey(dir)?;
        let text = config_text(&survey, &folder_name(dir));
        if create_new(&config, &text)? {
            let what = format!(
                "{}, {} proposed",
                count(survey.pages, "page"),
                count(survey.placeholders.len(), "placeholder"),
            );
            report.written.push((config, what));
        } else {
            report.kept.push(config);
        }
    }

    // The workflow belongs at the repository's root, which may be above
    // the content folder; without git, the folder is taken as the root.
    let (root, content) = repository_root(dir);
    let workflow = root.join(WORKFLOW_PATH);
    let text = workflow_text(&content);
    if create_new(&workflow, &text)? {
        report.written.push((
            workflow,
            format!("builds {content} with --strict and publishes it to GitHub Pages"),
        ));
    } else {
        report.kept.push(workflow);
    }
    Ok(report)
}

/// Reads every Markdown file of `dir` (as a build would find them).
pub fn survey(dir: &Path) -> Result<Survey, BuildError> {
    let mut survey = Survey::default();
    let (mut japanese, mut latin) = (0usize, 0usize);
    // Bare ALL_CAPS names count from two pages up; `<NAME>` forms from one.
    let mut bracketed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut bare: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut index: Option<Option<String>> = None;
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            BuildError::io(
                &path,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot read")),
            )
        })?;
        if !entry.file_type().is_file() || !source::is_markdown(entry.path()) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        survey.pages += 1;
        let page = read_page(&text);
        japanese += page.japanese;
        latin += page.latin;
        for (name, is_bracketed) in page.names {
            let map = if is_bracketed {
                &mut bracketed
            } else {
                &mut bare
            };
            map.entry(name).or_default().insert(rel.clone());
        }
        // The index: the root's README/index/_index.
        if crate::paths::output_path(&rel) == "index.html" && index.is_none() {
            index = Some(page.title);
        }
    }
    survey.title = index.flatten();
    survey.japanese = japanese > latin;
    for (name, pages) in bare {
        if pages.len() >= 2 {
            survey.placeholders.entry(name).or_default().extend(pages);
        }
    }
    for (name, pages) in bracketed {
        survey.placeholders.entry(name).or_default().extend(pages);
    }
    Ok(survey)
}

/// What one page contributes.
struct PageSurvey {
    title: Option<String>,
    japanese: usize,
    latin: usize,
    /// Candidate names, and whether each was written `<NAME>`.
    names: BTreeSet<(String, bool)>,
}

fn read_page(text: &str) -> PageSurvey {
    let (front_title, body) = match crate::front_matter::parse(Path::new(""), text) {
        Ok(parsed) => (parsed.front.title, parsed.body),
        Err(_) => (None, text),
    };
    let mut page = PageSurvey {
        title: front_title,
        japanese: 0,
        latin: 0,
        names: BTreeSet::new(),
    };
    let mut code: Option<(String, String)> = None;
    let mut heading: Option<String> = None;
    let mut first_h1: Option<String> = None;
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_lowercase()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, text)) = code.take() {
                    page.names.extend(placeholder_names(&lang, &text));
                }
            }
            Event::Start(Tag::Heading { level, .. }) if level as u8 == 1 && first_h1.is_none() => {
                heading = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    first_h1 = Some(h.trim().to_string());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut code {
                    text.push_str(&t);
                    continue;
                }
                if let Some(h) = &mut heading {
                    h.push_str(&t);
                }
                for c in t.chars() {
                    if is_japanese(c) {
                        page.japanese += 1;
                    } else if c.is_ascii_alphabetic() {
                        page.latin += 1;
                    }
                }
            }
            _ => {}
        }
    }
    page.title = page.title.or(first_h1);
    page
}

/// Kana and the CJK ideographs Japanese is written in.
fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF66}'..='\u{FF9F}')
}

/// Candidate placeholders in one code block: `<NAME>` forms, and bare
/// ALL_CAPS names, leaving out shell variables (`$NAME`, `NAME=…`,
/// `export NAME`), comments and SQL (whose keywords are capitals).
fn placeholder_names(lang: &str, code: &str) -> Vec<(String, bool)> {
    let sql = matches!(
        lang,
        "sql" | "psql" | "postgres" | "postgresql" | "pgsql" | "mysql"
    );
    // Comment lines name things in capitals (`# DONE`), as do the column
    // headers of command output (`NAME READY STATUS`): a bare name needs
    // a `_` (PROJECT_ID) or to stand where a value goes (`--region=REGION`).
    let code: String = code
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            !(line.starts_with('#') || line.starts_with("//") || line.starts_with("--"))
        })
        .map(|line| format!("{line}\n"))
        .collect();
    let code = code.as_str();
    let bytes = code.as_bytes();
    let mut names = Vec::new();
    let mut assigned = BTreeSet::new();
    for (start, word) in crate::placeholder::words(code) {
        let i = start + word.len();
        let caps = word.len() >= 2
            && word.starts_with(|c: char| c.is_ascii_uppercase())
            && word
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            && is_placeholder_name(word);
        if !caps {
            continue;
        }
        let before = start.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i).copied();
        if before == Some(b'<') && after == Some(b'>') {
            names.push((word.to_string(), true));
            continue;
        }
        let variable = crate::placeholder::is_shell_variable(bytes, start)
            || code[..start].trim_end().ends_with("export");
        if variable || after == Some(b'=') {
            assigned.insert(word);
            continue;
        }
        let as_value = matches!(before, Some(b'=' | b':'))
            || code[..start]
                .split_whitespace()
                .next_back()
                .is_some_and(|flag| flag.starts_with('-') && !flag.contains('='));
        if sql || !(word.contains('_') || (as_value && word.len() >= 3)) {
            continue;
        }
        names.push((word.to_string(), false));
    }
    // A name the block sets itself is a variable, not a placeholder.
    names.retain(|(name, bracketed)| *bracketed || !assigned.contains(name.as_str()));
    names
}

/// runbook.yaml for a surveyed folder.
pub fn config_text(survey: &Survey, folder: &str) -> String {
    let title = survey.title.clone().unwrap_or_else(|| folder.to_string());
    let mut text = String::from(
        "# The site's settings; README.md of runbook, section runbook.yaml, lists them all.\n",
    );
    text.push_str(&format!("title: {}\n", yaml_string(&title)));
    text.push_str(&format!(
        "language: {}\n",
        if survey.japanese { "ja" } else { "en" }
    ));
    if survey.placeholders.is_empty() {
        text.push_str(
            "# placeholders:\n#   PROJECT_ID: The GCP project (`gcloud config get project`)\n",
        );
    } else {
        text.push_str("# Values a reader fills in once per page; found in the code blocks.\n# Describe each (how to find the value), or delete the line.\nplaceholders:\n");
        for (name, pages) in &survey.placeholders {
            let shown: Vec<&str> = pages.iter().take(3).map(String::as_str).collect();
            let more = if pages.len() > 3 {
                format!(" and {} more", pages.len() - 3)
            } else {
                String::new()
            };
            text.push_str(&format!(
                "  {name}: \"\"  # used in {}{more}\n",
                shown.join(", ")
            ));
        }
    }
    text.push_str("# Days after a page's last_reviewed date at which `runbook check` warns.\n# review_after_days: 180\n");
    text
}

/// The Pages workflow, building `content` (a path from the repository root).
pub fn workflow_text(content: &str) -> String {
    PAGES_WORKFLOW.replace(
        "build content --out site",
        &format!("build {} --out site", shell_word(content)),
    )
}

/// The repository root above `dir` (by its `.git`) and `dir` from there;
/// `dir` itself and `.` when it is in no repository.
fn repository_root(dir: &Path) -> (PathBuf, String) {
    let Ok(absolute) = dir.canonicalize() else {
        return (dir.to_path_buf(), ".".into());
    };
    for ancestor in absolute.ancestors() {
        if ancestor.join(".git").exists() {
            let rel = absolute
                .strip_prefix(ancestor)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let rel = if rel.is_empty() { ".".to_string() } else { rel };
            return (ancestor.to_path_buf(), rel);
        }
    }
    (dir.to_path_buf(), ".".into())
}

fn folder_name(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Runbook".into())
}

/// Writes `text` at `path` unless a file is there; `false` when one was.
fn create_new(path: &Path, text: &str) -> Result<bool, BuildError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| BuildError::io(parent, e))?;
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    match file {
        Ok(mut file) => {
            file.write_all(text.as_bytes())
                .map_err(|e| BuildError::io(path, e))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(BuildError::io(path, e)),
    }
}

/// A YAML string, quoted when it would read as something else.
fn yaml_string(s: &str) -> String {
    serde_yaml::to_string(s)
        .map(|y| y.trim_end().to_string())
        .unwrap_or_else(|_| format!("{s:?}"))
}

/// A path as one shell word.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_contains;

    #[test]
    fn bracketed_names_count_and_shell_variables_do_not() {
        let names = placeholder_names(
            "bash",
            "export NAMESPACE=prod\nkubectl logs <POD_NAME> -n $NAMESPACE --project PROJECT_ID --region=REGION\nFOO=1 make\necho ${HOME} GET\n# DONE_LATER\nNAME READY STATUS\n",
        );
        assert_eq!(
            names,
            [
                ("POD_NAME".to_string(), true),
                ("PROJECT_ID".to_string(), false),
                ("REGION".to_string(), false)
            ]
        );
        // SQL capitals are keywords.
        assert!(placeholder_names("sql", "SELECT * FROM T WHERE db = DB_NAME").is_empty());
    }

    #[test]
    fn japanese_title_and_placeholders_from_pages() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "README.md",
            "# 決済 API ランブック\n\n障害対応の手順をまとめます。\n",
        );
        write(
            "a.md",
            "# 高負荷\n\n```bash\nkubectl top pod -n NAMESPACE_NAME\n```\n",
        );
        write(
            "db/b.md",
            "# 接続\n\n```bash\nkubectl get pods -n NAMESPACE_NAME <POD_NAME>\nONCE_ONLY\n```\n",
        );
        let survey = survey(dir.path()).unwrap();
        assert_eq!(survey.title.as_deref(), Some("決済 API ランブック"));
        assert!(survey.japanese);
        assert_eq!(survey.pages, 3);
        assert_eq!(
            survey.placeholders.keys().collect::<Vec<_>>(),
            ["NAMESPACE_NAME", "POD_NAME"]
        );
        let text = config_text(&survey, "x");
        let config = crate::config::SiteConfig::parse(&text, Path::new(CONFIG_FILE)).unwrap();
        assert_eq!(config.title, "決済 API ランブック");
        assert_eq!(config.language, "ja");
        assert_eq!(config.placeholders["NAMESPACE_NAME"].description(), "");
        assert_contains(&text, "NAMESPACE_NAME: \"\"  # used in a.md, db/b.md");
    }

    #[test]
    fn english_folder_without_index_is_titled_by_its_name() {
        let survey = Survey {
            pages: 1,
            ..Survey::default()
        };
        let text = config_text(&survey, "ops: runbooks");
        let config = crate::config::SiteConfig::parse(&text, Path::new(CONFIG_FILE)).unwrap();
        assert_eq!(config.title, "ops: runbooks");
        assert_eq!(config.language, "en");
        assert!(config.placeholders.is_empty());
    }

    #[test]
    fn workflow_builds_the_folder_it_was_made_for() {
        let text = workflow_text("docs/runbooks");
        assert_contains(&text, "build docs/runbooks --out site --strict");
        assert!(text.contains("actions/deploy-pages"));
        assert_eq!(workflow_text("content"), PAGES_WORKFLOW);
    }
}
