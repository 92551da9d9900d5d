//! Lines parsed once: runbooks repeat commands across pages
//! (`kubectl get pods -n …` on every page of a service; 39% of the code
//! lines of content/ stand more than once), and parsing a line with a
//! grammar's regexes is most of a build's time.
//!
//! A line's operations depend only on the line and on the parser's state
//! before it, so a line met again in the same state takes the operations
//! and the state after it from the memo. A line is kept the second time
//! it is met, so code that never repeats costs a hash per line and no
//! copies, and the memo is bounded.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use syntect::parsing::{ParseState, ScopeStackOp};

use super::Grammar;

/// The most lines kept per thread (a few MB), and the most line hashes
/// remembered as met once; past either, that set starts again.
const KEPT: usize = 16_384;
const MET: usize = 1 << 18;

/// A line's operations: (byte offset in the line, operation).
pub(super) type Ops = [(usize, ScopeStackOp)];

/// One parsed line and the states around it.
struct Parsed {
    grammar: usize,
    line: Box<str>,
    before: ParseState,
    ops: Vec<(usize, ScopeStackOp)>,
    after: ParseState,
}

/// The memo of one thread, for one highlighter at a time (grammars are
/// told apart by address, which only holds while their set lives).
#[derive(Default)]
pub(super) struct ParsedLines {
    highlighter: u64,
    met: HashSet<u64>,
    kept: HashMap<u64, Vec<Parsed>>,
    count: usize,
}

impl ParsedLines {
    /// Forgets everything when `highlighter` (its id) is not the one the
    /// memo holds lines of.
    pub(super) fn serve(&mut self, highlighter: u64) {
        if self.highlighter != highlighter {
            *self = ParsedLines {
                highlighter,
                ..ParsedLines::default()
            };
        }
    }

    /// The operations of `line` parsed from `state`, which moves past the
    /// line; `None` when the grammar fails on it.
    pub(super) fn parse(
        &mut self,
        grammar: Grammar<'_>,
        state: &mut ParseState,
        line: &str,
    ) -> Option<Cow<'_, Ops>> {
        let id = std::ptr::from_ref(grammar.syntax) as usize;
        let mut hasher = DefaultHasher::new();
        (id, line).hash(&mut hasher);
        let key = hasher.finish();
        let found = self.kept.get(&key).and_then(|lines| {
            lines
                .iter()
                .position(|p| p.grammar == id && &*p.line == line && p.before == *state)
        });
        if let Some(i) = found {
            let parsed = &self.kept[&key][i];
            *state = parsed.after.clone();
            return Some(Cow::Borrowed(&parsed.ops));
        }
        let again = !self.met.insert(key);
        if self.met.len() > MET {
            self.met.clear();
        }
        if again && self.count == KEPT {
            // Full: start again, so a long-running server keeps the lines
            // of the pages edited now, not those of its first build.
            self.kept.clear();
            self.count = 0;
        }
        let before = again.then(|| state.clone());
        let ops = state.parse_line(line, grammar.set).ok()?;
        if let Some(before) = before {
            self.count += 1;
            self.kept.entry(key).or_default().push(Parsed {
                grammar: id,
                line: line.into(),
                before,
                ops: ops.clone(),
                after: state.clone(),
            });
        }
        Some(Cow::Owned(ops))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::highlight::Highlighter;

    /// Lines met again in another state (inside a string, a heredoc) get
    /// that state's operations, not the memo's first answer: every line's
    /// operations and the state after it equal a plain parse's, on the
    /// first pass (nothing kept), the second (kept) and the third (taken
    /// from the memo).
    #[test]
    fn a_line_met_again_is_parsed_as_its_state_makes_it() {
        let highlighter = Highlighter::new();
        let grammar = highlighter.syntax("bash").unwrap();
        let code = "echo done\necho \"open\necho done\n\"\ncat <<EOF\necho done\nEOF\necho done\n";
        let mut memo = ParsedLines::default();
        memo.serve(highlighter.id);
        for pass in 0..3 {
            let (mut plain, mut memoised) = (
                ParseState::new(grammar.syntax),
                ParseState::new(grammar.syntax),
            );
            for line in code.split_inclusive('\n') {
                let expected = plain.parse_line(line, grammar.set).unwrap();
                let ops = memo.parse(grammar, &mut memoised, line).unwrap();
                assert_eq!(
                    format!("{:?}", &*ops),
                    format!("{expected:?}"),
                    "pass {pass}: {line:?}"
                );
                assert!(memoised == plain, "pass {pass}: state after {line:?}");
            }
        }
        // `echo done` stands in three states; each was kept once.
        assert!(memo.count >= 3, "{}", memo.count);
    }

    /// Another highlighter's grammars live elsewhere: its memo starts empty.
    #[test]
    fn a_new_highlighter_starts_a_new_memo() {
        let first = Highlighter::new();
        let grammar = first.syntax("bash").unwrap();
        let mut memo = ParsedLines::default();
        memo.serve(first.id);
        for _ in 0..2 {
            let mut state = ParseState::new(grammar.syntax);
            memo.parse(grammar, &mut state, "ls -la\n").unwrap();
        }
        assert_eq!(memo.count, 1);
        let second = Highlighter::new();
        memo.serve(second.id);
        assert_eq!((memo.count, memo.kept.len(), memo.met.len()), (0, 0, 0));
    }
}
