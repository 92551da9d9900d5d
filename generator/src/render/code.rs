//! Code blocks: highlighted at build time, placeholders marked, console
//! prompts and output kept out of what the copy button copies.

use std::collections::BTreeSet;

use crate::highlight::Highlighter;
use crate::placeholder::{sentinel_prefix, Placeholders};

/// The HTML of one code block and the placeholders it uses.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedCode {
    pub html: String,
    pub placeholders: BTreeSet<String>,
}

/// Renders a fenced or indented code block. `info` is the fence's info
/// string (`bash`, `console title=x`), possibly empty.
pub fn render(
    highlighter: &Highlighter,
    placeholders: &Placeholders,
    info: &str,
    code: &str,
) -> RenderedCode {
    let lang = info
        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or("")
        .trim();
    let mut used = BTreeSet::new();
    let body = if is_console(lang) {
        render_console(highlighter, placeholders, code, &mut used)
    } else {
        render_source(highlighter, placeholders, lang, code, &mut used)
    };
    let lang_attr = escape(lang);
    // The bar over the block (its language, and the copy button runbook.js
    // adds) is drawn by the stylesheet from `data-lang`: written out, it was
    // sixty bytes a block on every page.
    let html = format!(
        "<div class=\"code\" data-lang=\"{lang_attr}\"><pre><code{class}>{body}</code></pre></div>\n",
        class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{lang_attr}\"") },
    );
    RenderedCode {
        html,
        placeholders: used,
    }
}

fn is_console(lang: &str) -> bool {
    matches!(
        lang,
        "console" | "shell-session" | "shellsession" | "terminal"
    )
}

/// Highlighted code with placeholders marked. Placeholders are swapped for
/// plain identifiers before highlighting, so a grammar cannot split
/// `<POD_NAME>` into two redirections, then swapped back as marked spans.
fn render_source(
    highlighter: &Highlighter,
    placeholders: &Placeholders,
    lang: &str,
    code: &str,
    used: &mut BTreeSet<String>,
) -> String {
    let found = placeholders.find(code);
    let Some(syntax) = highlighter.syntax(lang) else {
        return plain_with_placeholders(placeholders, code, used);
    };
    if found.is_empty() {
        return highlighter
            .highlight(syntax, &with_newline(code))
            .unwrap_or_else(|| escape_text(code));
    }
    let prefix = sentinel_prefix(code);
    let mut substituted = String::with_capacity(code.len());
    let mut last = 0;
    for (i, occurrence) in found.iter().enumerate() {
        substituted.push_str(&code[last..occurrence.range.start]);
        substituted.push_str(&format!("{prefix}{i}Z"));
        last = occurrence.range.end;
    }
    substituted.push_str(&code[last..]);
    let Some(mut html) = highlighter.highlight(syntax, &with_newline(&substituted)) else {
        return plain_with_placeholders(placeholders, code, used);
    };
    // Replace from the last so `…1Z` is never found inside `…11Z`.
    for (i, occurrence) in found.iter().enumerate().rev() {
        let marker = format!("{prefix}{i}Z");
        let Some(at) = html.find(&marker) else {
            // The grammar split our marker: fall back to plain text rather
            // than lose a placeholder.
            used.clear();
            return plain_with_placeholders(placeholders, code, used);
        };
        let span = placeholder_span(&occurrence.name, &code[occurrence.range.clone()]);
        html.replace_range(at..at + marker.len(), &span);
        used.insert(occurrence.name.clone());
    }
    html
}

fn plain_with_placeholders(
    placeholders: &Placeholders,
    code: &str,
    used: &mut BTreeSet<String>,
) -> String {
    let mut html = String::with_capacity(code.len() + 32);
    let mut last = 0;
    for occurrence in placeholders.find(code) {
        html.push_str(&escape_text(&code[last..occurrence.range.start]));
        html.push_str(&placeholder_span(
            &occurrence.name,
            &code[occurrence.range.clone()],
        ));
        used.insert(occurrence.name);
        last = occurrence.range.end;
    }
    html.push_str(&escape_text(&code[last..]));
    html
}

fn placeholder_span(name: &str, original: &str) -> String {
    format!(
        "<span class=\"ph\" data-ph=\"{name}\" title=\"{name}\">{}</span>",
        escape_text(original)
    )
}

