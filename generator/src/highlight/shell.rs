//! The shell grammar (`syntaxes/shell.sublime-syntax`) as a lexer.
//!
//! Shell is most of a runbook's code (94% of the bench corpus's code
//! bytes, 70% of content/'s blocks), and syntect runs a grammar by trying
//! each of a context's regexes at every step: 9 MB/s on one core, which
//! was over half of a 10,000-page build. The grammar is small and fixed,
//! so this lexer tries the same patterns, in the same order, as plain
//! byte tests, and gives syntect's scope operations for them. The grammar
//! file stays the specification: a test highlights every shell line of
//! content/, of a generated corpus and of awkward cases both ways and
//! requires the same HTML, so a change to one without the other fails.
//! What it follows of syntect's rules is `lexer.rs`'s.

use std::sync::OnceLock;

use syntect::parsing::Scope;

use super::lexer::Rules;

type Then = super::lexer::Then<Context>;

/// A match of the shell grammar's patterns.
type Match = super::lexer::Match<Context>;

/// The shell grammar.
pub(super) struct Shell;

/// The grammar's contexts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Context {
    /// Where a command starts.
    Main,
    /// A command's arguments, up to the end of the line or an operator.
    Args,
    /// The value of `NAME=value`.
    Value,
    DoubleQuoted,
    /// `$( … )`.
    Substitution,
    Backticks,
}

/// The scopes the grammar names.
struct Scopes {
    source: Scope,
    comment: Scope,
    keyword_control: Scope,
    keyword_operator: Scope,
    variable_other: Scope,
    variable_parameter: Scope,
    support_function: Scope,
    entity_name_function: Scope,
    punctuation_separator: Scope,
    string: Scope,
    escape: Scope,
    substitution: Scope,
}

fn scopes() -> &'static Scopes {
    static SCOPES: OnceLock<Scopes> = OnceLock::new();
    SCOPES.get_or_init(|| {
        let scope = |name: &str| Scope::new(name).expect("a valid scope name");
        Scopes {
            source: scope("source.shell"),
            comment: scope("comment"),
            keyword_control: scope("keyword.control"),
            keyword_operator: scope("keyword.operator"),
            variable_other: scope("variable.other"),
            variable_parameter: scope("variable.parameter"),
            support_function: scope("support.function"),
            entity_name_function: scope("entity.name.function"),
            punctuation_separator: scope("punctuation.separator"),
            string: scope("string"),
            escape: scope("constant.character.escape"),
            substitution: scope("meta.substitution"),
        }
    })
}

impl Rules for Shell {
    type Context = Context;
    const MAIN: Context = Context::Main;

    fn source() -> Scope {
        scopes().source
    }

    fn meta_scope(context: Context) -> Option<Scope> {
        match context {
            Context::DoubleQuoted => Some(scopes().string),
            Context::Substitution | Context::Backticks => Some(scopes().substitution),
            Context::Main | Context::Args | Context::Value => None,
        }
    }

    fn match_at(context: Context, line: &str, at: usize) -> Option<Match> {
        let line = line.as_bytes();
        match context {
            Context::Main => main(line, at),
            Context::Args => args(line, at),
            Context::Value => value(line, at),
            Context::DoubleQuoted => double_quoted(line, at),
            Context::Substitution => {
                if line.get(at) == Some(&b')') {
                    return Some(Match::popping(at, at + 1));
                }
                main(line, at)
            }
            Context::Backticks => {
                if line.get(at) == Some(&b'`') {
                    return Some(Match::popping(at, at + 1));
                }
                let end = variable_name(line, at).or_else(|| braced_variable(line, at))?;
                Some(Match::scoped(at, end, scopes().variable_other))
            }
        }
    }
}

const CONTROL_KEYWORDS: [&[u8]; 11] = [
    b"if", b"then", b"else", b"elif", b"fi", b"while", b"until", b"do", b"done", b"esac", b"!",
];
const ARGUMENT_KEYWORDS: [&[u8]; 10] = [
    b"for",
    b"case",
    b"in",
    b"select",
    b"function",
    b"return",
    b"exit",
    b"export",
    b"local",
    b"readonly",
];

