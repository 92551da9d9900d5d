//! What the grammar lexers (`shell.rs`, `sql.rs`) share: syntect's rules
//! for running a grammar, a pattern's match and the scope operations
//! syntect gives for it. Each lexer brings its grammar's contexts and
//! patterns ([`Rules`]).
//!
//! What the lexers follow of syntect's rules: at each position, the
//! context's patterns (includes flattened) are tried in order and the
//! leftmost match wins, the earlier pattern on a tie; text before the
//! match keeps the scopes it has; a context's `meta_scope` covers the
//! match that pushes it and the one that pops it; the grammar's own scope
//! is pushed at the start of a block.

use syntect::parsing::{Scope, ScopeStackOp};

/// A grammar a lexer follows: its contexts and its patterns.
pub(super) trait Rules {
    /// The grammar's contexts.
    type Context: Copy;
    /// The context a block starts in; no pattern of it pops.
    const MAIN: Self::Context;

    /// The grammar's `scope:`.
    fn source() -> Scope;

    /// The `meta_scope` of `context`.
    fn meta_scope(context: Self::Context) -> Option<Scope>;

    /// The first of `context`'s patterns, in the grammar's order, that
    /// matches starting at `at` (a character boundary of `line`).
    fn match_at(context: Self::Context, line: &str, at: usize) -> Option<Match<Self::Context>>;
}

/// A lexer's state between lines, as syntect's `ParseState` is: the
/// contexts, innermost last.
pub(super) struct LexState<R: Rules> {
    contexts: Vec<R::Context>,
    first_line: bool,
}

impl<R: Rules> LexState<R> {
    pub(super) fn new() -> LexState<R> {
        LexState {
            contexts: vec![R::MAIN],
            first_line: true,
        }
    }

    fn top(&self) -> R::Context {
        *self
            .contexts
            .last()
            .expect("the main context is never popped")
    }
}

/// The operations for `line` from `state`, as syntect's
/// `ParseState::parse_line` gives them for the grammar `R`; `state` moves
/// past the line.
pub(super) fn parse_line<R: Rules>(
    state: &mut LexState<R>,
    line: &str,
) -> Vec<(usize, ScopeStackOp)> {
    let mut ops = Vec::new();
    if state.first_line {
        ops.push((0, ScopeStackOp::Push(R::source())));
        state.first_line = false;
    }
    let mut at = 0;
    // The leftmost match at or after `at`.
    while let Some(found) = (at..=line.len())
        .filter(|&i| line.is_char_boundary(i))
        .find_map(|i| R::match_at(state.top(), line, i))
    {
        found.push_ops(&mut ops, state.top(), R::meta_scope);
        match found.then {
            Then::Stay => {}
            Then::Push(context) => state.contexts.push(context),
            Then::Pop => drop(state.contexts.pop()),
        }
        at = found.end;
    }
    ops
}

/// What a match does to the lexer's contexts (`C`).
#[derive(Clone, Copy, Debug)]
pub(super) enum Then<C> {
    Stay,
    Push(C),
    Pop,
}

/// One pattern's match: its span, the pattern's scope over all of it,
/// the scopes of its capture groups, and what it does to the contexts.
#[derive(Debug)]
pub(super) struct Match<C> {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) scope: Option<Scope>,
    pub(super) captures: [Option<(usize, usize, Scope)>; 2],
    pub(super) then: Then<C>,
}

impl<C: Copy> Match<C> {
    pub(super) fn new(start: usize, end: usize, scope: Option<Scope>, then: Then<C>) -> Match<C> {
        Match {
            start,
            end,
            scope,
            captures: [None, None],
            then,
        }
    }

    pub(super) fn scoped(start: usize, end: usize, scope: Scope) -> Match<C> {
        Match::new(start, end, Some(scope), Then::Stay)
    }

