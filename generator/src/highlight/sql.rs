//! The SQL grammar (`syntaxes/sql.sublime-syntax`) as a lexer, for the
//! reason and under the rules `shell.rs` gives: the grammar file is the
//! specification, and the tests below hold the lexer to it.
//!
//! Oniguruma's `\b` and `(?i)` are Unicode-aware: a word character is a
//! letter, a mark, a digit or a connector (`_`) in any script, so
//! `テーブルselect` holds no keyword. The lexer asks the same of each
//! character.

use std::sync::OnceLock;

use syntect::parsing::Scope;

use super::lexer::{Match, Rules};

/// The SQL grammar.
pub(super) struct Sql;

/// The grammar's contexts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Context {
    Main,
    SingleQuoted,
    BlockComment,
}

struct Scopes {
    source: Scope,
    comment: Scope,
    string: Scope,
    escape: Scope,
    constant_language: Scope,
    keyword_other: Scope,
    support_function: Scope,
    constant_numeric: Scope,
    keyword_operator: Scope,
}

fn scopes() -> &'static Scopes {
    static SCOPES: OnceLock<Scopes> = OnceLock::new();
    SCOPES.get_or_init(|| {
        let scope = |name: &str| Scope::new(name).expect("a valid scope name");
        Scopes {
            source: scope("source.sql"),
            comment: scope("comment"),
            string: scope("string"),
            escape: scope("constant.character.escape"),
            constant_language: scope("constant.language"),
            keyword_other: scope("keyword.other"),
            support_function: scope("support.function"),
            constant_numeric: scope("constant.numeric"),
            keyword_operator: scope("keyword.operator"),
        }
    })
}

const CONSTANTS: [&str; 3] = ["null", "true", "false"];

/// The grammar's keywords, lower-case (it matches them case-insensitively).
const KEYWORDS: &[&str] = &[
    "select",
    "from",
    "where",
    "and",
    "or",
    "not",
    "in",
    "is",
    "as",
    "on",
    "join",
    "left",
    "right",
    "inner",
    "outer",
    "full",
    "cross",
    "lateral",
    "using",
    "group",
    "order",
    "by",
    "having",
    "limit",
    "offset",
    "asc",
    "desc",
    "distinct",
    "union",
    "all",
    "except",
    "intersect",
    "case",
    "when",
    "then",
    "else",
    "end",
    "with",
    "recursive",
    "insert",
    "into",
    "values",
    "update",
    "set",
    "delete",
    "returning",
    "create",
    "alter",
    "drop",
    "truncate",
    "table",
    "index",
    "view",
    "sequence",
    "schema",
    "database",
    "extension",
    "if",
    "exists",
    "concurrently",
    "primary",
    "key",
    "foreign",
    "references",
    "default",
    "constraint",
    "unique",
    "check",
    "add",
    "column",
    "rename",
    "to",
    "grant",
    "revoke",
    "begin",
    "commit",
    "rollback",
    "savepoint",
    "transaction",
    "analyze",
    "vacuum",
    "verbose",
    "reindex",
    "explain",
    "show",
    "reset",
    "between",
    "like",
    "ilike",
    "similar",
    "interval",
    "cast",
    "filter",
    "over",
    "partition",
    "window",
    "only",
    "for",
    "nowait",
    "skip",
    "locked",
    "terminate",
];

impl Rules for Sql {
    type Context = Context;
    const MAIN: Context = Context::Main;

    fn source() -> Scope {
        scopes().source
    }

    fn meta_scope(context: Context) -> Option<Scope> {
        match context {
            Context::Main => None,
            Context::SingleQuoted => Some(scopes().string),
            Context::BlockComment => Some(scopes().comment),
        }
    }

    fn match_at(context: Context, line: &str, at: usize) -> Option<Match<Context>> {
        let rest = &line[at..];
        match context {
            Context::SingleQuoted => {
                if rest.starts_with("''") {
                    Some(Match::scoped(at, at + 2, scopes().escape))
                } else {
                    rest.starts_with('\'').then(|| Match::popping(at, at + 1))
                }
            }
            Context::BlockComment => rest.starts_with("*/").then(|| Match::popping(at, at + 2)),
            Context::Main => main(line, at),
        }
    }
}

fn main(line: &str, at: usize) -> Option<Match<Context>> {
    let s = scopes();
    let rest = &line[at..];
    // `--.*$`
    if rest.starts_with("--") {
        let end = at + rest.find('\n').unwrap_or(rest.len());
        return Some(Match::scoped(at, end, s.comment));
    }
    if rest.starts_with("/*") {
        return Some(Match::pushing(at, at + 2, Context::BlockComment));
    }
    if rest.starts_with('\'') {
        return Some(Match::pushing(at, at + 1, Context::SingleQuoted));
    }
    let starts_word = !line[..at].chars().next_back().is_some_and(is_word);
    let word_len = rest
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(rest.len(), |(i, _)| i);
    let word = &rest[..word_len];
    if starts_word && !word.is_empty() {
        // `(?i)\b(?:null|…)\b`, then the keywords: the whole word, in any case.
        if CONSTANTS.iter().any(|k| word.eq_ignore_ascii_case(k)) {
            return Some(Match::scoped(at, at + word_len, s.constant_language));
        }
        if KEYWORDS.iter().any(|k| word.eq_ignore_ascii_case(k)) {
            return Some(Match::scoped(at, at + word_len, s.keyword_other));
        }
        // `\b[A-Za-z_][A-Za-z0-9_]*(?=\()`
        let bytes = rest.as_bytes();
        if bytes[0].is_ascii_alphabetic() || bytes[0] == b'_' {
            let name = bytes
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            if bytes.get(name) == Some(&b'(') {
                return Some(Match::scoped(at, at + name, s.support_function));
            }
        }
        // `\b[0-9]+(?:\.[0-9]+)?\b`
        if let Some(end) = number(line, at) {
            return Some(Match::scoped(at, end, s.constant_numeric));
        }
    }
    // `<>|!=|<=|>=|::|\|\||[=<>+*/%-]`
    let len = if ["<>", "!=", "<=", ">=", "::", "||"]
        .iter()
        .any(|op| rest.starts_with(op))
    {
        2
    } else if rest.starts_with(['=', '<', '>', '+', '*', '/', '%', '-']) {
        1
    } else {
        return None;
    };
    Some(Match::scoped(at, at + len, s.keyword_operator))
}