fn main(line: &[u8], at: usize) -> Option<Match> {
    let s = scopes();
    let rest = &line[at..];
    match rest.first() {
        Some(b'#') => return Some(Match::scoped(at, line_end(line, at), s.comment)),
        None => return None,
        _ => {}
    }
    if let Some(end) = keyword(line, at, &CONTROL_KEYWORDS) {
        return Some(Match::scoped(at, end, s.keyword_control));
    }
    if let Some(end) = keyword(line, at, &ARGUMENT_KEYWORDS) {
        return Some(Match::new(
            at,
            end,
            Some(s.keyword_control),
            Then::Push(Context::Args),
        ));
    }
    // `([A-Za-z_][A-Za-z0-9_]*)(=)`
    if rest[0].is_ascii_alphabetic() || rest[0] == b'_' {
        let name_end = at + run(rest, |b| b.is_ascii_alphanumeric() || b == b'_');
        if line.get(name_end) == Some(&b'=') {
            let mut found = Match::pushing(at, name_end + 1, Context::Value);
            found.captures = [
                Some((at, name_end, s.variable_other)),
                Some((name_end, name_end + 1, s.keyword_operator)),
            ];
            return Some(found);
        }
    }
    // `(sudo\s+)?([A-Za-z0-9_./:@+-]+)`
    if let Some(found) = command(line, at) {
        return Some(found);
    }
    if let Some(found) = operator(line, at, Then::Stay) {
        return Some(found);
    }
    if let Some(found) = redirection(line, at) {
        return Some(found);
    }
    if let Some(found) = string(line, at) {
        return Some(found);
    }
    if let Some(found) = expansion(line, at) {
        return Some(found);
    }
    // `\\$`
    if rest[0] == b'\\' && is_line_end(line, at + 1) {
        return Some(Match::scoped(at, at + 1, s.punctuation_separator));
    }
    None
}

fn args(line: &[u8], at: usize) -> Option<Match> {
    let s = scopes();
    let first = *line.get(at)?;
    // `(\\)$\n?`: a continuation keeps the arguments going.
    if first == b'\\' && is_line_end(line, at + 1) {
        let end = if line.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        };
        let mut found = Match::new(at, end, None, Then::Stay);
        found.captures[0] = Some((at, at + 1, s.punctuation_separator));
        return Some(found);
    }
    if first == b'\n' {
        return Some(Match::popping(at, at + 1));
    }
    if let Some(found) = operator(line, at, Then::Pop) {
        return Some(found);
    }
    // `(?=\))`
    if first == b')' {
        return Some(Match::popping(at, at));
    }
    if let Some(space) = space_len(line, at) {
        let after = at + space;
        // `\s(--?[A-Za-z0-9][A-Za-z0-9_.-]*)`
        if let Some(end) = flag(line, after) {
            let mut found = Match::new(at, end, None, Then::Stay);
            found.captures[0] = Some((after, end, s.variable_parameter));
            return Some(found);
        }
        // `\s(#.*)$`
        if line.get(after) == Some(&b'#') {
            let end = line_end(line, after);
            let mut found = Match::new(at, end, None, Then::Stay);
            found.captures[0] = Some((after, end, s.comment));
            return Some(found);
        }
    }
    redirection(line, at)
        .or_else(|| string(line, at))
        .or_else(|| expansion(line, at))
}

fn value(line: &[u8], at: usize) -> Option<Match> {
    // `(?=[\s;|&)])`
    if space_len(line, at).is_some() || matches!(line.get(at), Some(b';' | b'|' | b'&' | b')')) {
        return Some(Match::popping(at, at));
    }
    string(line, at).or_else(|| expansion(line, at))
}

fn double_quoted(line: &[u8], at: usize) -> Option<Match> {
    let s = scopes();
    let first = *line.get(at)?;
    // `\\.`: any character but a newline.
    if first == b'\\' {
        if let Some(&next) = line.get(at + 1) {
            if next != b'\n' {
                let end = at + 1 + utf8_len(next);
                return Some(Match::scoped(at, end, s.escape));
            }
        }
    }
    if let Some(found) = expansion(line, at) {
        return Some(found);
    }
    (first == b'"').then(|| Match::popping(at, at + 1))
}

/// `\|\||&&|;;|[|;&]`, with the context's `then`.
fn operator(line: &[u8], at: usize, then: Then) -> Option<Match> {
    let rest = &line[at..];
    let len = if rest.starts_with(b"||") || rest.starts_with(b"&&") || rest.starts_with(b";;") {
        2
    } else if matches!(rest.first(), Some(b'|' | b';' | b'&')) {
        1
    } else {
        return None;
    };
    Some(Match::new(
        at,
        at + len,
        Some(scopes().keyword_operator),
        then,
    ))
}

