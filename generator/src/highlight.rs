//! Build-time syntax highlighting with syntect: HTML with one element per
//! coloured run, and the CSS for one light and one dark theme.
//!
//! A run names a colour pair, not a grammar scope: its style in the light
//! theme's palette and its style in the dark theme's, numbered together
//! (`<h-3>`; the pairs runbooks use most take one digit), and runs both
//! themes leave in the default style get no element. Scope classes
//! (`hl-entity hl-name hl-function`, one nested span per scope) were a
//! third of a page's bytes; a flat `<span class="l6 d4">` per run was
//! still a quarter, 27 bytes a run; `<h-3>…</h-3>` is 11. An unknown
//! element with a hyphen is an ordinary inline element to every browser,
//! to the copy button (which copies text) and to screen readers, and the
//! stylesheet gives each pair its colours in both themes.

mod lexer;
mod parsed_lines;
mod plain;
mod shell;
mod sql;

pub use plain::without_runs;

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use syntect::highlighting::{Color, FontStyle, Highlighter as ThemeHighlighter, Style, Theme};

use syntect::parsing::{
    ParseState, Scope, ScopeStack, SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder,
};
use two_face::theme::EmbeddedThemeName;

use lexer::LexState;
use parsed_lines::ParsedLines;
use shell::Shell;
use sql::Sql;

/// The light and the dark theme: a run's number names a pair of their
/// styles (`RunNumbers`).
const THEMES: [EmbeddedThemeName; 2] = [EmbeddedThemeName::Github, EmbeddedThemeName::OneHalfDark];

pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// The shell and SQL grammars runbooks lean on, in a set of their own
    /// (see `syntaxes/*.sublime-syntax` for why they are not bat's).
    own: SyntaxSet,
    /// The light and the dark theme, ready to style scope stacks.
    themes: [ThemeHighlighter<'static>; 2],
    palettes: [Palette; 2],
    /// Tells this highlighter's grammars from another's in the memo of
    /// parsed lines.
    id: u64,
}

/// The styles a theme can give a run of text, numbered: every foreground
/// its rules name (the default first) with every font style they name
/// (none first). Index 0 is the theme's default style. The numbering
/// depends on the theme alone, so every page and the stylesheet agree.
struct Palette {
    foregrounds: Vec<Color>,
    font_styles: Vec<FontStyle>,
}

impl Palette {
    fn of(theme: &Theme) -> Palette {
        let mut foregrounds = vec![default_foreground(theme)];
        let mut font_styles = vec![FontStyle::empty()];
        for item in &theme.scopes {
            if let Some(colour) = item.style.foreground {
                if !foregrounds.contains(&colour) {
                    foregrounds.push(colour);
                }
            }
            if let Some(font_style) = item.style.font_style {
                if !font_styles.contains(&font_style) {
                    font_styles.push(font_style);
                }
            }
        }
        Palette {
            foregrounds,
            font_styles,
        }
    }

    /// The number of `style`; 0 (the default) for a style the theme's
    /// rules cannot produce.
    fn index(&self, style: Style) -> usize {
        let foreground = self.foregrounds.iter().position(|c| *c == style.foreground);
        let font_style = self.font_styles.iter().position(|f| *f == style.font_style);
        match (foreground, font_style) {
            (Some(fg), Some(fs)) => fg * self.font_styles.len() + fs,
            _ => 0,
        }
    }

    /// How many styles are numbered.
    fn len(&self) -> usize {
        self.foregrounds.len() * self.font_styles.len()
    }

    /// Every numbered style: (number, colour, font style).
    fn entries(&self) -> impl Iterator<Item = (usize, Color, FontStyle)> + '_ {
        self.foregrounds
            .iter()
            .enumerate()
            .flat_map(move |(fg, colour)| {
                self.font_styles
                    .iter()
                    .enumerate()
                    .map(move |(fs, font_style)| {
                        (fg * self.font_styles.len() + fs, *colour, *font_style)
                    })
            })
    }
}

