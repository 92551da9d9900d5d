//! Render: one page's Markdown to HTML through pulldown-cmark events.
//!
//! The event stream is rewritten on the way: headings get GitHub ids and an
//! anchor, `.md` links become page links, code is highlighted, `widget`
//! fences become panel slots, GitHub alerts become callouts. Everything
//! else (raw HTML, footnotes, task lists) goes to pulldown-cmark's writer.

pub mod code;
pub mod pages;
pub mod shortcode;
pub mod widget;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

use crate::config::LiveConfig;
use crate::error::{BuildError, LineIndex, Location, Warning};
use crate::highlight::Highlighter;
use crate::paths;
use crate::placeholder::Placeholders;
use crate::slug::Slugger;
use runbook_widgets::language::ThemeWords;

pub use code::{escape, escape_text};
pub use pages::{render_all, Rendered, RenderedPage};

/// What every page render shares: read-only, so pages render in parallel.
pub struct RenderContext<'a> {
    pub highlighter: &'a Highlighter,
    pub placeholders: &'a Placeholders,
    pub live: &'a LiveConfig,
    pub strings: &'a ThemeWords,
    pub links: &'a LinkTargets,
}

/// What links may point at: pages (by source path) and copied assets.
#[derive(Debug, Default)]
pub struct LinkTargets {
    /// Source path → output path, e.g. `db/README.md` → `db/index.html`.
    pub pages: HashMap<String, String>,
    pub assets: HashSet<String>,
}

impl LinkTargets {
    /// The page a resolved link path names: a `.md` file, or a folder whose
    /// `README.md`/`index.md` exists.
    fn page(&self, resolved: &str) -> Option<(&str, &str)> {
        let lookup = |rel: &str| {
            self.pages
                .get_key_value(rel)
                .map(|(k, v)| (k.as_str(), v.as_str()))
        };
        if paths::parent(resolved) == resolved || resolved.is_empty() {
            return ["README.md", "index.md", "readme.md", "_index.md"]
                .iter()
                .find_map(|name| lookup(&format!("{resolved}{name}")));
        }
        lookup(resolved)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// Plain text, for the table of contents and search.
    pub text: String,
}

/// A link to a page of this site, kept so fragments can be checked once
/// every page's headings are known.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLink {
    pub at: Location,
    /// Source path of the target page.
    pub target: String,
    /// Decoded fragment, if any.
    pub fragment: Option<String>,
}

/// The plain text under one heading (or before the first), for search.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Section {
    /// Index into `headings`; `None` for text before the first heading.
    pub heading: Option<usize>,
    /// Prose and code, whitespace-separated; commands are searchable too.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RenderedMarkdown {
    pub html: String,
    pub headings: Vec<Heading>,
    pub sections: Vec<Section>,
    pub links: Vec<PageLink>,
    pub first_h1: Option<String>,
    pub placeholders: BTreeSet<String>,
    pub has_widgets: bool,
    pub warnings: Vec<Warning>,
}

/// The page being rendered: where it is, for links and messages.
pub struct PageSource<'a> {
    pub rel: &'a str,
    pub display: &'a Path,
    pub body: &'a str,
    /// Lines above the body (front matter), added to reported lines.
    pub line_offset: usize,
}

const TOC_MARKER: &str = "<!-- runbook:toc -->";

