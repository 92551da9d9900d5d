//! Highlighted code back to plain text in its HTML: what the print
//! documents want (paper is black and white).
//!
//! The runs are elements this crate wrote in one exact form (`<h-52>`),
//! flat, and closed within their `<pre>`, so a scan finds them. A
//! streaming HTML rewriter can do the same, but it tokenises every one of
//! a page's few hundred runs: at 10,000 pages that was two thirds of the
//! print documents' time. Anything the scan does not recognise as this
//! crate's (runs and spans that do not nest within a `<pre>`) makes it
//! give up, and the caller's rewriter does the work.

/// `html` with the highlighting's runs inside `<pre>` taken out and
/// their text kept; `None` when a code block's runs and spans do not nest.
pub fn without_runs(html: &str) -> Option<String> {
    let mut plain = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = find_tag(rest, "<pre") {
        let end = start + rest[start..].find("</pre>")?;
        plain.push_str(&rest[..start]);
        strip_block(&rest[start..end], &mut plain)?;
        rest = &rest[end..];
    }
    plain.push_str(rest);
    Some(plain)
}

/// The first `<name` in `html` that opens a tag of that name (followed by
/// `>` or a space, not `<preview`).
fn find_tag(html: &str, open: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = html[from..].find(open) {
        let at = from + i;
        match html.as_bytes().get(at + open.len()) {
            Some(b'>' | b' ' | b'\n' | b'\t') => return Some(at),
            _ => from = at + open.len(),
        }
    }
    None
}

/// Copies one `<pre>…` (up to its `</pre>`) into `plain` without its runs.
/// One pass over the block's `<`s: a block holds a few dozen runs, and
/// looking for each kind of tag afresh after each cost more than the
/// copying.
fn strip_block(block: &str, plain: &mut String) -> Option<()> {
    // The runs (true) and other spans (false) open, innermost last.
    let mut open: Vec<bool> = Vec::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = block[from..].find('<') {
        let at = from + i;
        let rest = &block[at..];
        let (tag_len, keep) = if let Some(len) = run_tag(rest, "<h-") {
            open.push(true);
            (len, false)
        } else if let Some(len) = run_tag(rest, "</h-") {
            if !open.pop()? {
                return None;
            }
            (len, false)
        } else if rest.starts_with("</span>") {
            if open.pop()? {
                return None;
            }
            ("</span>".len(), true)
        } else if rest.starts_with("<span")
            && matches!(rest.as_bytes().get(5), Some(b'>' | b' ' | b'\n' | b'\t'))
        {
            open.push(false);
            (rest.find('>')? + 1, true)
        } else {
            from = at + 1;
            continue;
        };
        plain.push_str(&block[copied..at]);
        if keep {
            plain.push_str(&rest[..tag_len]);
        }
        copied = at + tag_len;
        from = copied;
    }
    plain.push_str(&block[copied..]);
    open.is_empty().then_some(())
}

/// The length of the run tag `rest` starts with, `prefix` (`<h-` or
/// `</h-`) then digits then `>`, as `Runs` writes it.
fn run_tag(rest: &str, prefix: &str) -> Option<usize> {
    let digits = rest.strip_prefix(prefix)?;
    let count = digits.bytes().take_while(u8::is_ascii_digit).count();
    (count > 0 && digits.as_bytes().get(count) == Some(&b'>')).then_some(prefix.len() + count + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::highlight::Highlighter;

    #[test]
    fn runs_go_and_their_text_and_placeholders_stay() {
        let html = "<p><h-10>not code</h-10></p>\n<pre class=\"code\"><code><h-10>kubectl</h-10> get pods -n <h-28>ns-<span class=\"ph\" data-ph=\"NS\">NS</span></h-28>\n</code></pre>\n<p>after</p>";
        assert_eq!(
            without_runs(html).unwrap(),
            "<p><h-10>not code</h-10></p>\n<pre class=\"code\"><code>kubectl get pods -n ns-<span class=\"ph\" data-ph=\"NS\">NS</span>\n</code></pre>\n<p>after</p>"
        );
    }

    #[test]
    fn what_it_does_not_recognise_it_leaves_to_the_caller() {
        // A run left open in a code block written as raw HTML.
        assert_eq!(without_runs("<pre><h-10>x</pre>"), None);
        // Stray closes, and a run closed by a span's end.
        assert_eq!(without_runs("<pre>x</span></pre>"), None);
        assert_eq!(without_runs("<pre>x</h-3></pre>"), None);
        assert_eq!(without_runs("<pre><h-3>x</span></pre>"), None);
        assert_eq!(without_runs("<pre><span>x</h-3></pre>"), None);
        // Runs outside `<pre>`, a tag that only starts like `<pre>` and
        // tags that only start like runs are left as they are.
        let text = "<preview><h-10>x</h-10></preview>";
        assert_eq!(without_runs(text).unwrap(), text);
        let text = "<pre><h-x>y</h-x> <h->z</h-></pre>";
        assert_eq!(without_runs(text).unwrap(), text);
    }

    /// On real highlighting: no run left, the text unchanged.
    #[test]
    fn highlighted_code_comes_back_as_its_text() {
        let h = Highlighter::new();
        let code = "kubectl logs deploy/api -n prod --since=10m | grep -E 'ERROR|panic' # <tail>\n";
        let html = h.highlight(h.syntax("bash").unwrap(), code).unwrap();
        let plain = without_runs(&format!("<pre><code>{html}</code></pre>")).unwrap();
        assert!(!plain.contains("<h-"), "{plain}");
        assert_eq!(
            plain,
            format!(
                "<pre><code>{}</code></pre>",
                runbook_widgets::html::escape_text(code)
            )
        );
    }
}
