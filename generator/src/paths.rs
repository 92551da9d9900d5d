//! Source paths, output paths and the relative URLs between them.
//!
//! Every URL the site writes is relative, so one build works at `/`, under
//! a GitHub Pages project path and from `file://`, and percent-encoded, so
//! a file named `a#b.md`, `why?.md` or `100%.md` is a link a browser can
//! open (a raw `#` would start the fragment, a raw `%` an escape).

use std::borrow::Cow;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// What a path segment of an href must escape: the URL's delimiters and
/// what HTML and browsers treat specially (WHATWG's path set, plus `%`).
/// Non-ASCII is always encoded, as UTF-8.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A `/`-separated output path as an href: each segment percent-encoded.
pub fn href(path: &str) -> Cow<'_, str> {
    utf8_percent_encode(path, SEGMENT).into()
}

/// The output file of a Markdown source: `README.md` and `index.md` become
/// their folder's `index.html`, `a/B.md` becomes `a/B.html`.
pub fn output_path(rel: &str) -> String {
    let (dir, file) = match rel.rfind('/') {
        Some(i) => (&rel[..=i], &rel[i + 1..]),
        None => ("", rel),
    };
    let stem = file
        .strip_suffix(".md")
        .or_else(|| file.strip_suffix(".markdown"))
        .unwrap_or(file);
    if stem.eq_ignore_ascii_case("readme")
        || stem.eq_ignore_ascii_case("index")
        || stem.eq_ignore_ascii_case("_index")
    {
        format!("{dir}index.html")
    } else {
        format!("{dir}{stem}.html")
    }
}

/// The folder part of a `/`-separated path, with its trailing slash.
pub fn parent(rel: &str) -> &str {
    match rel.rfind('/') {
        Some(i) => &rel[..=i],
        None => "",
    }
}

/// `../` repeated once per folder level of `output`: the way back to the
/// site root from that page.
pub fn root_prefix(output: &str) -> String {
    "../".repeat(output.matches('/').count())
}

/// The relative URL from the page at `from` to the file at `to`, both
/// output paths from the site root.
pub fn relative_url(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = parent(from).split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let (to_dir, to_file) = to_parts.split_at(to_parts.len() - 1);
    let common = from_dir
        .iter()
        .zip(to_dir)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = "../".repeat(from_dir.len() - common);
    for part in &to_dir[common..] {
        url.push_str(&href(part));
        url.push('/');
    }
    url.push_str(&href(to_file[0]));
    url
}

/// Resolves a link path written in the page `from_rel` against the content
/// root: `./a.md`, `../b/c.md`, `/d.md` (root-relative, as on GitHub).
/// `None` when it climbs above the root.
pub fn resolve(from_rel: &str, link_path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if link_path.starts_with('/') {
        Vec::new()
    } else {
        parent(from_rel)
            .split('/')
            .filter(|s| !s.is_empty())
            .collect()
    };
    for segment in link_path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut resolved = parts.join("/");
    if link_path.ends_with('/') && !resolved.is_empty() {
        resolved.push('/');
    }
    Some(resolved)
}

/// True when a link target carries a scheme (`https:`, `mailto:`) or is
/// protocol-relative: such links are left exactly as written.
pub fn is_external(href: &str) -> bool {
    if href.starts_with("//") {
        return true;
    }
    match href.find(':') {
        Some(i) => {
            let scheme = &href[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && href[..i].find(['/', '?', '#']).is_none()
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths() {
        for (source, output) in [
            ("README.md", "index.html"),
            ("index.md", "index.html"),
            ("ERROR_RATE.md", "ERROR_RATE.html"),
            ("db/README.md", "db/index.html"),
            ("db/notes.markdown", "db/notes.html"),
        ] {
            assert_eq!(output_path(source), output, "output of {source}");
        }
    }

    /// `(from, to, href)`: the href on page `from` that leads to `to`.
    fn assert_relative_urls(cases: &[(&str, &str, &str)]) {
        for &(from, to, expected) in cases {
            assert_eq!(relative_url(from, to), expected, "from {from} to {to}");
        }
    }

    #[test]
    fn relative_urls() {
        assert_relative_urls(&[
            ("index.html", "ROLLBACK.html", "ROLLBACK.html"),
            ("a/b.html", "c.html", "../c.html"),
            ("a/b.html", "a/c.html", "c.html"),
            ("a/b/c.html", "a/d/e.html", "../d/e.html"),
            ("x.html", "a/b/index.html", "a/b/index.html"),
        ]);
        assert_eq!(root_prefix("a/b/c.html"), "../../");
        assert_eq!(root_prefix("index.html"), "");
    }

    #[test]
    fn hrefs_escape_what_a_browser_would_misread() {
        assert_relative_urls(&[
            ("index.html", "a#b.html", "a%23b.html"),
            ("x/y.html", "why?.html", "../why%3F.html"),
            ("index.html", "100%.html", "100%25.html"),
            (
                "index.html",
                "on call/日本語.html",
                "on%20call/%E6%97%A5%E6%9C%AC%E8%AA%9E.html",
            ),
        ]);
        assert_eq!(href("db/ROLLBACK.html"), "db/ROLLBACK.html");
        assert!(matches!(href("db/ROLLBACK.html"), Cow::Borrowed(_)));
    }

    #[test]
    fn resolving_links() {
        assert_eq!(
            resolve("README.md", "./ERROR_RATE.md").as_deref(),
            Some("ERROR_RATE.md")
        );
        assert_eq!(
            resolve("db/a.md", "../ROLLBACK.md").as_deref(),
            Some("ROLLBACK.md")
        );
        assert_eq!(
            resolve("db/a.md", "/ROLLBACK.md").as_deref(),
            Some("ROLLBACK.md")
        );
        assert_eq!(resolve("db/a.md", "sub/").as_deref(), Some("db/sub/"));
        assert_eq!(resolve("a.md", "../../x.md"), None);
    }

    #[test]
    fn external_links() {
        assert!(is_external("https://cloud.google.com"));
        assert!(is_external("mailto:a@b"));
        assert!(is_external("//cdn.example"));
        assert!(!is_external("./ROLLBACK.md"));
        assert!(!is_external("#x"));
        assert!(!is_external("a.md#b:c"));
    }
}