pub fn render(ctx: &RenderContext, page: &PageSource) -> Result<RenderedMarkdown, BuildError> {
    let body = replace_toc_markers(page.body);
    let lines = LineIndex::new(&body);
    let at = |offset: usize| {
        let (line, column) = lines.position(&body, offset);
        Location::new(page.display, line + page.line_offset, column)
    };
    let output = paths::output_path(page.rel);

    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    options.remove(Options::ENABLE_SMART_PUNCTUATION);

    let mut out = EventsOut {
        events: Vec::new(),
        headings: Vec::new(),
        links: Vec::new(),
        placeholders: BTreeSet::new(),
        has_widgets: false,
        warnings: Vec::new(),
        has_toc_marker: false,
        toc_before_title: None,
        sections: vec![Section::default()],
    };
    let mut slugger = Slugger::default();
    let mut heading: Option<HeadingBuffer> = None;
    let mut code: Option<(String, String, usize)> = None; // (info, text, offset)
    let mut first_h1 = None;
    let mut shortcodes = shortcode::Shortcodes::default();

    for (event, range) in Parser::new_ext(&body, options).into_offset_iter() {
        // Code blocks are gathered whole, then replaced by our HTML.
        if let Some((info, text, start)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    if info.trim() != "widget" {
                        out.section_text(text);
                    }
                    let html = if info.trim() == "widget" {
                        out.has_widgets = true;
                        widget::render(ctx, text, at(*start))?
                    } else {
                        let rendered = code::render(ctx.highlighter, ctx.placeholders, info, text);
                        out.placeholders.extend(rendered.placeholders);
                        rendered.html
                    };
                    out.push(&mut heading, Event::Html(html.into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        let event = shortcodes.see(&body, event, &range);
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new(), range.start));
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some(HeadingBuffer {
                    level,
                    id: id.map(|s| s.to_string()),
                    events: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some(h) = heading.take() else { continue };
                let text = h.text.trim().to_string();
                let id = match h.id {
                    Some(id) => slugger.claim(id),
                    None => slugger.slug(&text),
                };
                let n = h.level as u8;
                if n == 1 && first_h1.is_none() {
                    first_h1 = Some(text.clone());
                }
                // The heading's text is its own link (the theme shows a
                // `#` beside it): a reader finds it by the heading, and the
                // page does not repeat each heading in a link's label. A
                // heading holding a link or raw HTML, which cannot sit in
                // another link, gets a `#` link of its own instead.
                let attr = escape(&id);
                if h.events.iter().any(cannot_be_in_a_link) {
                    out.events
                        .push(Event::Html(format!("<h{n} id=\"{attr}\">").into()));
                    out.events.extend(h.events);
                    out.events.push(Event::Html(
                        format!(
                            "<a class=\"anchor\" href=\"#{attr}\" aria-label=\"{}\">#</a></h{n}>\n",
                            escape(&format!("{}: {text}", ctx.strings.anchor_label))
                        )
                        .into(),
                    ));
                } else {
                    out.events.push(Event::Html(
                        format!("<h{n} id=\"{attr}\"><a class=\"self-link\" href=\"#{attr}\">")
                            .into(),
                    ));
                    out.events.extend(h.events);
                    out.events
                        .push(Event::Html(format!("</a></h{n}>\n").into()));
                }
                out.headings.push(Heading { level: n, id, text });
                if n == 1 && out.toc_before_title.take().is_some() {
                    out.events
                        .push(Event::Html(format!("{TOC_MARKER}\n").into()));
                }
                out.sections.push(Section {
                    heading: Some(out.headings.len() - 1),
                    text: String::new(),
                });
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = out.rewrite_link(ctx, page.rel, &output, &dest_url, at(range.start));
                out.push(
                    &mut heading,
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: dest,
                        title,
                        id,
                    }),
                );
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                out.check_asset(ctx, page.rel, &dest_url, at(range.start));
                out.push(
                    &mut heading,
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                );
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = callout(ctx.strings, kind);
                out.push(
                    &mut heading,
                    Event::Html(format!("<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{label}</p>\n").into()),
                );
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                out.push(&mut heading, Event::Html("</div>\n".into()))
            }
            Event::Start(Tag::Table(alignments)) => {
                out.push(
                    &mut heading,
                    Event::Html("<div class=\"table-wrap\">".into()),
                );
                out.push(&mut heading, Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                out.push(&mut heading, Event::End(TagEnd::Table));
                out.push(&mut heading, Event::Html("</div>\n".into()));
            }
            Event::Html(html) if html.trim() == TOC_MARKER => {
                out.has_toc_marker = true;
                // GitLab's pages put `[[_TOC_]]` above their title. Here a
                // phone would then open on the contents, the title below
                // them: they follow the title instead.
                if first_h1.is_none() && heading.is_none() && out.toc_before_title.is_none() {
                    out.toc_before_title = Some(out.events.len());
                } else {
                    out.push(&mut heading, Event::Html(html));
                }
            }
            Event::Text(text) => {
                match &mut heading {
                    Some(h) => h.text.push_str(&text),
                    None => out.section_text(&text),
                }
                out.push(&mut heading, Event::Text(text));
            }
            Event::Code(text) => {
                match &mut heading {
                    Some(h) => h.text.push_str(&text),
                    None => out.section_text(&text),
                }
                out.push(&mut heading, Event::Code(text));
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                out.section_text(" ");
                out.push(&mut heading, event);
            }
            other => out.push(&mut heading, other),
        }
    }

    // No title followed: the contents stay where they were written.
    if let Some(place) = out.toc_before_title.take() {
        out.events
            .insert(place, Event::Html(format!("{TOC_MARKER}\n").into()));
    }
    out.warnings.extend(shortcodes.warning(at));
    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out.events.into_iter());
    if out.has_toc_marker {
        html = html.replace(TOC_MARKER, &inline_toc(ctx.strings, &out.headings));
    }
    out.sections
        .retain(|s| s.heading.is_some() || !s.text.trim().is_empty());
    Ok(RenderedMarkdown {
        html,
        headings: out.headings,
        sections: out.sections,
        links: out.links,
        first_h1,
        placeholders: out.placeholders,
        has_widgets: out.has_widgets,
        warnings: out.warnings,
    })
}

