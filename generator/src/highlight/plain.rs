//! Highlighted code back to plain text in its HTML: what the print
//! documents want (paper is black and white).
//!
//! The runs are spans this crate wrote in one exact form
//! (`<span class="l3 d7">`), flat, and closed within their `<pre>`, so a
//! scan finds them. A streaming HTML rewriter can do the same, but it
//! tokenises every one of a page's few hundred spans: at 10,000 pages
//! that was two thirds of the print documents' time. Anything the scan
//! does not recognise as this crate's (spans that do not balance within
//! a `<pre>`) makes it give up, and the caller's rewriter does the work.

/// `html` with the highlighting's run spans inside `<pre>` taken out and
/// their text kept; `None` when a code block's spans do not balance.
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
/// looking for `<span` and `</span>` afresh after each cost more than the
/// copying.
fn strip_block(block: &str, plain: &mut String) -> Option<()> {
    // Whether each open span is a run, innermost last.
    let mut open: Vec<bool> = Vec::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = block[from..].find('<') {
        let at = from + i;
        let rest = &block[at..];
        if rest.starts_with("</span>") {
            plain.push_str(&block[copied..at]);
            if !open.pop()? {
                plain.push_str("</span>");
            }
            copied = at + "</span>".len();
            from = copied;
        } else if rest.starts_with("<span")
            && matches!(rest.as_bytes().get(5), Some(b'>' | b' ' | b'\n' | b'\t'))
        {
            let tag = &rest[..rest.find('>')? + 1];
            let run = is_run(tag);
            plain.push_str(&block[copied..at]);
            if !run {
                plain.push_str(tag);
            }
            open.push(run);
            copied = at + tag.len();
            from = copied;
        } else {
            from = at + 1;
        }
    }
    plain.push_str(&block[copied..]);
    open.is_empty().then_some(())
}

/// `<span class="l<n> d<m>">`, as `Runs` writes a run.
fn is_run(tag: &str) -> bool {
    let number =
        |s: Option<&str>| s.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    tag.strip_prefix("<span class=\"")
        .and_then(|t| t.strip_suffix("\">"))
        .and_then(|classes| classes.split_once(' '))
        .is_some_and(|(light, dark)| {
            number(light.strip_prefix('l')) && number(dark.strip_prefix('d'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::highlight::Highlighter;

    #[test]
    fn runs_go_and_their_text_and_placeholders_stay() {
        let html = "<p><span class=\"l1 d2\">not code</span></p>\n<pre class=\"code\"><code><span class=\"l1 d2\">kubectl</span> get pods -n <span class=\"l3 d4\">ns-<span class=\"ph\" data-ph=\"NS\">NS</span></span>\n</code></pre>\n<p>after</p>";
        assert_eq!(
            without_runs(html).unwrap(),
            "<p><span class=\"l1 d2\">not code</span></p>\n<pre class=\"code\"><code>kubectl get pods -n ns-<span class=\"ph\" data-ph=\"NS\">NS</span>\n</code></pre>\n<p>after</p>"
        );
    }

    #[test]
    fn what_it_does_not_recognise_it_leaves_to_the_caller() {
        // A span left open in a code block written as raw HTML.
        assert_eq!(without_runs("<pre><span class=\"l1 d2\">x</pre>"), None);
        // A stray close.
        assert_eq!(without_runs("<pre>x</span></pre>"), None);
        // Spans that only look like runs outside `<pre>`, and a tag that
        // only starts like one, are left as they are.
        let text = "<preview><span class=\"l1 d2\">x</span></preview>";
        assert_eq!(without_runs(text).unwrap(), text);
    }

    /// On real highlighting: no run left, the text unchanged.
    #[test]
    fn highlighted_code_comes_back_as_its_text() {
        let h = Highlighter::new();
        let code = "kubectl logs deploy/api -n prod --since=10m | grep -E 'ERROR|panic' # <tail>\n";
        let html = h.highlight(h.syntax("bash").unwrap(), code).unwrap();
        let plain = without_runs(&format!("<pre><code>{html}</code></pre>")).unwrap();
        assert!(!plain.contains("<span"), "{plain}");
        assert_eq!(
            plain,
            format!("<pre><code>{}</code></pre>", crate::render::escape(code))
        );
    }
}
