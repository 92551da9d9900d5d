//! Where a rule is written. serde_yaml gives no positions of nested values
//! once parsed, so the rule file's text is scanned: the N-th `alert: Name`
//! item, and a key inside that rule's block (its `runbook_url`).

/// The `alert:` lines of one rule file, in file order.
pub struct Locator<'a> {
    lines: Vec<&'a str>,
    /// (line index, column of `alert`, the name as written, unquoted)
    alerts: Vec<(usize, usize, &'a str)>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Locator<'a> {
        let lines: Vec<&str> = text.lines().collect();
        let alerts = lines
            .iter()
            .enumerate()
            .filter_map(|(i, line)| {
                let (column, value) = key_value(line, "alert")?;
                Some((i, column, unquote(value)))
            })
            .collect();
        Locator { lines, alerts }
    }

    /// 1-based (line, column) of the `nth` (0-based) `alert: name` of the
    /// file; (1, 1) when the text does not show it in block style (a rule
    /// written as a flow mapping or JSON).
    pub fn alert(&self, name: &str, nth: usize) -> (usize, usize) {
        self.alerts
            .iter()
            .filter(|(_, _, n)| *n == name)
            .nth(nth)
            .map(|&(i, column, _)| (i + 1, column))
            .unwrap_or((1, 1))
    }

    /// 1-based (line, column) of `key` inside the rule whose `alert:` is on
    /// `alert_line`: the lines after it until the next list item at the
    /// rule's own depth or shallower, or the document's end.
    pub fn key_in_rule(&self, alert_line: usize, key: &str) -> Option<(usize, usize)> {
        let start = alert_line.checked_sub(1)?;
        let first = self.lines.get(start)?;
        let item_indent = first.len() - first.trim_start().len();
        let item_indent = if first.trim_start().starts_with("- ") {
            item_indent
        } else {
            // `alert:` is not the item's first key: the dash is above it.
            item_indent.saturating_sub(2)
        };
        for (i, line) in self.lines.iter().enumerate().skip(start + 1) {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if line.starts_with("---") || line.starts_with("...") {
                break;
            }
            if !trimmed.is_empty() && !trimmed.starts_with('#') && indent <= item_indent {
                break;
            }
            if let Some((column, _)) = key_value(line, key) {
                return Some((i + 1, column));
            }
        }
        None
    }
}

/// The 1-based column of `key` and its value, when `line` is `key: value`
/// (optionally a list item, optionally quoted).
fn key_value<'l>(line: &'l str, key: &str) -> Option<(usize, &'l str)> {
    let trimmed = line.trim_start();
    let mut column = line.len() - trimmed.len() + 1;
    let mut rest = trimmed;
    if let Some(after) = rest.strip_prefix("- ") {
        let after_ws = after.trim_start();
        column += 2 + (after.len() - after_ws.len());
        rest = after_ws;
    }
    let unquoted = rest
        .strip_prefix(['"', '\''])
        .map(|r| {
            r.strip_prefix(key)
                .and_then(|r| r.strip_prefix(['"', '\'']))
        })
        .unwrap_or_else(|| rest.strip_prefix(key))?;
    let value = unquoted.trim_start().strip_prefix(':')?;
    Some((column, value.trim()))
}

fn unquote(value: &str) -> &str {
    let value = match value.find(" #") {
        Some(i) => value[..i].trim_end(),
        None => value,
    };
    value.trim_matches(['"', '\''])
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
groups:
  - name: a
    rules:
      - alert: Down
        expr: up == 0
        annotations:
          runbook_url: https://x/Down
      - record: job:up:sum
        expr: sum(up)
      - expr: up == 0
        alert: \"Down\"   # again, for a second severity
        labels: {severity: warning}
      - alert: Other
        expr: vector(1)
---
groups:
- name: b
  rules:
  - alert: Down
    annotations:
      runbook: https://y
";

    #[test]
    fn the_nth_alert_of_a_name_is_found_at_its_line_and_column() {
        let locator = Locator::new(FILE);
        assert_eq!(locator.alert("Down", 0), (4, 9));
        assert_eq!(locator.alert("Down", 1), (11, 9));
        assert_eq!(locator.alert("Down", 2), (19, 5));
        assert_eq!(locator.alert("Other", 0), (13, 9));
        // Not written in block style: the file's start.
        assert_eq!(locator.alert("Down", 3), (1, 1));
        assert_eq!(locator.alert("Missing", 0), (1, 1));
    }

    #[test]
    fn a_key_is_found_only_inside_its_rule() {
        let locator = Locator::new(FILE);
        assert_eq!(locator.key_in_rule(4, "runbook_url"), Some((7, 11)));
        // The second `Down` has no annotation; the next rule's is not its.
        assert_eq!(locator.key_in_rule(11, "runbook_url"), None);
        assert_eq!(locator.key_in_rule(11, "labels"), Some((12, 9)));
        assert_eq!(locator.key_in_rule(13, "runbook_url"), None);
        assert_eq!(locator.key_in_rule(19, "runbook"), Some((21, 7)));
    }

    #[test]
    fn a_key_that_only_starts_like_another_is_not_it() {
        assert_eq!(key_value("  alertname: x", "alert"), None);
        assert_eq!(key_value("- 'alert': x", "alert"), Some((3, "x")));
        assert_eq!(unquote("\"X\"  # comment"), "X");
    }
}
