//! HTML escaping, one function for every writer of HTML: the generator's
//! pages, the dev server's injected script, and search excerpts; and its
//! inverse for reading back what they wrote.

/// Appends `ch` to `out`, escaped for HTML text and attribute values.
pub fn push_escaped(out: &mut String, ch: char) {
    match ch {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// Appends `text`, each character `special` names escaped as
/// [`push_escaped`] escapes it, the stretches between them copied whole
/// (code blocks are escaped run by run, and most of a run needs nothing).
fn push_escaping(out: &mut String, text: &str, special: impl Fn(u8) -> bool) {
    let mut copied = 0;
    for (at, byte) in text.bytes().enumerate() {
        if special(byte) {
            out.push_str(&text[copied..at]);
            push_escaped(out, byte as char);
            copied = at + 1;
        }
    }
    out.push_str(&text[copied..]);
}

/// Appends `text` escaped for an element's content, not an attribute's:
/// `&`, `<` and `>` only. Commands are full of quotes, and `&quot;` is
/// six bytes for one.
pub fn push_text_escaped(out: &mut String, text: &str) {
    push_escaping(out, text, |b| matches!(b, b'&' | b'<' | b'>'));
}

/// `text` escaped for an element's content (see [`push_text_escaped`]).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_text_escaped(&mut out, text);
    out
}

/// `text` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaping(&mut out, text, |b| {
        matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'')
    });
    out
}

/// The text a reader sees of HTML that runbook wrote: tags removed and
/// what [`escape`] writes decoded (highlighting splits a command into
/// spans; this gives the command back). Not a parser for HTML from
/// elsewhere: comments, CDATA and other entities are left as they are.
pub fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_html_reads_as_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("p95 < 500 ms / 日本語"), "p95 &lt; 500 ms / 日本語");
    }

    /// Content keeps its quotes; what would open a tag or an entity does
    /// not stand as written.
    #[test]
    fn text_escaping_leaves_quotes() {
        assert_eq!(
            escape_text(r#"grep -E 'a|b' "$x" && echo <日本語>"#),
            r#"grep -E 'a|b' "$x" &amp;&amp; echo &lt;日本語&gt;"#
        );
    }

    #[test]
    fn text_of_reads_back_what_escape_wrote() {
        for text in [
            r#"<a href="x">&'</a>"#,
            "&amp; is written &amp;amp;",
            "日本語 < 500",
        ] {
            assert_eq!(
                text_of(&format!("<span class=\"k\">{}</span>", escape(text))),
                text
            );
        }
    }
}
