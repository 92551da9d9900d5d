//! The print documents: `print.html` for the whole site and
//! `<folder>/print.html` for each folder, every page of it in sidebar
//! order on one page, for paper and for reading without a network.
//!
//! Each document is the already-rendered page bodies concatenated in one
//! pass, never a render per page per document (mdBook's print page is what
//! makes its builds quadratic). A body is rewritten on the way, with
//! lol_html (a streaming rewriter), so it stays valid in its new place:
//! its ids are prefixed with its page's anchor (`p12-`), links to pages in
//! the document become in-document anchors, and every other relative link
//! or image is rebased onto the document's folder.
//!
//! A document holds every page below its folder while they are at most
//! [`PAGES_PER_DOCUMENT`]; a larger folder's document holds its own pages
//! and links to its folders' documents instead. Nobody prints 10,000
//! pages, and a site's output must not grow with pages × folder depth: a
//! page is in its folder's document and in those of the few folders above
//! it that are small enough, so the print documents stay within a small
//! multiple of the pages' own size.

use std::collections::HashMap;

use lol_html::{element, rewrite_str, RewriteStrSettings};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::BuildError;
use crate::highlight;
use crate::nav::NavNode;
use crate::output::Sink;
use crate::paths;
use crate::render::{escape, percent_decode, Rendered};
use crate::theme::Theme;
use crate::view::SiteView;
use runbook_widgets::language::ThemeWords;

/// The file name of a print document, in the site root and in each folder.
pub const FILE: &str = "print.html";

/// The most pages a print document holds before it lists its folders'
/// documents instead (a few hundred sheets of paper).
pub const PAGES_PER_DOCUMENT: usize = 200;

/// What `print.html` sees.
#[derive(Serialize)]
struct PrintContext<'a> {
    site: &'a SiteView<'a>,
    t: &'a ThemeWords,
    root: String,
    /// The folder's title (its index page's, or its name); the site's for
    /// the root document.
    title: &'a str,
    /// The pages' bodies, rewritten and concatenated.
    body: &'a str,
    pages: usize,
    /// The folders' own documents, when this one is too large to hold
    /// their pages.
    folders: &'a [FolderLink<'a>],
}

/// One document to write: its path, its pages in reading order, and the
/// documents of the folders whose pages it leaves out.
struct Document<'a> {
    path: String,
    title: &'a str,
    pages: Vec<usize>,
    folders: Vec<FolderLink<'a>>,
}

/// A link from a document to a folder's document.
#[derive(Serialize)]
struct FolderLink<'a> {
    href: String,
    title: &'a str,
    pages: usize,
}

/// Writes the site's and every folder's print document.
pub fn write(
    rendered: &Rendered,
    theme: &Theme,
    sink: &dyn Sink,
    site: &SiteView,
    strings: &ThemeWords,
) -> Result<(), BuildError> {
    // A page's anchor is its place in the site's reading order: the same
    // in every document, and free of any character a file name may hold.
    let anchor: HashMap<&str, usize> = rendered
        .nav
        .order
        .iter()
        .enumerate()
        .map(|(n, &i)| (rendered.pages[i].page.output.as_str(), n))
        .collect();
    let mut documents = Vec::new();
    collect(
        rendered,
        &rendered.nav.root,
        &rendered.config.title,
        PAGES_PER_DOCUMENT,
        &mut documents,
    );
    documents.par_iter().try_for_each(|document| {
        // The template is rendered around a marker, and the pages are put
        // in its place: a document of 10,000 pages is 180 MB, which tera
        // would copy into its context and again into its output.
        let context = PrintContext {
            site,
            t: strings,
            root: paths::root_prefix(&document.path),
            title: document.title,
            body: BODY_MARKER,
            pages: document.pages.len(),
            folders: &document.folders,
        };
        let context =
            tera::Context::from_serialize(&context).map_err(|e| BuildError::Template {
                path: FILE.into(),
                message: e.to_string(),
                hint: "report this: the print context could not be serialised".into(),
            })?;
        let frame = theme.render(FILE, &context)?;
        let (before, after) =
            frame
                .split_once(BODY_MARKER)
                .ok_or_else(|| BuildError::Template {
                    path: FILE.into(),
                    message: "print.html does not show `body`".into(),
                    hint: "put `{{ body | safe }}` where the pages go in the theme's print.html"
                        .into(),
                })?;
        let pages = pages(rendered, document, &anchor)?;
        let size = before.len() + after.len() + pages.iter().map(String::len).sum::<usize>();
        let mut html = String::with_capacity(size);
        html.push_str(before);
        for page in &pages {
            html.push_str(page);
        }
        html.push_str(after);
        sink.write(&document.path, html.as_bytes())
    })
}

/// Where the pages go in the rendered `print.html`.
const BODY_MARKER: &str = "<!--runbook:print-body-->";