struct HeadingBuffer {
    level: HeadingLevel,
    id: Option<String>,
    events: Vec<Event<'static>>,
    text: String,
}

/// What one page's event walk collects, before it is written as HTML.
struct EventsOut {
    events: Vec<Event<'static>>,
    sections: Vec<Section>,
    headings: Vec<Heading>,
    links: Vec<PageLink>,
    placeholders: BTreeSet<String>,
    has_widgets: bool,
    warnings: Vec<Warning>,
    has_toc_marker: bool,
    /// Where a table of contents written above the page's title was, while
    /// it waits to follow the title.
    toc_before_title: Option<usize>,
}

impl EventsOut {
    /// Adds text to the current section, keeping words apart.
    fn section_text(&mut self, text: &str) {
        if let Some(section) = self.sections.last_mut() {
            if !section.text.is_empty() && !section.text.ends_with(' ') {
                section.text.push(' ');
            }
            section.text.push_str(text.trim_end_matches('\n'));
        }
    }

    /// Sends an event to the open heading, or to the page.
    fn push(&mut self, heading: &mut Option<HeadingBuffer>, event: Event<'_>) {
        let event = event.into_static();
        match heading {
            Some(h) => h.events.push(event),
            None => self.events.push(event),
        }
    }

    /// Turns a link to a `.md` page into a link to its HTML page, keeping
    /// the fragment, and records it for checking. Other links are left as
    /// written.
    fn rewrite_link<'a>(
        &mut self,
        ctx: &RenderContext,
        rel: &str,
        output: &str,
        href: &CowStr<'a>,
        at: Location,
    ) -> CowStr<'a> {
        if href.is_empty() || paths::is_external(href) {
            return href.clone();
        }
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (href.as_ref(), None),
        };
        let path = path.split('?').next().unwrap_or("");
        let decoded_fragment = fragment.map(percent_decode);
        if path.is_empty() {
            self.links.push(PageLink {
                at,
                target: rel.to_string(),
                fragment: decoded_fragment,
            });
            return href.clone();
        }
        let decoded_path = percent_decode(path);
        let Some(resolved) = paths::resolve(rel, &decoded_path) else {
            self.warn(
                at,
                format!("link `{href}` goes above the content folder"),
                "link to a page inside the content folder".into(),
            );
            return href.clone();
        };
        if let Some((target_rel, target_out)) = ctx.links.page(&resolved) {
            self.links.push(PageLink {
                at,
                target: target_rel.to_string(),
                fragment: decoded_fragment,
            });
            let mut url = paths::relative_url(output, target_out);
            if let Some(f) = fragment {
                url.push('#');
                url.push_str(f);
            }
            return url.into();
        }
        let looks_like_page =
            crate::source::is_markdown(Path::new(&resolved)) || resolved.ends_with('/');
        if looks_like_page || !ctx.links.assets.contains(resolved.trim_end_matches('/')) {
            self.warn(
                at,
                format!(
                    "broken link `{href}`: no such {} `{resolved}`",
                    if looks_like_page { "page" } else { "file" }
                ),
                "correct the path (it is relative to this file) or create the missing file".into(),
            );
        }
        href.clone()
    }

    fn check_asset(&mut self, ctx: &RenderContext, rel: &str, href: &str, at: Location) {
        if href.is_empty() || paths::is_external(href) || href.starts_with("data:") {
            return;
        }
        let path = percent_decode(href.split(['#', '?']).next().unwrap_or(""));
        match paths::resolve(rel, &path) {
            Some(resolved) if ctx.links.assets.contains(&resolved) => {}
            _ => self.warn(
                at,
                format!("missing image `{href}`"),
                "put the file next to the page or correct the path".into(),
            ),
        }
    }

    fn warn(&mut self, at: Location, message: String, hint: String) {
        self.warnings.push(Warning { at, message, hint });
    }
}

