//! Build-time syntax highlighting with syntect: HTML with class names, and
//! the CSS for one light and one dark theme.
//!
//! Classes rather than inline styles keep pages small and let the reader's
//! colour scheme switch without re-rendering.

use syntect::html::{css_for_theme_with_class_style, line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{
    ParseState, ScopeStack, SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder,
};
use two_face::theme::EmbeddedThemeName;

/// Every highlighted class starts with this, so theme CSS cannot clash.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// The shell and SQL grammars runbooks lean on, in a set of their own
    /// (see `syntaxes/*.sublime-syntax` for why they are not bat's).
    own: SyntaxSet,
}

/// A grammar and the set it links against.
#[derive(Clone, Copy)]
pub struct Grammar<'a> {
    set: &'a SyntaxSet,
    syntax: &'a SyntaxReference,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

/// Our grammars: file stem (for messages) and text. `syntax` finds them by
/// the `name:` each file declares.
const OWN_GRAMMARS: [(&str, &str); 4] = [
    ("shell", include_str!("../syntaxes/shell.sublime-syntax")),
    ("sql", include_str!("../syntaxes/sql.sublime-syntax")),
    ("promql", include_str!("../syntaxes/promql.sublime-syntax")),
    ("logql", include_str!("../syntaxes/logql.sublime-syntax")),
];

/// Fence tags → a grammar's token, for the tags runbooks use that two-face
/// does not know or maps to the wrong grammar (`conf` to nginx: most
/// `.conf` blocks in runbooks are `key = value` files).
const ALIASES: &[(&str, &str)] = &[
    ("docker", "Dockerfile"),
    ("containerfile", "Dockerfile"),
    ("dockerfile", "Dockerfile"),
    ("yml", "yaml"),
    ("jsonc", "json"),
    ("json5", "json"),
    ("ndjson", "json"),
    ("hcl2", "hcl"),
    ("terraform", "hcl"),
    ("tfvars", "hcl"),
    ("pwsh", "ps1"),
    ("ps", "ps1"),
    ("powershell", "ps1"),
    ("conf", "ini"),
    ("cfg", "ini"),
    ("systemd", "ini"),
    ("service", "ini"),
    ("nginxconf", "nginx"),
    ("helm", "yaml"),
    ("k8s", "yaml"),
    ("kubernetes", "yaml"),
    ("httpie", "http"),
    ("udiff", "diff"),
];

impl Highlighter {
    pub fn new() -> Self {
        let mut own = SyntaxSetBuilder::new();
        for (name, text) in OWN_GRAMMARS {
            // The grammars ship in the binary and a unit test loads them:
            // a failure here is a bug in this crate, not in the input.
            let definition = SyntaxDefinition::load_from_str(text, true, Some(name))
                .unwrap_or_else(|e| panic!("syntaxes/{name}.sublime-syntax: {e}"));
            own.add(definition);
        }
        Highlighter {
            // two-face carries bat's grammars: newer than syntect's
            // defaults, with TOML, Dockerfile, HCL and more.
            syntaxes: two_face::syntax::extra_newlines(),
            own: own.build(),
        }
    }

    /// The grammar for a fence's language tag; `None` means plain text.
    pub fn syntax(&self, lang: &str) -> Option<Grammar<'_>> {
        let own = |name: &str| {
            let syntax = self.own.find_syntax_by_name(name)?;
            Some(Grammar {
                set: &self.own,
                syntax,
            })
        };
        let token = match lang.to_ascii_lowercase().as_str() {
            "" | "text" | "plain" | "plaintext" | "txt" | "output" => return None,
            "bash" | "sh" | "shell" | "zsh" | "console" | "shell-session" | "shellsession"
            | "terminal" => return own("Shell (runbook)"),
            "sql" | "psql" | "postgres" | "postgresql" | "pgsql" => return own("SQL (runbook)"),
            "promql" | "prometheus" | "prom" | "metricsql" => return own("PromQL (runbook)"),
            "logql" | "loki" => return own("LogQL (runbook)"),
            other => ALIASES
                .iter()
                .find(|(tag, _)| *tag == other)
                .map_or(other, |(_, token)| token)
                .to_string(),
        };
        let syntax = self.syntaxes.find_syntax_by_token(&token)?;
        Some(Grammar {
            set: &self.syntaxes,
            syntax,
        })
    }

    /// Highlights `code` (lines end in `\n`) as classed HTML. Returns `None`
    /// when the grammar fails on this input, so the caller can fall back to
    /// plain text instead of failing the build.
    pub fn highlight(&self, grammar: Grammar<'_>, code: &str) -> Option<String> {
        let mut state = ParseState::new(grammar.syntax);
        let mut stack = ScopeStack::new();
        let mut html = String::with_capacity(code.len() * 3);
        let mut open_spans: isize = 0;
        for line in code.split_inclusive('\n') {
            let ops = state.parse_line(line, grammar.set).ok()?;
            let (line_html, delta) =
                line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut stack).ok()?;
            html.push_str(&line_html);
            open_spans += delta;
        }
        for _ in 0..open_spans.max(0) {
            html.push_str("</span>");
        }
        Some(html)
    }
}

