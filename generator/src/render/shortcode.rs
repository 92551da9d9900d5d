//! Hugo shortcodes (`{{< figure … >}}`, `{{% rule … %}}`): runbook does not
//! run them, so they stay on the page as written, where a reader sees that
//! something is missing, and the page gets one warning naming the first.
//!
//! Left to Markdown, `{{<details>}}` would lose its middle: `<details>` is
//! inline HTML to CommonMark, and the browser would draw an empty element
//! between two stray braces. Such a tag is turned back into text here.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

use crate::error::{Location, Warning};

/// The shortcodes seen on one page.
#[derive(Debug, Default)]
pub struct Shortcodes {
    /// Byte offset in the body and name of the first one.
    first: Option<(usize, String)>,
    count: usize,
}

impl Shortcodes {
    /// Looks at one event (outside code) and returns the event to emit:
    /// the same one, or an HTML tag that is part of a shortcode as text.
    pub fn see<'a>(&mut self, body: &str, event: Event<'a>, range: &Range<usize>) -> Event<'a> {
        match event {
            Event::Text(text) => {
                let source = body.get(range.clone()).unwrap_or_default();
                let mut from = 0;
                while let Some(i) = find_open(&source[from..]) {
                    self.record(body, range.start + from + i);
                    from += i + 3;
                }
                // `{{` ended the text before, and this text opens with `%`
                // or `<`: the parser split the delimiter.
                if from == 0 && starts_after_braces(body, range.start) {
                    self.record(body, range.start - 2);
                }
                Event::Text(text)
            }
            Event::InlineHtml(html) | Event::Html(html)
                if starts_after_braces(body, range.start) =>
            {
                if !html.trim_start().starts_with("</") {
                    self.record(body, range.start - 2);
                }
                Event::Text(CowStr::from(html.into_string()))
            }
            other => other,
        }
    }

    fn record(&mut self, body: &str, at: usize) {
        let name = body[at + 3..]
            .trim_start_matches([' ', '/'])
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .next()
            .unwrap_or_default()
            .to_string();
        // A closing `{{< /x >}}` is part of the one it closes.
        let closing = body[at + 3..].trim_start().starts_with('/');
        if !closing {
            self.count += 1;
        }
        self.first.get_or_insert((at, name));
    }

    /// One warning for the page, at the first shortcode.
    pub fn warning(&self, at: impl Fn(usize) -> Location) -> Option<Warning> {
        let (offset, name) = self.first.as_ref()?;
        let more = match self.count {
            0 | 1 => String::new(),
            n => format!(" ({n} on this page)"),
        };
        Some(Warning {
            at: at(*offset),
            message: format!("Hugo shortcode `{name}` is shown as written{more}"),
            hint: "runbook does not run Hugo shortcodes: write what it stands for in Markdown (a link, a code block, <details>), or remove it".into(),
        })
    }
}

/// Where `{{<` or `{{%` starts in `text`.
fn find_open(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let at = from + i;
        if matches!(text.as_bytes().get(at + 2), Some(b'<' | b'%')) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

fn starts_after_braces(body: &str, start: usize) -> bool {
    start >= 2
        && body.get(start - 2..start) == Some("{{")
        && matches!(body.as_bytes().get(start), Some(b'<' | b'%'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_contains;
    use pulldown_cmark::Parser;

    /// The body's events through `see`, as HTML, and the shortcodes seen.
    fn run(body: &str) -> (String, Shortcodes) {
        let mut shortcodes = Shortcodes::default();
        let events: Vec<Event> = Parser::new(body)
            .into_offset_iter()
            .map(|(event, range)| shortcodes.see(body, event, &range))
            .collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        (html, shortcodes)
    }

    #[test]
    fn percent_shortcodes_stay_visible_and_are_counted() {
        let (html, seen) =
            run("Intro\n\n{{% rule \"a.yml\" \"A\" %}}\n\n{{% comment %}}\n\n{{% /comment %}}\n");
        assert_contains(&html, "{{% rule \"a.yml\" \"A\" %}}");
        assert_contains(&html, "{{% /comment %}}");
        assert_eq!(seen.count, 2);
        assert_eq!(seen.first, Some((7, "rule".into())));
    }

    /// `{{<details>}}` without spaces would be an empty `<details>` element.
    #[test]
    fn angle_shortcodes_without_spaces_are_not_html() {
        let (html, seen) =
            run("{{<details title=\"x\">}}\nhidden\n{{</details>}} and {{< ref \"a.md\" >}}\n");
        assert!(!html.contains("<details"), "{html}");
        assert_contains(&html, "{{&lt;details title=\"x\"&gt;}}");
        assert_contains(&html, "{{&lt;/details&gt;}}");
        assert_eq!(seen.count, 2, "{seen:?}");
        assert_eq!(seen.first.as_ref().map(|f| f.1.as_str()), Some("details"));
    }

    #[test]
    fn braces_that_are_not_shortcodes_say_nothing() {
        let (_, seen) = run("Go templates use {{ .Values.x }} and {{- end }}.\n");
        assert!(seen.warning(|_| Location::new("a.md", 1, 1)).is_none());
    }
}
