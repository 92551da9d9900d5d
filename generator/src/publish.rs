//! Files a published site needs besides its pages: `404.html`,
//! `.nojekyll`, `sitemap.xml`, stable alert addresses
//! (`alerts/<AlertName>.html`, `alerts.json`) for Alertmanager's
//! `runbook_url`, and redirects from a page's old paths (`aliases:`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{BuildError, Location, Warning};
use crate::output::Sink;
use crate::page_list;
use crate::render::{escape, Rendered};
use crate::theme::Theme;
use crate::view::{NavEntry, SiteView};
use runbook_widgets::language::ThemeWords;

/// Writes the files a published site needs besides its pages and assets.
pub fn write_files(
    rendered: &Rendered,
    theme: &Theme,
    sink: &dyn Sink,
    site_view: &SiteView,
    strings: &ThemeWords,
    entries: &[NavEntry],
    page_list: bool,
) -> Result<(), BuildError> {
    let config = &rendered.config;
    sink.write(".nojekyll", b"")?;

    // What both pages rendered here read: the site and the theme's words.
    let mut shared = tera::Context::new();
    shared.insert("site", site_view);
    shared.insert("t", strings);

    // The 404 page is served at whatever address was missed, so it links
    // from the base path rather than relatively.
    let mut context = shared.clone();
    context.insert("root", &base_path(config.base_url.as_deref()));
    sink.write("404.html", theme.render("404.html", &context)?.as_bytes())?;

    // The dev server may keep its last list (see `Selection::page_list`).
    if page_list {
        write_page_list(rendered, theme, sink, shared, entries)?;
    }

    if let Some(base) = &config.base_url {
        let pages: Vec<(String, Option<String>)> = rendered
            .nav
            .order
            .iter()
            .map(|&i| {
                let page = &rendered.pages[i].page;
                (page.output.clone(), rendered.updated(page).map(Into::into))
            })
            .collect();
        sink.write("sitemap.xml", sitemap(base, &pages).as_bytes())?;
    }

    let json = serde_json::to_vec_pretty(&alert_entries(rendered))
        .map_err(|e| BuildError::io(Path::new("alerts.json"), e.into()))?;
    sink.write("alerts.json", &json)?;
    for (name, target) in &rendered.alerts {
        let html = alert_redirect(target, strings.redirecting);
        sink.write(&format!("alerts/{name}.html"), html.as_bytes())?;
        // kube-prometheus writes `runbook_url`s with the name lower-cased.
        // Same bytes as the original (the page never names itself), so
        // where the file system ignores case one file serves both.
        let lower = name.to_lowercase();
        if lower != *name && !rendered.alerts.contains_key(&lower) {
            sink.write(&format!("alerts/{lower}.html"), html.as_bytes())?;
        }
    }
    for (from, target) in &rendered.redirects {
        let html = alias_redirect(from, target, strings.redirecting);
        sink.write(from, html.as_bytes())?;
    }
    Ok(())
}

/// pages.html: every page, by folder, the no-JS fallback of search and a
/// map of the site. `context` holds the site and the theme's words. A
/// theme's template sees `groups` (see `page_list::FolderGroup`) and, as
/// before, `pages`: every page on one list in the sidebar's order.
fn write_page_list(
    rendered: &Rendered,
    theme: &Theme,
    sink: &dyn Sink,
    mut context: tera::Context,
    entries: &[NavEntry],
) -> Result<(), BuildError> {
    context.insert("root", "");
    context.insert("pages", &page_list::in_order(&rendered.nav, entries));
    context.insert(
        "groups",
        &page_list::folder_groups(&rendered.nav.root, entries),
    );
    sink.write(
        page_list::FILE,
        theme.render("pages.html", &context)?.as_bytes(),
    )?;
    Ok(())
}

/// An entry of alerts.json: the page an alert leads to (when one lists
/// it) and, after `build --rules`, the rules that define it (`expr`,
/// `for`, `severity`, `summary`, `labels`).
#[derive(Serialize)]
struct AlertEntry<'a> {
    #[serde(flatten)]
    page: Option<&'a AlertTarget>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rules: Option<&'a [crate::rules::show::RuleView]>,
}