/// The documents of `node` and of every folder below it; a document
/// with more than `limit` pages below it keeps its own pages and links
/// to its folders' documents.
fn collect<'a>(
    rendered: &'a Rendered,
    node: &'a NavNode,
    title: &'a str,
    limit: usize,
    into: &mut Vec<Document<'a>>,
) {
    let title_of = |child: &'a NavNode| match child.page {
        Some(i) => rendered.pages[i].title.as_str(),
        None => child.label.as_str(),
    };
    let mut pages = Vec::new();
    walk(node, &mut pages);
    let mut folders = Vec::new();
    if pages.len() > limit {
        pages.clear();
        pages.extend(node.page);
        for child in &node.children {
            if child.folder.is_empty() {
                walk(child, &mut pages);
            } else {
                let mut below = Vec::new();
                walk(child, &mut below);
                folders.push(FolderLink {
                    href: paths::relative_url(
                        &folder_document(&node.folder),
                        &folder_document(&child.folder),
                    ),
                    title: title_of(child),
                    pages: below.len(),
                });
            }
        }
    }
    if !pages.is_empty() || !folders.is_empty() {
        into.push(Document {
            path: folder_document(&node.folder),
            title,
            pages,
            folders,
        });
    }
    for child in node.children.iter().filter(|c| !c.folder.is_empty()) {
        collect(rendered, child, title_of(child), limit, into);
    }
}

fn walk(node: &NavNode, order: &mut Vec<usize>) {
    if let Some(i) = node.page {
        order.push(i);
    }
    for child in &node.children {
        walk(child, order);
    }
}

/// The document's pages, each in an `<article>` headed by its anchor,
/// placed in parallel.
fn pages(
    rendered: &Rendered,
    document: &Document,
    anchor: &HashMap<&str, usize>,
) -> Result<Vec<String>, BuildError> {
    let included: HashMap<&str, usize> = document
        .pages
        .iter()
        .map(|&i| {
            let output = rendered.pages[i].page.output.as_str();
            (output, anchor[output])
        })
        .collect();
    document
        .pages
        .par_iter()
        .map(|&i| {
            let r = &rendered.pages[i];
            let n = anchor[r.page.output.as_str()];
            let mut html = String::with_capacity(r.markdown.html.len() * 9 / 8 + 200);
            html.push_str(&format!(
                "<article class=\"markdown print-page\" id=\"p{n}\" data-source=\"{}\">\n",
                escape(&r.page.rel)
            ));
            if r.markdown.first_h1.is_none() {
                html.push_str(&format!("<h1>{}</h1>\n", escape(&r.title)));
            }
            let place = Place {
                page: &r.page.output,
                prefix: format!("p{n}-"),
                document: &document.path,
                included: &included,
            };
            let body = place
                .rewrite(&r.markdown.html)
                .map_err(|e| BuildError::Template {
                    path: r.page.display.clone(),
                    message: format!(
                        "the page's HTML could not be placed in {}: {e}",
                        document.path
                    ),
                    hint: "check the raw HTML in the page for an unclosed tag or attribute".into(),
                })?;
            html.push_str(&body);
            html.push_str("</article>\n");
            Ok(html)
        })
        .collect()
}

/// Where one page's body goes: its own output path, its id prefix, the
/// document it is placed in and the pages that document holds.
struct Place<'a> {
    page: &'a str,
    prefix: String,
    document: &'a str,
    included: &'a HashMap<&'a str, usize>,
}

impl Place<'_> {
    fn rewrite(&self, body: &str) -> Result<String, lol_html::errors::RewritingError> {
        // The runs go by a scan when it recognises them; otherwise the
        // rewriter takes them out too.
        let plain = highlight::without_runs(body);
        let run_selector = plain.is_none().then(highlight::run_selector);
        let mut settings = RewriteStrSettings::new()
            .append_element_content_handler(element!("[id]", |el| {
                if let Some(id) = el.get_attribute("id") {
                    el.set_attribute("id", &format!("{}{id}", self.prefix))?;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("[href]", |el| {
                if let Some(href) = el.get_attribute("href") {
                    el.set_attribute("href", &self.link(&href))?;
                }
                Ok(())
            }))
            // The headings' `#` links: their labels, which repeat each
            // heading, were a sixth of a document's bytes, and paper
            // cannot follow them.
            .append_element_content_handler(element!("a.anchor", |el| {
                el.remove();
                Ok(())
            }))
            // A heading that is its own link keeps its text, not the link.
            .append_element_content_handler(element!("a.self-link", |el| {
                el.remove_and_keep_content();
                Ok(())
            }))
            .append_element_content_handler(element!("img[src]", |el| {
                if let Some(src) = el.get_attribute("src") {
                    el.set_attribute("src", &self.rebase(&src))?;
                }
                Ok(())
            }));
        // Paper is black and white (the print stylesheet says so): the
        // highlighting's runs, a quarter of a page's bytes, go; the text
        // and the placeholders stay.
        if let Some(selector) = &run_selector {
            settings = settings.append_element_content_handler(element!(selector, |el| {
                el.remove_and_keep_content();
                Ok(())
            }));
        }
        rewrite_str(plain.as_deref().unwrap_or(body), settings)
    }

    /// An href as it reads in the document: a fragment of this page is
    /// prefixed; a page of the document becomes its anchor; anything else
    /// relative is rebased.
    fn link(&self, href: &str) -> String {
        if let Some(fragment) = href.strip_prefix('#') {
            return format!("#{}{fragment}", self.prefix);
        }
        if href.is_empty() || paths::is_external(href) {
            return href.to_string();
        }
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (href, None),
        };
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        let Some(target) = paths::resolve(self.page, &percent_decode(&unescape(path))) else {
            return href.to_string();
        };
        let target = if target.is_empty() || target.ends_with('/') {
            format!("{target}index.html")
        } else {
            target
        };
        if query.is_none() {
            if let Some(n) = self.included.get(target.as_str()) {
                return match fragment {
                    Some(f) if !f.is_empty() => {
                        format!("#p{n}-{}", escape(&percent_decode(&unescape(f))))
                    }
                    _ => format!("#p{n}"),
                };
            }
        }
        let mut url = paths::relative_url(self.document, &target);
        if let Some(q) = query {
            url.push('?');
            url.push_str(q);
        }
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(f);
        }
        url
    }

    /// A relative address rebased from the page's folder onto the
    /// document's.
    fn rebase(&self, src: &str) -> String {
        if src.is_empty() || src.starts_with('#') || paths::is_external(src) {
            return src.to_string();
        }
        let (path, rest) = match src.find(['?', '#']) {
            Some(i) => src.split_at(i),
            None => (src, ""),
        };
        match paths::resolve(self.page, &percent_decode(&unescape(path))) {
            Some(target) => format!("{}{rest}", paths::relative_url(self.document, &target)),
            None => src.to_string(),
        }
    }
}