/// The highlighting CSS: a light theme by default, a dark one when the page
/// is dark (`data-theme="dark"`, or the system prefers dark and the reader
/// has not chosen light).
pub fn stylesheet() -> String {
    let themes = two_face::theme::extra();
    let light = css_for_theme_with_class_style(themes.get(EmbeddedThemeName::Github), CLASS_STYLE)
        .unwrap_or_default();
    let dark =
        css_for_theme_with_class_style(themes.get(EmbeddedThemeName::OneHalfDark), CLASS_STYLE)
            .unwrap_or_default();
    let mut css = String::from("/* Syntax highlighting: GitHub (light), OneHalfDark (dark). */\n");
    css.push_str(&strip_backgrounds(&light));
    css.push_str("\n:root[data-theme=\"dark\"] {\n");
    css.push_str(&nest(&strip_backgrounds(&dark)));
    css.push_str("}\n@media (prefers-color-scheme: dark) {\n:root:not([data-theme]) {\n");
    css.push_str(&nest(&strip_backgrounds(&dark)));
    css.push_str("}\n}\n");
    css
}

/// The theme's own code background would fight the site's; keep colours.
fn strip_backgrounds(css: &str) -> String {
    css.lines()
        .filter(|l| !l.trim_start().starts_with("background-color"))
        .filter(|l| !l.trim_start().starts_with("/*") && !l.trim_start().starts_with('*'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Prefixes each rule with `& ` for CSS nesting under the dark selector.
fn nest(css: &str) -> String {
    css.lines()
        .map(|l| {
            if l.starts_with('.') {
                let selectors: Vec<String> = l
                    .trim_end_matches('{')
                    .split(',')
                    .map(|s| format!("& {}", s.trim()))
                    .collect();
                format!("{} {{\n", selectors.join(", "))
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `code` highlighted with the grammar `language` names.
    fn highlighted(language: &str, code: &str) -> String {
        let h = Highlighter::new();
        h.highlight(h.syntax(language).unwrap(), code).unwrap()
    }

    /// Each of `expected` stands in `html`.
    fn assert_contains_all(html: &str, expected: &[&str]) {
        for expected in expected {
            assert!(html.contains(expected), "{expected}\nin\n{html}");
        }
    }

    /// Every span opened is closed, whatever the input.
    fn assert_balanced(html: &str) {
        assert_eq!(
            html.matches("<span").count(),
            html.matches("</span>").count(),
            "{html}"
        );
    }

    #[test]
    fn common_runbook_languages_have_grammars() {
        let h = Highlighter::new();
        for lang in [
            "bash",
            "sh",
            "shell",
            "console",
            "yaml",
            "yml",
            "sql",
            "json",
            "toml",
            "dockerfile",
            "python",
            "go",
            "promql",
            "prometheus",
            "logql",
            "hcl",
            "terraform",
            "docker",
            "diff",
            "ini",
            "nginx",
            "http",
            "powershell",
            "pwsh",
        ] {
            assert!(h.syntax(lang).is_some(), "{lang}");
        }
        for lang in ["", "text", "nonsense-lang"] {
            assert!(h.syntax(lang).is_none(), "{lang}");
        }
    }

    #[test]
    fn highlights_with_classes_not_styles() {
        let html = highlighted("bash", "kubectl get pods # list\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
        assert!(html.contains("kubectl"), "{html}");
    }

    /// What a reader tells apart at a glance in a runbook command: the
    /// program, its flags, quoted arguments, variables, pipes, comments.
    #[test]
    fn shell_commands_get_the_classes_themes_colour() {
        let html = highlighted("bash", "# restart\nkubectl logs \"$POD\" -n default --since=1h | grep -E 'ERROR' && echo $(date)\n");
        assert_contains_all(&html, &[
            "<span class=\"hl-comment\"># restart</span>",
            "<span class=\"hl-entity hl-name hl-function\">kubectl</span> logs",
            "<span class=\"hl-variable hl-other\">$POD</span>",
            "<span class=\"hl-variable hl-parameter\">--since</span>=1h",
            "<span class=\"hl-keyword hl-operator\">|</span> <span class=\"hl-entity hl-name hl-function\">grep</span>",
            "<span class=\"hl-string\">&#39;ERROR&#39;</span>",
            "<span class=\"hl-entity hl-name hl-function\">echo</span>",
            "<span class=\"hl-entity hl-name hl-function\">date</span>",
        ]);
        // Every class a shell span carries is coloured by both themes.
        let css = stylesheet();
        for class in [
            ".hl-comment",
            ".hl-entity.hl-name.hl-function",
            ".hl-string",
            ".hl-keyword",
        ] {
            assert!(css.contains(class), "{class} has no colour");
        }
    }

    /// Where a command starts decides what its first word is: the line's
    /// start, after an operator, `do` or `$(`, but not a continuation line.
    #[test]
    fn commands_and_flags_by_position() {
        let html = highlighted(
            "bash",
            "gcloud sql instances patch x \\
  --project=P --tier=db\nfor p in a; do kubectl top \"$p\"; done\nFOO=1 make -j2 # build\n",
        );
        assert_contains_all(&html, &[
            "<span class=\"hl-entity hl-name hl-function\">gcloud</span> sql",
            "<span class=\"hl-punctuation hl-separator\">\\</span>\n  <span class=\"hl-variable hl-parameter\">--project</span>=P",
            "<span class=\"hl-keyword hl-control\">do</span> <span class=\"hl-entity hl-name hl-function\">kubectl</span> top",
            "<span class=\"hl-keyword hl-control\">for</span> p in a",
            "<span class=\"hl-variable hl-other\">FOO</span><span class=\"hl-keyword hl-operator\">=</span>1 <span class=\"hl-entity hl-name hl-function\">make</span>",
            "<span class=\"hl-comment\"># build</span>",
        ]);
    }

    #[test]
    fn sql_queries_get_keywords_functions_strings_numbers() {
        let h = Highlighter::new();
        for lang in ["sql", "psql", "postgresql"] {
            let html = h
                .highlight(
                    h.syntax(lang).unwrap(),
                    "-- who waits\nSELECT pid, now() - query_start AS d FROM pg_stat_activity\nWHERE state <> 'idle' AND datname = 'it''s' LIMIT 20;\n",
                )
                .unwrap();
            assert_contains_all(&html, &[
                "<span class=\"hl-comment\">-- who waits</span>",
                "<span class=\"hl-keyword hl-other\">SELECT</span> pid",
                "<span class=\"hl-support hl-function\">now</span>()",
                "<span class=\"hl-keyword hl-operator\">&lt;&gt;</span>",
                "<span class=\"hl-string\">&#39;it<span class=\"hl-constant hl-character hl-escape\">&#39;&#39;</span>s&#39;</span>",
                "<span class=\"hl-constant hl-numeric\">20</span>",
            ]);
            // Words that merely contain a keyword stay plain.
            assert!(html.contains("pg_stat_activity\n"), "{html}");
        }
    }

    fn grammar_name(h: &Highlighter, lang: &str) -> String {
        h.syntax(lang).unwrap().syntax.name.clone()
    }

    /// Tags two-face lacks or maps to the wrong grammar.
    #[test]
    fn aliases_pick_the_right_grammar() {
        let h = Highlighter::new();
        for (lang, name) in [
            ("prometheus", "PromQL (runbook)"),
            ("loki", "LogQL (runbook)"),
            ("terraform", "Terraform"),
            ("docker", "Dockerfile"),
            ("pwsh", "PowerShell"),
            ("conf", "INI"),
            ("systemd", "INI"),
            ("jsonc", "JSON"),
            ("toml", "TOML"),
            ("nginx", "nginx"),
            ("http", "HTTP Request and Response"),
            ("diff", "Diff"),
        ] {
            assert_eq!(grammar_name(&h, lang), name, "{lang}");
        }
    }

    /// What a reader scans an alert expression for: the aggregation and
    /// what it keeps, the function, the matchers, the range, the
    /// threshold.
    #[test]
    fn promql_expressions_get_the_classes_themes_colour() {
        let html = highlighted(
            "promql",
            "# 5xx ratio\nsum by (job, instance) (rate(http_requests_total{job=\"api\", code=~\"5..\"}[5m] offset 1h))\n  / on (job) group_left sum without (code) (rate(http_requests_total[30m:1m] @ 1609746000)) > 0.05 and up == bool 1\nhistogram_quantile(0.95, sum(rate(x_bucket[5m])) by (le)) @ end()\n",
        );
        assert_contains_all(&html, &[
            "<span class=\"hl-comment\"># 5xx ratio</span>",
            "<span class=\"hl-keyword hl-other\">sum</span> <span class=\"hl-keyword hl-other\">by</span> (<span class=\"hl-entity hl-other hl-attribute-name\">job</span>, <span class=\"hl-entity hl-other hl-attribute-name\">instance</span>)",
            "<span class=\"hl-support hl-function\">rate</span>(http_requests_total",
            "<span class=\"hl-entity hl-other hl-attribute-name\">job</span><span class=\"hl-keyword hl-operator\">=</span><span class=\"hl-string\">&quot;api&quot;</span>",
            "<span class=\"hl-keyword hl-operator\">=~</span><span class=\"hl-string\">&quot;5..&quot;</span>",
            "<span class=\"hl-constant hl-numeric\">5m</span>",
            "<span class=\"hl-keyword hl-other\">offset</span> <span class=\"hl-constant hl-numeric\">1h</span>",
            "<span class=\"hl-keyword hl-other\">on</span> (<span class=\"hl-entity hl-other hl-attribute-name\">job</span>) <span class=\"hl-keyword hl-other\">group_left</span>",
            "<span class=\"hl-keyword hl-other\">without</span> (<span class=\"hl-entity hl-other hl-attribute-name\">code</span>)",
            "<span class=\"hl-constant hl-numeric\">30m</span><span class=\"hl-keyword hl-operator\">:</span><span class=\"hl-constant hl-numeric\">1m</span>",
            "<span class=\"hl-keyword hl-operator\">@</span> <span class=\"hl-constant hl-numeric\">1609746000</span>",
            "<span class=\"hl-keyword hl-operator\">&gt;</span> <span class=\"hl-constant hl-numeric\">0.05</span>",
            "<span class=\"hl-keyword hl-operator\">and</span> up",
            "<span class=\"hl-keyword hl-other\">bool</span>",
            "<span class=\"hl-support hl-function\">histogram_quantile</span>(<span class=\"hl-constant hl-numeric\">0.95</span>",
            ") <span class=\"hl-keyword hl-other\">by</span> (<span class=\"hl-entity hl-other hl-attribute-name\">le</span>)",
            "<span class=\"hl-keyword hl-operator\">@</span> <span class=\"hl-support hl-function\">end</span>()",
        ]);
        // Metric names stay plain; words containing a keyword are not one.
        assert!(
            html.contains("(http_requests_total<span class=\"hl-punctuation"),
            "{html}"
        );
        assert!(!html.contains(">sum</span>mary"), "{html}");
        // Every class a PromQL span carries is coloured by both themes.
        let css = stylesheet();
        for class in [
            ".hl-entity.hl-other.hl-attribute-name",
            ".hl-constant.hl-numeric",
            ".hl-support.hl-function",
        ] {
            assert!(css.contains(class), "{class} has no colour");
        }
    }

    #[test]
    fn promql_unterminated_string_ends_with_its_line() {
        let html = highlighted("promql", "up{job=\"api}\nrate(x[5m])\n");
        assert!(
            html.contains("<span class=\"hl-support hl-function\">rate</span>"),
            "{html}"
        );
        assert_balanced(&html);
    }

    #[test]
    fn logql_pipelines_and_metric_queries() {
        let html = highlighted("logql", "sum by (pod) (count_over_time({namespace=\"prod\", app=~\"api.*\"} |= \"error\" != \"health\" | json | status >= 500 | line_format \"{{.msg}}\" [5m]))\n");
        assert_contains_all(&html, &[
            "<span class=\"hl-keyword hl-other\">sum</span> <span class=\"hl-keyword hl-other\">by</span> (<span class=\"hl-entity hl-other hl-attribute-name\">pod</span>)",
            "<span class=\"hl-support hl-function\">count_over_time</span>",
            "<span class=\"hl-entity hl-other hl-attribute-name\">namespace</span>",
            "<span class=\"hl-keyword hl-operator\">|=</span> <span class=\"hl-string\">&quot;error&quot;</span>",
            "<span class=\"hl-keyword hl-operator\">|</span> <span class=\"hl-keyword hl-other\">json</span>",
            "<span class=\"hl-keyword hl-other\">line_format</span>",
            "<span class=\"hl-constant hl-numeric\">5m</span>",
        ]);
    }

    #[test]
    fn spans_are_balanced() {
        let html = highlighted("bash", "echo \"unterminated\n");
        assert_balanced(&html);
    }

    #[test]
    fn stylesheet_has_light_and_dark() {
        let css = stylesheet();
        assert!(
            css.contains(".hl-comment"),
            "{}",
            &css[..200.min(css.len())]
        );
        assert!(css.contains("data-theme=\"dark\""));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