/// Every alert a page lists or a rule defines, by name.
fn alert_entries(rendered: &Rendered) -> BTreeMap<&str, AlertEntry<'_>> {
    let mut entries: BTreeMap<&str, AlertEntry> = rendered
        .alerts
        .iter()
        .map(|(name, target)| {
            let rules = rendered.alert_rules.get(name).map(Vec::as_slice);
            (
                name.as_str(),
                AlertEntry {
                    page: Some(target),
                    rules,
                },
            )
        })
        .collect();
    for (name, rules) in &rendered.alert_rules {
        entries.entry(name).or_insert(AlertEntry {
            page: None,
            rules: Some(rules),
        });
    }
    entries
}

/// One page an alert leads to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlertTarget {
    /// Output path of the page from the site root.
    pub url: String,
    pub title: String,
    pub severity: Option<String>,
}

/// Alert name → page; a name declared twice is a warning and the first
/// page (in source order) keeps it.
pub fn alert_index<'a>(
    pages: impl Iterator<Item = (&'a [String], AlertTarget, Location)>,
) -> (BTreeMap<String, AlertTarget>, Vec<Warning>) {
    let mut alerts: BTreeMap<String, (AlertTarget, Location)> = BTreeMap::new();
    let mut warnings = Vec::new();
    for (names, target, at) in pages {
        for name in names {
            if !is_alert_name(name) {
                warnings.push(Warning {
                    at: at.clone(),
                    message: format!("alert name `{name}` cannot be an address"),
                    hint: "use the alert's name as Prometheus writes it: letters, digits, `_`, `-`, `.`".into(),
                });
                continue;
            }
            if let Some((first, first_at)) = alerts.get(name) {
                warnings.push(Warning {
                    at: at.clone(),
                    message: format!(
                        "alert `{name}` is already the alert of {} ({})",
                        first.url,
                        first_at.path.display()
                    ),
                    hint: "give each alert one runbook page; link the other page from it".into(),
                });
                continue;
            }
            alerts.insert(name.clone(), (target.clone(), at.clone()));
        }
    }
    (
        alerts.into_iter().map(|(k, (t, _))| (k, t)).collect(),
        warnings,
    )
}

fn is_alert_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !name.starts_with('.')
}

/// A redirect page at `alerts/<name>.html`, one folder below the root,
/// titled by the page only: the same bytes serve `alerts/<name>.html` and
/// its lower-cased twin. It keeps any query and `#fragment` the link
/// carried.
pub fn alert_redirect(target: &AlertTarget, redirecting: &str) -> String {
    redirect("alerts/index.html", None, target, redirecting)
}

/// A redirect page written at `from` (an output path) to `target`, titled
/// `name → page title` (or the page title). It keeps any `#fragment` the
/// link carried.
pub fn redirect(from: &str, name: Option<&str>, target: &AlertTarget, redirecting: &str) -> String {
    let url = crate::paths::relative_url(from, &target.url);
    let url = escape(&url);
    let title = escape(&target.title);
    let heading = match name {
        Some(name) => format!("{} → {title}", escape(name)),
        None => title.clone(),
    };
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{heading}</title>\
<meta name=\"robots\" content=\"noindex\"><link rel=\"canonical\" href=\"{url}\">\
<meta http-equiv=\"refresh\" content=\"0; url={url}\">\
<script>location.replace(\"{url}\" + location.search + location.hash)</script></head>\
<body><p>{redirecting}: <a href=\"{url}\">{title}</a></p></body></html>\n",
    )
}

/// A redirect page at `from`, an old path of the page (`aliases:`),
/// titled by that path as a reader typed it (`/old/path/`).
pub fn alias_redirect(from: &str, target: &AlertTarget, redirecting: &str) -> String {
    let name = format!("/{}", from.strip_suffix("index.html").unwrap_or(from));
    redirect(from, Some(&name), target, redirecting)
}