fn default_foreground(theme: &Theme) -> Color {
    theme.settings.foreground.unwrap_or(Color::BLACK)
}

/// The two themes, loaded once per process (every highlighter and the
/// stylesheet share them).
fn themes() -> &'static [Theme; 2] {
    static LOADED: OnceLock<[Theme; 2]> = OnceLock::new();
    LOADED.get_or_init(|| {
        let set = two_face::theme::extra();
        THEMES.map(|name| set.get(name).clone())
    })
}

/// The palettes of the light and the dark theme.
fn palettes(themes: &[Theme; 2]) -> [Palette; 2] {
    themes.each_ref().map(Palette::of)
}

/// A grammar and the set it links against.
#[derive(Clone, Copy)]
pub struct Grammar<'a> {
    set: &'a SyntaxSet,
    syntax: &'a SyntaxReference,
    /// The lexer that follows this grammar and runs in its place
    /// (`shell.rs`, `sql.rs`); `None`: syntect runs the grammar.
    lexer: Option<Lexer>,
}

/// Our grammars that have a lexer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lexer {
    Shell,
    Sql,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

/// The names our shell and SQL grammars declare.
const SHELL: &str = "Shell (runbook)";
const SQL: &str = "SQL (runbook)";

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
            themes: themes().each_ref().map(ThemeHighlighter::new),
            palettes: palettes(themes()),
            id: HIGHLIGHTERS.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The grammar for a fence's language tag; `None` means plain text.
    pub fn syntax(&self, lang: &str) -> Option<Grammar<'_>> {
        let own = |name: &str| {
            let syntax = self.own.find_syntax_by_name(name)?;
            Some(Grammar {
                set: &self.own,
                syntax,
                lexer: match name {
                    SHELL => Some(Lexer::Shell),
                    SQL => Some(Lexer::Sql),
                    _ => None,
                },
            })
        };
        let token = match lang.to_ascii_lowercase().as_str() {
            "" | "text" | "plain" | "plaintext" | "txt" | "output" => return None,
            "bash" | "sh" | "shell" | "zsh" | "console" | "shell-session" | "shellsession"
            | "terminal" => return own(SHELL),
            "sql" | "psql" | "postgres" | "postgresql" | "pgsql" => return own(SQL),
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
            lexer: None,
        })
    }

    /// Highlights `code` (lines end in `\n`) as classed HTML. Returns `None`
    /// when the grammar fails on this input, so the caller can fall back to
    /// plain text instead of failing the build.
    pub fn highlight(&self, grammar: Grammar<'_>, code: &str) -> Option<String> {
        let mut parse = match grammar.lexer {
            Some(Lexer::Shell) => Parser::Shell(LexState::new()),
            Some(Lexer::Sql) => Parser::Sql(LexState::new()),
            None => Parser::Grammar(ParseState::new(grammar.syntax)),
        };
        let mut stack = ScopeStack::new();
        let mut runs = Runs::new(code.len() * 2);
        let numbers = run_numbers();
        MEMO.with_borrow_mut(|Memo { runs: known, lines }| {
            lines.serve(self.id);
            let mut run_of = |stack: &ScopeStack| -> usize {
                if let Some(&run) = known.get(stack.as_slice()) {
                    return run;
                }
                let [light, dark] = [0, 1].map(|t| {
                    let style = self.themes[t].style_for_stack(stack.as_slice());
                    self.palettes[t].index(style)
                });
                let run = numbers.number(light, dark);
                known.insert(stack.as_slice().to_vec(), run);
                run
            };
            for line in code.split_inclusive('\n') {
                // Text up to an operation has the scopes from before it.
                let mut at = 0;
                let ops = match &mut parse {
                    Parser::Shell(state) => Cow::Owned(lexer::parse_line(state, line)),
                    Parser::Sql(state) => Cow::Owned(lexer::parse_line(state, line)),
                    Parser::Grammar(state) => lines.parse(grammar, state, line)?,
                };
                for (position, op) in ops.iter() {
                    if *position > at {
                        runs.push(&line[at..*position], run_of(&stack));
                        at = *position;
                    }
                    stack.apply(op).ok()?;
                }
                if at < line.len() {
                    runs.push(&line[at..], run_of(&stack));
                }
            }
            Some(())
        })?;
        Some(runs.finish())
    }
}

