//! Where a key is written in a YAML text. serde_yaml places syntax and
//! type errors itself; a value that parsed but fails validation (an
//! unknown severity, an objective of 99.9) is placed by finding its key.

/// 1-based line of the first line whose key is `key`, as a mapping key or
/// as the first key of a list item, quoted or not (1 when not found).
pub fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            let t = line.trim_start().trim_start_matches("- ");
            let t = t.trim_start_matches(['"', '\'']);
            t.starts_with(key)
                && t[key.len()..]
                    .trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with(':')
        })
        .map(|i| i + 1)
        .unwrap_or(1)
}

/// The line of each top-level key, found in one pass: looking each key up
/// by scanning the block made a page with many keys quadratic (40,000 keys
/// took 17 s).
pub struct KeyLines<'a>(std::collections::HashMap<&'a str, usize>);

impl<'a> KeyLines<'a> {
    pub fn new(yaml: &'a str) -> KeyLines<'a> {
        let mut lines = std::collections::HashMap::new();
        for (i, line) in yaml.lines().enumerate() {
            if line.starts_with([' ', '\t', '#', '-']) {
                continue;
            }
            if let Some((key, _)) = line.split_once(':') {
                let key = key.trim_end().trim_matches(['"', '\'']);
                lines.entry(key).or_insert(i + 1);
            }
        }
        KeyLines(lines)
    }

    /// 1-based line of `key` in the block (1 when not found).
    pub fn line(&self, key: &str) -> usize {
        self.0.get(key).copied().unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_at_any_depth_quoted_or_in_lists() {
        let text = "title: x\nlive:\n  slos:\n    \"avail\": {}\n  - name : y\n";
        assert_eq!(line_of(text, "title"), 1);
        assert_eq!(line_of(text, "slos"), 3);
        assert_eq!(line_of(text, "avail"), 4);
        assert_eq!(line_of(text, "name"), 5);
        assert_eq!(line_of(text, "missing"), 1);
        // A key that only starts like another is not it.
        assert_eq!(line_of("titles: a\ntitle: b\n", "title"), 2);
    }

    #[test]
    fn top_level_keys_in_one_pass() {
        let lines = KeyLines::new("a: 1\n  b: 2\n# c: 3\n'd': 4\n");
        assert_eq!(lines.line("a"), 1);
        assert_eq!(lines.line("b"), 1);
        assert_eq!(lines.line("c"), 1);
        assert_eq!(lines.line("d"), 4);
    }
}