/// `[0-9]+(?:\.[0-9]+)?\b` at `at` (a word's start): where it ends.
fn number(line: &str, at: usize) -> Option<usize> {
    let digits = |from: usize| {
        line.as_bytes()[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let whole = digits(at);
    if whole == 0 {
        return None;
    }
    let end = at + whole;
    if line.as_bytes().get(end) == Some(&b'.') {
        let fraction = digits(end + 1);
        if fraction > 0 && ends_word(line, end + 1 + fraction) {
            return Some(end + 1 + fraction);
        }
    }
    ends_word(line, end).then_some(end)
}

/// `\b` after a word character at `at`: no word character follows.
fn ends_word(line: &str, at: usize) -> bool {
    !line[at..].chars().next().is_some_and(is_word)
}

/// A word character as Oniguruma's Unicode `\w` has it: a letter, a mark,
/// a decimal digit or a connector punctuation. Two approximations: Rust's
/// `is_alphanumeric` also takes numerals that are not decimal digits
/// (`①`, `Ⅻ`), and only the marks below count; either differs from the
/// grammar only where such a character touches an ASCII keyword or number.
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    c.is_alphanumeric()
        || is_mark(c)
        || matches!(
            c,
            '\u{203F}' | '\u{2040}' | '\u{2054}' | '\u{FE33}' | '\u{FE34}' | '\u{FE4D}'
                ..='\u{FE4F}' | '\u{FF3F}'
        )
}

/// The combining marks runbooks meet (Japanese voicing marks, accents).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{3099}' | '\u{309A}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::super::lexer::testing::{assert_as_grammar, fenced_blocks, random_blocks};
    use super::super::Highlighter;

    #[test]
    fn the_lexer_colours_sql_as_its_grammar_does_on_real_runbooks() {
        let highlighter = Highlighter::new();
        let blocks = fenced_blocks(&["sql", "psql", "postgresql"]);
        for (origin, code) in &blocks {
            assert_as_grammar(&highlighter, "sql", code, origin);
        }
        assert!(blocks.len() > 10, "only {} SQL blocks found", blocks.len());
    }

    #[test]
    fn the_lexer_colours_awkward_sql_as_its_grammar_does() {
        let highlighter = Highlighter::new();
        for code in [
            "",
            "SELECT pid, now() - query_start AS d FROM pg_stat_activity WHERE state <> 'idle' ORDER BY d DESC LIMIT 5;\n",
            "select count(*)::int from t where x != 1.5 and y >= 2 or z is not null -- trailing\n",
            "/* open\nstill */ SELECT 'it''s' || 'x', 'open\nclosed' FROM t;\n",
            "SELECT 1.5e3, 12.a, a12, _x(1), x1(2), テーブルselect, select_x, Select, NULL, TRUE;\n",
            "UPDATE t SET a = 1 WHERE b IN (1, 2) RETURNING *; VACUUM (VERBOSE, ANALYZE) t;\n",
            "SELECT pg_terminate_backend(pid) FROM pg_locks l JOIN pg_class c ON l.relation = c.oid;\n",
            "-- コメント\nSELECT 名前, count(*) FROM 表 WHERE 状態 = '有効' GROUP BY 名前;\n",
            "x/**/y -- a --b\n",
            "SELECT ５select, é1, 1é, café(1)\n",
        ] {
            assert_as_grammar(&highlighter, "sql", code, "case");
        }
    }

    #[test]
    fn the_lexer_colours_random_sql_as_its_grammar_does() {
        const PIECES: &[&str] = &[
            " ",
            " ",
            "\t",
            "\n",
            "　",
            "select",
            "SELECT",
            "From",
            "in",
            "index",
            "null",
            "NULL",
            "count",
            "(",
            ")",
            "*",
            "'",
            "''",
            "--",
            "-",
            "/*",
            "*/",
            "/",
            "1",
            "42",
            ".",
            "1.5",
            "<>",
            "!=",
            "<=",
            ">=",
            "::",
            "||",
            "|",
            "=",
            "<",
            ">",
            "+",
            "%",
            "_",
            "a",
            "x1",
            "pg_stat_activity",
            "テーブル",
            "é",
            "５",
            ",",
            ";",
            "$1",
        ];
        let highlighter = Highlighter::new();
        random_blocks(PIECES, 20_000, |origin, code| {
            assert_as_grammar(&highlighter, "sql", code, origin);
        });
    }
}