/// Attribute values come as written, entities and all; the few an href
/// carries are decoded before the path is resolved.
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The print document of a folder (`db/`, or `""` for the site's root),
/// from the site root.
pub fn folder_document(folder: &str) -> String {
    format!("{folder}{FILE}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place<'a>(
        page: &'a str,
        document: &'a str,
        included: &'a HashMap<&'a str, usize>,
    ) -> Place<'a> {
        Place {
            page,
            prefix: "p3-".into(),
            document,
            included,
        }
    }

    #[test]
    fn links_become_anchors_or_are_rebased() {
        let included: HashMap<&str, usize> =
            [("db/index.html", 1), ("db/a.html", 3), ("b.html", 7)].into();
        let p = place("db/a.html", "print.html", &included);
        for (href, anchor) in [
            ("#step", "#p3-step"),
            ("index.html", "#p1"),
            ("./", "#p1"),
            ("../b.html#%E6%89%8B%E9%A0%86", "#p7-手順"),
            ("../b.html#a&amp;b", "#p7-a&amp;b"),
            ("https://x.example/a.html", "https://x.example/a.html"),
            ("files/run.sh", "db/files/run.sh"),
            ("../c.html#x", "c.html#x"),
        ] {
            assert_eq!(p.link(href), anchor, "link {href}");
        }
        assert_eq!(p.rebase("img/a%20b.png"), "db/img/a%20b.png");
        let folder = place("db/a.html", "db/print.html", &included);
        assert_eq!(folder.link("../c.html"), "../c.html");
        assert_eq!(folder.rebase("img/x.png"), "img/x.png");
    }

    /// `html` as the site-wide print document holds it for page `a.html`.
    fn rewritten_for_paper(html: &str) -> String {
        let included: HashMap<&str, usize> = [("a.html", 3)].into();
        place("a.html", "print.html", &included)
            .rewrite(html)
            .unwrap()
    }

    #[test]
    fn ids_and_fragments_are_prefixed_in_the_html() {
        assert_eq!(
            rewritten_for_paper("<h2 id=\"x\">X<a class=\"anchor\" href=\"#x\" aria-label=\"Link to X\">#</a></h2><p><a href=\"#x\">see X</a></p><img src=\"d/p.png\" alt=\"\">"),
            "<h2 id=\"p3-x\">X</h2><p><a href=\"#p3-x\">see X</a></p><img src=\"d/p.png\" alt=\"\">"
        );
    }

    /// Code written as raw HTML whose spans do not nest: the scan gives
    /// up, and the rewriter still takes the runs out.
    #[test]
    fn runs_go_by_the_rewriter_when_the_scan_gives_up() {
        assert_eq!(
            rewritten_for_paper(
                "<pre><code><h-42>kubectl</h-42> <span>open <h-3>x</h-3></code></pre>"
            ),
            "<pre><code>kubectl <span>open x</code></pre>"
        );
    }

    #[test]
    fn highlighting_stays_off_paper_and_placeholders_stay() {
        assert_eq!(
            rewritten_for_paper("<div class=\"code\" data-lang=\"bash\"><pre><code><h-42>kubectl</h-42> logs <span class=\"ph\" data-ph=\"POD_NAME\">&lt;POD_NAME&gt;</span></code></pre></div>"),
            "<div class=\"code\" data-lang=\"bash\"><pre><code>kubectl logs <span class=\"ph\" data-ph=\"POD_NAME\">&lt;POD_NAME&gt;</span></code></pre></div>"
        );
    }
}