/// What runs a grammar over a block's lines, and its state between them.
enum Parser {
    Grammar(ParseState),
    Shell(LexState<Shell>),
    Sql(LexState<Sql>),
}

/// What each thread remembers between highlights.
#[derive(Default)]
struct Memo {
    /// The run number of each scope stack met so far. Resolving a stack
    /// against a theme's rules is the costly part of styling, and code
    /// repeats a few dozen stacks: a lookup replaced two theme
    /// highlighters' work per token. The themes are fixed per process
    /// (`themes`), so the answers hold for every highlighter. Hashed with
    /// Fx, not SipHash: every run looks its stack up, and SipHash over the
    /// scopes was 2.5% of a build.
    runs: rustc_hash::FxHashMap<Vec<Scope>, usize>,
    lines: ParsedLines,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Each highlighter's id, for the memo of parsed lines.
static HIGHLIGHTERS: AtomicU64 = AtomicU64::new(1);

/// The grammar's scopes as classes (`hl-entity hl-name hl-function`), one
/// nested span per scope: what the grammar tests read, since the written
/// HTML holds only the colours the scopes end up with.
#[cfg(test)]
fn scoped_html(grammar: Grammar<'_>, code: &str) -> String {
    use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
    let mut state = ParseState::new(grammar.syntax);
    let mut stack = ScopeStack::new();
    let mut html = String::new();
    let mut open_spans: isize = 0;
    for line in code.split_inclusive('\n') {
        let ops = state.parse_line(line, grammar.set).unwrap();
        let (line_html, delta) = line_tokens_to_classed_spans(
            line,
            &ops,
            ClassStyle::SpacedPrefixed { prefix: "hl-" },
            &mut stack,
        )
        .unwrap();
        html.push_str(&line_html);
        open_spans += delta;
    }
    for _ in 0..open_spans.max(0) {
        html.push_str("</span>");
    }
    html
}

/// The run elements [`Highlighter::highlight`] writes, as a CSS selector,
/// for rewriters that drop the colours (print.rs).
pub fn run_selector() -> String {
    (1..run_numbers().count())
        .map(|n| format!("pre h-{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The scopes runbooks' code is mostly coloured by (the shell grammar's
/// first, then SQL's and PromQL's), in that order: the pairs of styles
/// they resolve to take the one-digit run numbers.
const COMMON_SCOPES: &[&str] = &[
    "entity.name.function",
    "variable.parameter",
    "string",
    "variable.other",
    "keyword.operator",
    "keyword.control",
    "comment",
    "support.function",
    "keyword.other",
    "constant.numeric",
    "entity.other.attribute-name",
    "constant.character.escape",
    "constant.language",
    "punctuation.separator",
];

/// Each (light, dark) pair of styles' run number (`<h-n>`): 0 for the pair
/// of default styles (no element), then the pairs [`COMMON_SCOPES`] get,
/// then every other pair. A pure function of the themes, so every page
/// and the stylesheet agree; numbering the common pairs first keeps most
/// runs' numbers to one digit, two bytes a run.
struct RunNumbers {
    dark_styles: usize,
    /// By `light * dark_styles + dark`.
    numbers: Vec<usize>,
}

impl RunNumbers {
    fn number(&self, light: usize, dark: usize) -> usize {
        self.numbers[light * self.dark_styles + dark]
    }

    fn count(&self) -> usize {
        self.numbers.len()
    }
}

fn run_numbers() -> &'static RunNumbers {
    static NUMBERS: OnceLock<RunNumbers> = OnceLock::new();
    NUMBERS.get_or_init(|| {
        let palettes = palettes(themes());
        let dark_styles = palettes[1].len();
        let pairs = palettes[0].len() * dark_styles;
        let styled = themes().each_ref().map(ThemeHighlighter::new);
        let mut order = vec![0];
        for scope in COMMON_SCOPES {
            let stack = [Scope::new(scope).expect("a valid scope name")];
            let [light, dark] =
                [0, 1].map(|t| palettes[t].index(styled[t].style_for_stack(&stack)));
            order.push(light * dark_styles + dark);
        }
        order.extend(0..pairs);
        let mut numbers = vec![usize::MAX; pairs];
        let mut next = 0;
        for pair in order {
            if numbers[pair] == usize::MAX {
                numbers[pair] = next;
                next += 1;
            }
        }
        RunNumbers {
            dark_styles,
            numbers,
        }
    })
}

/// Highlighted HTML as it is written: runs of text of one (light, dark)
/// style pair in one element, white space joining whatever run is open.
struct Runs {
    html: String,
    /// The number of the open run.
    open: Option<usize>,
}

impl Runs {
    fn new(capacity: usize) -> Runs {
        Runs {
            html: String::with_capacity(capacity),
            open: None,
        }
    }

    /// Appends `text`, coloured as run number `run` (0: uncoloured).
    fn push(&mut self, text: &str, run: usize) {
        use std::fmt::Write;
        let blank = text.chars().all(char::is_whitespace);
        if !blank && self.open != Some(run) {
            if let Some(open) = self.open {
                let _ = write!(self.html, "</h-{open}>");
            }
            self.open = (run != 0).then_some(run);
            if run != 0 {
                // Writing into the page's string spares a String per run.
                let _ = write!(self.html, "<h-{run}>");
            }
        }
        runbook_widgets::html::push_text_escaped(&mut self.html, text);
    }

    fn finish(mut self) -> String {
        if let Some(open) = self.open {
            use std::fmt::Write;
            let _ = write!(self.html, "</h-{open}>");
        }
        self.html
    }
}

/// The highlighting CSS: a light theme by default, a dark one when the page
/// is dark (`data-theme="dark"`, or the system prefers dark and the reader
/// has not chosen light). Every pair of styles gets a rule in each: the
/// pairs a page uses depend on its code, and the whole table is 12 KB,
/// cached once, against 16 bytes saved on most runs of every page. A dark rule also
/// undoes what the light rule set, so a run's light style never shows
/// through in the dark.
pub fn stylesheet() -> String {
    let [light, dark] = palettes(themes());
    let light: Vec<(Color, FontStyle)> = light.entries().map(|(_, c, f)| (c, f)).collect();
    let dark: Vec<(Color, FontStyle)> = dark.entries().map(|(_, c, f)| (c, f)).collect();
    let numbers = run_numbers();
    // Each run number's pair, in number order.
    let mut pairs = vec![(0, 0); numbers.count()];
    for l in 0..light.len() {
        for d in 0..dark.len() {
            pairs[numbers.number(l, d)] = (l, d);
        }
    }
    let mut css = String::from(
        "/* Syntax highlighting: GitHub (light), OneHalfDark (dark). <h-n> is a run: one pair of the two themes' styles. */\n",
    );
    let mut dark_rules = String::new();
    for (n, &(l, d)) in pairs.iter().enumerate().skip(1) {
        let ((light_colour, light_font), (dark_colour, dark_font)) = (light[l], dark[d]);
        if l != 0 {
            let rule = declarations(Some(light_colour), light_font, FontStyle::empty());
            css.push_str(&format!(".code h-{n}{{{rule}}}\n"));
        }
        let rule = declarations((d != 0).then_some(dark_colour), dark_font, light_font);
        dark_rules.push_str(&format!("& .code h-{n}{{{rule}}}\n"));
    }
    css.push_str(":root[data-theme=\"dark\"] {\n");
    css.push_str(&dark_rules);
    css.push_str("}\n@media (prefers-color-scheme: dark) {\n:root:not([data-theme]) {\n");
    css.push_str(&dark_rules);
    css.push_str("}\n}\n");
    css
}

/// A style as CSS declarations: its colour (`None`: the site's own code
/// colour, as for text outside any run), the font styles it has, and
/// `inherit` for those of `undo` it lacks.
fn declarations(colour: Option<Color>, font_style: FontStyle, undo: FontStyle) -> String {
    let hex = match colour {
        None => "inherit".to_string(),
        Some(c) if c.a == 0xff => format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b),
        Some(c) => format!("#{:02x}{:02x}{:02x}{:02x}", c.r, c.g, c.b, c.a),
    };
    let mut css = format!("color:{hex}");
    for (flag, property, value) in [
        (FontStyle::BOLD, "font-weight", "bold"),
        (FontStyle::ITALIC, "font-style", "italic"),
        (FontStyle::UNDERLINE, "text-decoration", "underline"),
    ] {
        if font_style.contains(flag) {
            css.push_str(&format!(";{property}:{value}"));
        } else if undo.contains(flag) {
            css.push_str(&format!(";{property}:inherit"));
        }
    }
    css
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_contains;

    /// `code` parsed with the grammar `language` names, its scopes as
    /// classes (what the grammar tests below check).
    fn highlighted(language: &str, code: &str) -> String {
        let h = Highlighter::new();
        scoped_html(h.syntax(language).unwrap(), code)
    }

    /// `code` as a page carries it: colour classes.
    fn coloured(language: &str, code: &str) -> String {
        let h = Highlighter::new();
        h.highlight(h.syntax(language).unwrap(), code).unwrap()
    }

    /// The run element of the styles the themes give `scope` (a scope
    /// stack written as space-separated scopes): `h-<n>`, or `None` when
    /// both leave it in the default style.
    fn run_of(scope: &str) -> Option<String> {
        let stack: ScopeStack = scope.parse().unwrap();
        let [light, dark] = [0, 1].map(|t| {
            let theme = ThemeHighlighter::new(&themes()[t]);
            Palette::of(&themes()[t]).index(theme.style_for_stack(stack.as_slice()))
        });
        let n = run_numbers().number(light, dark);
        (n != 0).then(|| format!("h-{n}"))
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
        let html = coloured("bash", "kubectl get pods # list\n");
        assert_contains(&html, "<h-");
        assert!(
            !html.contains("style=") && !html.contains("<span"),
            "{html}"
        );
        assert_contains(&html, "kubectl");
    }

    /// Each run carries the colours its scopes get in the light and the
    /// dark theme; text neither theme colours carries no span; the spans
    /// are flat (one per run, never nested).
    #[test]
    fn runs_carry_each_themes_colour_for_their_scopes() {
        let shell = "source.shell.bash";
        let html = coloured(
            "bash",
            "# restart\nkubectl logs \"$POD\" -n default | grep -E 'ERROR'\n",
        );
        for (text, scope) in [
            (
                "# restart",
                format!("{shell} comment.line.number-sign.shell"),
            ),
            (
                "kubectl",
                format!("{shell} meta.function-call.shell entity.name.function.shell"),
            ),
            ("|", format!("{shell} keyword.operator.logical.pipe.shell")),
            ("'ERROR'", format!("{shell} string.quoted.single.shell")),
        ] {
            let expected = format!("<{}>{text}", run_of(&scope).unwrap());
            assert!(html.contains(&expected), "{expected}\nin\n{html}");
        }
        assert!(html.contains("> logs <"), "plain words stay plain: {html}");
        assert!(!html.contains("<h-0>"), "{html}");
        let mut depth = 0;
        for (i, _) in html.match_indices('<') {
            if html[i..].starts_with("<h-") {
                depth += 1;
                assert_eq!(depth, 1, "nested run at {i}: {html}");
            } else if html[i..].starts_with("</h-") {
                depth -= 1;
            }
        }
        assert_eq!(depth, 0, "{html}");
        // Every run has a rule in the stylesheet, in both themes.
        let css = stylesheet();
        for run in html
            .split("<h-")
            .skip(1)
            .filter_map(|r| r.split('>').next())
        {
            assert!(
                css.contains(&format!("\n.code h-{run}{{color:#")),
                "h-{run} has no light rule"
            );
            assert!(
                css.contains(&format!("\n& .code h-{run}{{color:")),
                "h-{run} has no dark rule"
            );
        }
    }

    /// Fewer bytes for the same colours: the reason for colour classes.
    #[test]
    fn colour_classes_are_smaller_than_scope_classes() {
        let code = "kubectl rollout undo deployment/api -n prod --to-revision=3 && kubectl rollout status deployment/api -n prod\n";
        let (scoped, coloured) = (highlighted("bash", code), coloured("bash", code));
        // A third smaller at least (279 bytes against 441).
        assert!(
            coloured.len() * 3 < scoped.len() * 2,
            "{} vs {}",
            coloured.len(),
            scoped.len()
        );
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
        // The scopes a shell span carries are coloured by both themes.
        for scope in [
            "comment",
            "entity.name.function",
            "string",
            "keyword.operator",
        ] {
            assert!(run_of(scope).is_some(), "{scope} has no colour");
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
            let html = scoped_html(
                    h.syntax(lang).unwrap(),
                    "-- who waits\nSELECT pid, now() - query_start AS d FROM pg_stat_activity\nWHERE state <> 'idle' AND datname = 'it''s' LIMIT 20;\n",
                );
            assert_contains_all(&html, &[
                "<span class=\"hl-comment\">-- who waits</span>",
                "<span class=\"hl-keyword hl-other\">SELECT</span> pid",
                "<span class=\"hl-support hl-function\">now</span>()",
                "<span class=\"hl-keyword hl-operator\">&lt;&gt;</span>",
                "<span class=\"hl-string\">&#39;it<span class=\"hl-constant hl-character hl-escape\">&#39;&#39;</span>s&#39;</span>",
                "<span class=\"hl-constant hl-numeric\">20</span>",
            ]);
            // Words that merely contain a keyword stay plain.
            assert_contains(&html, "pg_stat_activity\n");
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
        // The scopes a PromQL span carries are coloured by both themes.
        for scope in [
            "entity.other.attribute-name",
            "constant.numeric",
            "support.function",
        ] {
            assert!(run_of(scope).is_some(), "{scope} has no colour");
        }
    }

    #[test]
    fn promql_unterminated_string_ends_with_its_line() {
        let html = highlighted("promql", "up{job=\"api}\nrate(x[5m])\n");
        assert_contains(&html, "<span class=\"hl-support hl-function\">rate</span>");
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
        let html = coloured("bash", "echo \"unterminated\n");
        assert_balanced(&html);
    }

    /// Every pair has its own number, the default pair 0; the colours of
    /// shell's commands, flags, strings, operators and comments are one
    /// digit.
    #[test]
    fn run_numbers_are_one_per_pair_and_short_for_shell() {
        let numbers = run_numbers();
        let mut all = numbers.numbers.clone();
        all.sort_unstable();
        assert_eq!(all, (0..numbers.count()).collect::<Vec<_>>());
        assert_eq!(numbers.number(0, 0), 0);
        for scope in [
            "entity.name.function",
            "variable.parameter",
            "string",
            "keyword.operator",
            "comment",
        ] {
            let run = run_of(scope).unwrap();
            assert_eq!(run.len(), 3, "{scope}: {run}");
        }
    }

    #[test]
    fn stylesheet_has_light_and_dark() {
        let css = stylesheet();
        let commented = run_numbers().number(1, 1);
        assert!(
            css.contains(&format!("\n.code h-{commented}{{color:#"))
                && css.contains(&format!("\n& .code h-{commented}{{color:#")),
            "{}",
            &css[..300.min(css.len())]
        );
        // A pair dark leaves in the default style undoes the light colour.
        let light_only = run_numbers().number(1, 0);
        assert_contains(&css, &format!("\n& .code h-{light_only}{{color:inherit}}"));
        assert!(css.contains("data-theme=\"dark\""));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