/// `[0-9]*(?:>>|>&|<&|>|<)`
fn redirection(line: &[u8], at: usize) -> Option<Match> {
    let rest = &line[at..];
    let digits = run(rest, |b| b.is_ascii_digit());
    let after = &rest[digits..];
    let len = if after.starts_with(b">>") || after.starts_with(b">&") || after.starts_with(b"<&") {
        2
    } else if matches!(after.first(), Some(b'>' | b'<')) {
        1
    } else {
        return None;
    };
    Some(Match::scoped(
        at,
        at + digits + len,
        scopes().keyword_operator,
    ))
}

/// `'[^']*'` and the `"` that opens a double-quoted string.
fn string(line: &[u8], at: usize) -> Option<Match> {
    match line.get(at)? {
        b'\'' => {
            let close = line[at + 1..].iter().position(|&b| b == b'\'')?;
            Some(Match::scoped(at, at + close + 2, scopes().string))
        }
        b'"' => Some(Match::pushing(at, at + 1, Context::DoubleQuoted)),
        _ => None,
    }
}

/// `$(`, `${…}`, `$NAME`, `$?` and the like, and the backquote.
fn expansion(line: &[u8], at: usize) -> Option<Match> {
    match line.get(at)? {
        b'$' => {}
        b'`' => return Some(Match::pushing(at, at + 1, Context::Backticks)),
        _ => return None,
    }
    if line.get(at + 1) == Some(&b'(') {
        return Some(Match::pushing(at, at + 2, Context::Substitution));
    }
    let end = braced_variable(line, at)
        .or_else(|| variable_name(line, at))
        .or_else(|| {
            let special = *line.get(at + 1)?;
            b"0123456789@*#?$!-".contains(&special).then_some(at + 2)
        })?;
    Some(Match::scoped(at, end, scopes().variable_other))
}

/// `\$\{[^}]*\}`: where it ends.
fn braced_variable(line: &[u8], at: usize) -> Option<usize> {
    if line.get(at..at + 2)? != b"${" {
        return None;
    }
    let close = line[at + 2..].iter().position(|&b| b == b'}')?;
    Some(at + 2 + close + 1)
}