/// Old path (an output path) → the page that moved from there. `pages`
/// yields each page's `aliases:`, its target and where the key is.
/// `taken` says whether an output path is a page's or a file's already:
/// an alias never replaces one, and the first page to claim an alias keeps
/// it.
pub fn alias_index<'a>(
    pages: impl Iterator<Item = (&'a [String], AlertTarget, Location)>,
    taken: &dyn Fn(&str) -> bool,
) -> (BTreeMap<String, AlertTarget>, Vec<Warning>) {
    let mut redirects: BTreeMap<String, AlertTarget> = BTreeMap::new();
    let mut warnings = Vec::new();
    for (aliases, target, at) in pages {
        for alias in aliases {
            let Some(output) = alias_output(&target.url, alias) else {
                warnings.push(Warning {
                    at: at.clone(),
                    message: format!("alias `{alias}` is not a path of this site"),
                    hint: "write the page's old path from the site root, e.g. `/old/path/` or `/old/page.html`".into(),
                });
                continue;
            };
            let generated = generated_file(&output) != "another file of the site";
            if taken(&output) || generated || redirects.contains_key(&output) {
                warnings.push(Warning {
                    at: at.clone(),
                    message: format!(
                        "alias `{alias}` would replace `{output}`, which is already written"
                    ),
                    hint: "remove the alias, or move the page or file at that path".into(),
                });
                continue;
            }
            redirects.insert(output, target.clone());
        }
    }
    (redirects, warnings)
}

/// The output path a redirect for `alias` is written at. Hugo's forms:
/// `/a/b/` and `/a/b` (a folder: `a/b/index.html`), `/a/b.html` (that
/// file), a path without a leading `/` (beside the page); and `a.md`.
/// `None` for an address of another site or one that climbs above the root.
pub fn alias_output(page_output: &str, alias: &str) -> Option<String> {
    let alias = alias.trim();
    if crate::paths::is_external(alias) {
        return None;
    }
    let path = alias.split(['?', '#']).next().unwrap_or_default();
    let resolved = crate::paths::resolve(page_output, path)?;
    let resolved = resolved.trim_start_matches('/');
    if resolved.is_empty() {
        return None;
    }
    let lower = resolved.to_ascii_lowercase();
    Some(if resolved.ends_with('/') {
        format!("{resolved}index.html")
    } else if lower.ends_with(".html") || lower.ends_with(".htm") {
        resolved.to_string()
    } else if lower.ends_with(".md") || lower.ends_with(".markdown") {
        crate::paths::output_path(resolved)
    } else {
        format!("{resolved}/index.html")
    })
}

/// What runbook writes at `output` besides pages, named for a reader of
/// the collision message.
pub fn generated_file(output: &str) -> &'static str {
    let lower = output.to_lowercase();
    match lower.as_str() {
        "404.html" => "the page for missing addresses",
        "pages.html" => "the list of all pages",
        "sitemap.xml" => "the sitemap",
        "alerts.json" => "the alert index",
        ".nojekyll" => "GitHub Pages' marker",
        "print.html" => "the print version of the site",
        "sw.js" => "the offline copy's service worker",
        "offline.json" => "the offline copy's list of files",
        _ if lower.ends_with("/print.html") => "the print version of a folder",
        _ if lower.starts_with("alerts/") => "an alert's redirect page",
        _ if lower.starts_with("assets/") => "the theme's assets",
        _ if lower.starts_with("search/") => "the search index",
        _ => "another file of the site",
    }
}