    /// An unscoped match that pushes `context`.
    pub(super) fn pushing(start: usize, end: usize, context: C) -> Match<C> {
        Match::new(start, end, None, Then::Push(context))
    }

    /// An unscoped match that pops the current context.
    pub(super) fn popping(start: usize, end: usize) -> Match<C> {
        Match::new(start, end, None, Then::Pop)
    }

    /// Appends the match's operations, as syntect orders them: the meta
    /// scope of a context it pushes covers the match, and so does the
    /// meta scope of the context it pops (`meta`: a context's).
    pub(super) fn push_ops(
        &self,
        ops: &mut Vec<(usize, ScopeStackOp)>,
        current: C,
        meta: impl Fn(C) -> Option<Scope>,
    ) {
        if let Then::Push(context) = self.then {
            if let Some(scope) = meta(context) {
                ops.push((self.start, ScopeStackOp::Push(scope)));
            }
        }
        if let Some(scope) = self.scope {
            ops.push((self.start, ScopeStackOp::Push(scope)));
        }
        for (start, end, scope) in self.captures.into_iter().flatten() {
            ops.push((start, ScopeStackOp::Push(scope)));
            ops.push((end, ScopeStackOp::Pop(1)));
        }
        if self.scope.is_some() {
            ops.push((self.end, ScopeStackOp::Pop(1)));
        }
        if let Then::Pop = self.then {
            if meta(current).is_some() {
                ops.push((self.end, ScopeStackOp::Pop(1)));
            }
        }
    }
}

/// The tests' comparison of a lexer with the grammar it follows.
#[cfg(test)]
pub(super) mod testing {
    use super::super::{Grammar, Highlighter};
    use std::path::Path;

    /// `code` highlighted by `language`'s lexer and by syntect running the
    /// grammar file it follows: the same HTML, or a failure naming the
    /// block.
    pub(in crate::highlight) fn assert_as_grammar(
        highlighter: &Highlighter,
        language: &str,
        code: &str,
        origin: &str,
    ) {
        let lexed = highlighter.syntax(language).unwrap();
        assert!(lexed.lexer.is_some(), "{language} has no lexer");
        let grammar = Grammar {
            lexer: None,
            ..lexed
        };
        let (by_lexer, by_grammar) = (
            highlighter.highlight(lexed, code),
            highlighter.highlight(grammar, code),
        );
        assert_eq!(by_lexer, by_grammar, "{origin}:\n{code}");
    }

    /// The fenced blocks tagged with one of `tags` in every Markdown file
    /// of content/ and tests/fixtures/: (file, code).
    pub(in crate::highlight) fn fenced_blocks(tags: &[&str]) -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut blocks = Vec::new();
        for folder in ["content", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(folder)).sort_by_file_name() {
                let entry = entry.unwrap();
                if entry.path().extension().is_none_or(|e| e != "md") {
                    continue;
                }
                let text = std::fs::read_to_string(entry.path()).unwrap();
                let mut open: Option<String> = None;
                for line in text.split_inclusive('\n') {
                    match (&mut open, line.trim_start().strip_prefix("```")) {
                        (None, Some(info)) if tags.contains(&info.trim()) => {
                            open = Some(String::new());
                        }
                        (Some(code), Some(_)) => {
                            blocks.push((entry.path().display().to_string(), std::mem::take(code)));
                            open = None;
                        }
                        (Some(code), None) => code.push_str(line),
                        (None, _) => {}
                    }
                }
            }
        }
        blocks
    }

    /// `count` blocks of up to 16 of `pieces` drawn at random, each given
    /// to `check` with its name. The draw is the same on every run, so a
    /// failure repeats.
    pub(in crate::highlight) fn random_blocks(
        pieces: &[&str],
        count: usize,
        mut check: impl FnMut(&str, &str),
    ) {
        // xorshift
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for block in 0..count {
            let len = 1 + next() % 16;
            let code: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            check(&format!("random block {block}"), &code);
        }
    }
}