/// `\$[A-Za-z_][A-Za-z0-9_]*`: where it ends.
fn variable_name(line: &[u8], at: usize) -> Option<usize> {
    if line.get(at) != Some(&b'$') {
        return None;
    }
    let first = *line.get(at + 1)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    Some(at + 1 + run(&line[at + 1..], |b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// `(sudo\s+)?([A-Za-z0-9_./:@+-]+)`, pushing the arguments.
fn command(line: &[u8], at: usize) -> Option<Match> {
    let s = scopes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b"_./:@+-".contains(&b);
    let mut found = Match::pushing(at, at, Context::Args);
    let mut name = at;
    if line[at..].starts_with(b"sudo") {
        let mut after = at + 4;
        while let Some(len) = space_len(line, after) {
            after += len;
        }
        if after > at + 4 && line.get(after).is_some_and(|&b| is_word(b)) {
            found.captures[0] = Some((at, after, s.support_function));
            name = after;
        }
    }
    let end = name + run(&line[name..], is_word);
    if end == name {
        return None;
    }
    found.captures[1] = Some((name, end, s.entity_name_function));
    found.end = end;
    Some(found)
}

/// A keyword of `words` at `at`, followed by the end of a word
/// (`(?=[\s;|&()<>\`"']|$)`): where it ends.
fn keyword(line: &[u8], at: usize, words: &[&[u8]]) -> Option<usize> {
    words.iter().find_map(|word| {
        let end = at + word.len();
        (line[at..].starts_with(word) && ends_word(line, end)).then_some(end)
    })
}

fn ends_word(line: &[u8], at: usize) -> bool {
    at == line.len() || space_len(line, at).is_some() || b";|&()<>`\"'".contains(&line[at])
}

/// `--?[A-Za-z0-9][A-Za-z0-9_.-]*` at `at`: where it ends.
fn flag(line: &[u8], at: usize) -> Option<usize> {
    let rest = line.get(at..)?;
    if rest.first() != Some(&b'-') {
        return None;
    }
    let dashes = if rest.get(1) == Some(&b'-') && rest.get(2).is_some_and(u8::is_ascii_alphanumeric)
    {
        2
    } else {
        1
    };
    if !rest.get(dashes).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some(
        at + dashes
            + 1
            + run(&rest[dashes + 1..], |b| {
                b.is_ascii_alphanumeric() || b"_.-".contains(&b)
            }),
    )
}

/// The length of the white space character at `at` (`\s`, which is
/// Unicode's White_Space in Oniguruma as in Rust), if there is one.
fn space_len(line: &[u8], at: usize) -> Option<usize> {
    let first = *line.get(at)?;
    if first.is_ascii() {
        return (first as char).is_whitespace().then_some(1);
    }
    let len = utf8_len(first);
    let ch = std::str::from_utf8(line.get(at..at + len)?)
        .ok()?
        .chars()
        .next()?;
    ch.is_whitespace().then_some(len)
}

/// `$`: the end of the text or a newline next.
fn is_line_end(line: &[u8], at: usize) -> bool {
    at == line.len() || line[at] == b'\n'
}

/// `.*$` from `at`: up to the newline.
fn line_end(line: &[u8], at: usize) -> usize {
    at + line[at..]
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(line.len() - at)
}

fn run(bytes: &[u8], mut pred: impl FnMut(u8) -> bool) -> usize {
    bytes.iter().take_while(|&&b| pred(b)).count()
}

fn utf8_len(first: u8) -> usize {
    match first {
        0..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::testing::{assert_as_grammar, fenced_blocks, random_blocks};
    use super::super::Highlighter;

    #[test]
    fn the_lexer_colours_shell_as_its_grammar_does_on_real_runbooks() {
        let highlighter = Highlighter::new();
        let blocks = fenced_blocks(&["bash", "sh", "shell", "console"]);
        for (origin, code) in &blocks {
            assert_as_grammar(&highlighter, "bash", code, origin);
        }
        assert!(
            blocks.len() > 100,
            "only {} shell blocks found",
            blocks.len()
        );
    }

    #[test]
    fn the_lexer_colours_awkward_shell_as_its_grammar_does() {
        let highlighter = Highlighter::new();
        for code in [
            "",
            "\n",
            "kubectl get pods",
            "sudo   systemctl restart api\nsudo\nsudo -u postgres psql\n",
            "for p in $(kubectl get pods -o name); do kubectl delete \"$p\"; done\n",
            "echo \"a $(date +%s) b ${HOME} c $1 \\\" d\"\n",
            "echo \"open\nstill open $x\nclosed\" after\n",
            "A=1 B=\"two\" C=$(echo 3) cmd --flag=x -v -- --\n",
            "cmd 2>&1 >>log <in 3<&0 >&2 | tee -a out # trailing\n",
            "cat x \\\n  | grep y \\\n  && echo z\n",
            "echo `date` `echo $HOME ${x}`\n",
            "if [ -f x ]; then echo y; elif true; then :; else exit 1; fi\n",
            "case $x in a) echo a;; *) echo b;; esac\n",
            "echo 'unterminated\necho '' \"\"\n",
            "ls #not-a-comment # a comment\n#!/bin/bash\n",
            "echo　全角スペース　-n　--long　#　コメント\n",
            "kubectl logs <POD_NAME> -n ${NAMESPACE:-default} --since=1h\n",
            "(cd /tmp && ls) ; { echo x; } ! true\n",
            "echo $( (echo nested) ) $(( 1 + 2 ))\n",
            "x=\\\n",
            "echo \\\\$\n\\\n",
            "export PATH=$PATH:/usr/local/bin readonly X local y=1\n",
            "echo \"\\é\" é=1 $é ${é}\n",
            "no newline at the end \\",
        ] {
            assert_as_grammar(&highlighter, "bash", code, "case");
        }
    }

    /// Lines drawn at random from the pieces shell is made of, so that
    /// pieces meet in orders no one thought to write down.
    #[test]
    fn the_lexer_colours_random_shell_as_its_grammar_does() {
        const PIECES: &[&str] = &[
            " ",
            " ",
            "  ",
            "\t",
            "　",
            "\n",
            "\\",
            "\\\n",
            "kubectl",
            "get",
            "pods",
            "sudo",
            "-n",
            "--all",
            "-",
            "--",
            "---x",
            "=",
            "A=",
            "x=1",
            "\"",
            "'",
            "$",
            "$(",
            ")",
            "(",
            "${x}",
            "${",
            "}",
            "$1",
            "$?",
            "$$",
            "$x_y",
            "`",
            "#",
            "# c",
            "|",
            "||",
            "&",
            "&&",
            ";",
            ";;",
            ">",
            ">>",
            "2>",
            "2>&1",
            "<",
            "<&",
            "for",
            "in",
            "do",
            "done",
            "if",
            "then",
            "fi",
            "!",
            "export",
            "case",
            "esac",
            "a.b/c:d@e+f",
            "é",
            "全角",
            "0",
            "42",
            "/",
            ".",
            ",",
        ];
        let highlighter = Highlighter::new();
        random_blocks(PIECES, 20_000, |origin, code| {
            assert_as_grammar(&highlighter, "bash", code, origin);
        });
    }
}