/// `sitemap.xml` with absolute URLs; only written when `base_url` is set.
pub fn sitemap(base_url: &str, pages: &[(String, Option<String>)]) -> String {
    let base = if base_url.ends_with('/') {
        base_url.to_string()
    } else {
        format!("{base_url}/")
    };
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, updated) in pages {
        let loc = if path == "index.html" {
            base.clone()
        } else {
            format!("{base}{}", crate::paths::href(path))
        };
        xml.push_str(&format!("  <url><loc>{}</loc>", escape(&loc)));
        if let Some(date) = updated {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The path part of `base_url` (`/TokoToko/`), used where relative URLs
/// cannot work: the 404 page is served at any depth.
pub fn base_path(base_url: Option<&str>) -> String {
    let Some(url) = base_url else {
        return "/".into();
    };
    let after_scheme = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    let path = after_scheme
        .find('/')
        .map(|i| &after_scheme[i..])
        .unwrap_or("/");
    let mut path = path.split(['?', '#']).next().unwrap_or("/").to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_contains;

    fn target(url: &str) -> AlertTarget {
        AlertTarget {
            url: url.into(),
            title: "T".into(),
            severity: None,
        }
    }

    #[test]
    fn duplicate_and_bad_alert_names_warn() {
        let a = vec!["HighErrorRate".to_string(), "bad name".to_string()];
        let b = vec!["HighErrorRate".to_string()];
        let at = Location::new(Path::new("a.md"), 1, 1);
        let (alerts, warnings) = alert_index(
            vec![
                (a.as_slice(), target("A.html"), at.clone()),
                (b.as_slice(), target("B.html"), at),
            ]
            .into_iter(),
        );
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts["HighErrorRate"].url, "A.html");
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn redirect_keeps_fragment() {
        let html = alert_redirect(&target("ERROR_RATE.html"), "Redirecting");
        assert!(html.contains("url=../ERROR_RATE.html"));
        assert!(html.contains("location.search + location.hash"));
        // Never its own name: `alerts/X.html` and `alerts/x.html` are one
        // file where case does not count.
        let named = |name: &str| {
            let mut t = target("ERROR_RATE.html");
            t.title = "Error rate".into();
            let _ = name;
            alert_redirect(&t, "Redirecting")
        };
        assert_eq!(named("HighErrorRate"), named("higherrorrate"));
        assert!(!named("HighErrorRate").contains("HighErrorRate"));
    }

    #[test]
    fn alias_paths_in_hugo_s_forms() {
        let page = "db/new.html";
        assert_eq!(
            alias_output(page, "/old/path/").as_deref(),
            Some("old/path/index.html")
        );
        assert_eq!(
            alias_output(page, "/old/path").as_deref(),
            Some("old/path/index.html")
        );
        assert_eq!(
            alias_output(page, "/2010/01/old.html").as_deref(),
            Some("2010/01/old.html")
        );
        assert_eq!(alias_output(page, "old.md").as_deref(), Some("db/old.html"));
        assert_eq!(
            alias_output(page, "../legacy").as_deref(),
            Some("legacy/index.html")
        );
        assert_eq!(alias_output(page, "https://elsewhere.example/x"), None);
        assert_eq!(alias_output(page, "/"), None);
        assert_eq!(alias_output(page, "../../x"), None);
    }

    #[test]
    fn aliases_never_replace_a_page_or_each_other() {
        let at = Location::new(Path::new("a.md"), 4, 1);
        let a = vec!["/old/".to_string(), "/B.html".to_string()];
        let b = vec!["/old".to_string(), "/alerts/X.html".to_string()];
        let taken = |output: &str| output == "B.html";
        let (redirects, warnings) = alias_index(
            vec![
                (a.as_slice(), target("A.html"), at.clone()),
                (b.as_slice(), target("C.html"), at),
            ]
            .into_iter(),
            &taken,
        );
        assert_eq!(redirects.len(), 1);
        assert_eq!(redirects["old/index.html"].url, "A.html");
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        let html = redirect(
            "old/index.html",
            Some("/old/"),
            &redirects["old/index.html"],
            "→",
        );
        assert_contains(&html, "url=../A.html");
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path(None), "/");
        assert_eq!(
            base_path(Some("https://x.github.io/TokoToko/")),
            "/TokoToko/"
        );
        assert_eq!(
            base_path(Some("https://x.github.io/TokoToko")),
            "/TokoToko/"
        );
        assert_eq!(base_path(Some("https://runbook.example.com")), "/");
    }

    #[test]
    fn sitemap_is_absolute() {
        let xml = sitemap(
            "https://x.io/p",
            &[
                ("index.html".into(), None),
                ("A.html".into(), Some("2026-01-01".into())),
            ],
        );
        assert!(xml.contains("<loc>https://x.io/p/</loc>"));
        assert!(xml.contains("<loc>https://x.io/p/A.html</loc><lastmod>2026-01-01</lastmod>"));
        let xml = sitemap("https://x.io/", &[("db/a#b 日.html".into(), None)]);
        assert_contains(&xml, "<loc>https://x.io/db/a%23b%20%E6%97%A5.html</loc>");
    }
}