/// A console session: `$ ` lines (and their `\` continuations) are
/// commands, the rest is output. Prompts and output are marked so CSS makes
/// them unselectable and the copy button skips them.
fn render_console(
    highlighter: &Highlighter,
    placeholders: &Placeholders,
    code: &str,
    used: &mut BTreeSet<String>,
) -> String {
    let mut html = String::with_capacity(code.len() * 2);
    let mut continuing = false;
    for line in code.split_inclusive('\n') {
        let text = line.strip_suffix('\n').unwrap_or(line);
        let command = if continuing {
            Some(text)
        } else {
            text.strip_prefix("$ ")
                .inspect(|_| html.push_str("<span class=\"prompt\" aria-hidden=\"true\">$ </span>"))
        };
        match command {
            Some(command) => {
                html.push_str(
                    &render_source(highlighter, placeholders, "bash", command, used)
                        .replace('\n', ""),
                );
                html.push('\n');
                continuing = command.ends_with('\\');
            }
            None => {
                html.push_str("<span class=\"output\">");
                html.push_str(&escape_text(text));
                html.push_str("</span>\n");
            }
        }
    }
    html
}

fn with_newline(code: &str) -> String {
    if code.ends_with('\n') {
        code.to_string()
    } else {
        format!("{code}\n")
    }
}

/// Escapes text for HTML content and attribute values (the one escaper
/// shared with the browser side); code, which is only ever content, keeps
/// its quotes (`escape_text`).
pub use runbook_widgets::html::{escape, escape_text};

#[cfg(test)]
mod tests {
    use super::*;

    fn render_with(info: &str, code: &str) -> RenderedCode {
        let h = Highlighter::new();
        let p = Placeholders::new(["PROJECT_ID", "POD_NAME"]);
        render(&h, &p, info, code)
    }

    #[test]
    fn bash_placeholders_are_marked_inside_highlighting() {
        let out = render_with("bash", "kubectl logs <POD_NAME> --project=PROJECT_ID\n");
        assert!(out.html.contains("<span class=\"ph\" data-ph=\"POD_NAME\" title=\"POD_NAME\">&lt;POD_NAME&gt;</span>"), "{}", out.html);
        assert!(out.html.contains("data-ph=\"PROJECT_ID\""), "{}", out.html);
        assert!(out.html.contains("<h-"), "{}", out.html);
        assert_eq!(
            out.placeholders.iter().collect::<Vec<_>>(),
            ["POD_NAME", "PROJECT_ID"]
        );
    }

    #[test]
    fn unknown_language_is_plain_with_placeholders() {
        let out = render_with("mermaid", "up{project=\"PROJECT_ID\"}\n");
        assert!(out.html.contains("data-ph=\"PROJECT_ID\""));
        assert!(out.html.contains("up{project=\""), "{}", out.html);
    }

    #[test]
    fn promql_placeholders_are_marked_inside_highlighting() {
        let out = render_with(
            "promql",
            "up{project=\"PROJECT_ID\", pod=\"<POD_NAME>\"} == 0\n",
        );
        assert!(out.html.contains("data-ph=\"PROJECT_ID\""), "{}", out.html);
        assert!(out.html.contains("data-ph=\"POD_NAME\""), "{}", out.html);
        // The label name is coloured (an attribute name in both themes).
        assert!(
            out.html.contains(">project</h-") && !out.html.contains("<h-0>"),
            "{}",
            out.html
        );
        assert_eq!(out.placeholders.len(), 2);
    }

    #[test]
    fn console_marks_prompt_and_output() {
        let out = render_with(
            "console",
            "$ kubectl get pods \\\n  -n default\nNAME READY\napi-1 1/1\n",
        );
        assert_eq!(out.html.matches("class=\"prompt\"").count(), 1);
        assert_eq!(out.html.matches("class=\"output\"").count(), 2);
        assert!(out.html.contains("-n"), "{}", out.html);
    }

    #[test]
    fn untagged_fence_has_no_language_and_no_button() {
        let out = render_with("", "echo <b>\n");
        // The bar is the stylesheet's and the copy button the page
        // script's (it copies nothing without it): neither is written
        // into every block of every page.
        assert!(
            out.html
                .starts_with("<div class=\"code\" data-lang=\"\"><pre><code>"),
            "{}",
            out.html
        );
        assert!(!out.html.contains("copy"), "{}", out.html);
        assert!(out.html.contains("echo &lt;b&gt;"));
        assert!(!out.html.contains("language-"));
    }

    #[test]
    fn many_placeholders_keep_their_order() {
        let code = (0..12)
            .map(|i| {
                if i % 2 == 0 {
                    "PROJECT_ID "
                } else {
                    "<POD_NAME> "
                }
            })
            .collect::<String>();
        let out = render_with("bash", &code);
        assert_eq!(out.html.matches("class=\"ph\"").count(), 12);
        assert!(!out.html.contains("RbPh"));
    }
}