/// Whether a heading's `event` cannot sit inside the heading's own link:
/// a link or a footnote's (links do not nest), raw HTML (which may hold
/// one) or an image (whose alt text would become the link's name).
fn cannot_be_in_a_link(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(Tag::Link { .. } | Tag::Image { .. })
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
    )
}

fn callout(strings: &ThemeWords, kind: BlockQuoteKind) -> (&'static str, &str) {
    match kind {
        BlockQuoteKind::Note => ("note", strings.note),
        BlockQuoteKind::Tip => ("tip", strings.tip),
        BlockQuoteKind::Important => ("important", strings.important),
        BlockQuoteKind::Warning => ("warning", strings.warning),
        BlockQuoteKind::Caution => ("caution", strings.caution),
    }
}

/// GitLab's `[[_TOC_]]` and the common `[TOC]` become a marker we fill with
/// the page's table of contents. Line count is unchanged, so positions hold.
fn replace_toc_markers(body: &str) -> std::borrow::Cow<'_, str> {
    if !body.contains("[[_TOC_]]") && !body.contains("[TOC]") {
        return body.into();
    }
    body.split_inclusive('\n')
        .map(|line| match line.trim() {
            "[[_TOC_]]" | "[TOC]" => format!("{TOC_MARKER}\n"),
            _ => line.to_string(),
        })
        .collect::<String>()
        .into()
}

fn inline_toc(strings: &ThemeWords, headings: &[Heading]) -> String {
    let mut html = format!(
        "<nav class=\"toc-inline\" aria-label=\"{}\"><ul>",
        escape(strings.on_this_page)
    );
    for h in headings.iter().filter(|h| h.level >= 2 && h.level <= 3) {
        html.push_str(&format!(
            "<li class=\"toc-l{}\"><a href=\"#{}\">{}</a></li>",
            h.level,
            escape(&h.id),
            escape(&h.text)
        ));
    }
    html.push_str("</ul></nav>\n");
    html
}

/// Decodes `%XX` escapes (UTF-8), leaving malformed ones as written; text
/// that does not decode to UTF-8 stays as written.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests;
