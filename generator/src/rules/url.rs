//! Where a rule's `runbook_url` lands on this site. A URL under the
//! site's `base_url` must reach a page: directly (`ERROR_RATE.html`, or a
//! folder's `index.html` by a pretty URL), through an alert's redirect
//! (`alerts/<Name>.html`) or an old path's (`aliases:`), and its
//! `#fragment` must name a heading of that page. Alertmanager templates
//! (`{{ $labels.pod }}`) are values filled in when the alert fires: they
//! may stand in the query or the fragment, not in the path, except
//! `$labels.alertname`, which is the rule's own name.

use std::collections::{HashMap, HashSet};

use percent_encoding::percent_decode_str;

use crate::render::Rendered;

/// What a runbook link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Landing {
    /// Not under the site's `base_url`: the runbook lives elsewhere.
    Elsewhere,
    /// A page of the site (its output path).
    Page(String),
    /// Nothing, or not the heading it names. `page` is the page it was
    /// meant for when that is plain (a case slip, a missing heading).
    Broken {
        reason: String,
        hint: String,
        page: Option<String>,
    },
}

/// The addresses a site answers, for resolving links into it.
pub struct SiteIndex {
    /// `host/path/` of `base_url`, lower case, without the scheme.
    base: Option<String>,
    /// The base URL as configured, ending in `/`, for the fixes.
    base_url: String,
    /// Output path → the page (output path) it shows or redirects to.
    addresses: HashMap<String, String>,
    /// Lower-cased address → address, for the hint on a case slip.
    lower: HashMap<String, String>,
    /// Page output → its heading ids.
    ids: HashMap<String, HashSet<String>>,
    /// Alert names that have a redirect.
    alerts: HashSet<String>,
}

impl SiteIndex {
    /// `pages`: (output path, heading ids); `alerts`: (name, page output);
    /// `aliases`: (old output path, page output).
    pub fn new<'a>(
        base_url: Option<&str>,
        pages: impl IntoIterator<Item = (&'a str, Vec<String>)>,
        alerts: impl IntoIterator<Item = (&'a str, &'a str)>,
        aliases: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> SiteIndex {
        let mut addresses = HashMap::new();
        let mut ids = HashMap::new();
        for (output, headings) in pages {
            addresses.insert(output.to_string(), output.to_string());
            ids.insert(output.to_string(), headings.into_iter().collect());
        }
        let mut names = HashSet::new();
        for (name, page) in alerts {
            names.insert(name.to_string());
            addresses.insert(format!("alerts/{name}.html"), page.to_string());
        }
        // The lower-cased addresses the build writes beside them, as
        // kube-prometheus writes its `runbook_url`s.
        for name in &names {
            let page = addresses[&format!("alerts/{name}.html")].clone();
            addresses
                .entry(format!("alerts/{}.html", name.to_lowercase()))
                .or_insert(page);
        }
        for (from, page) in aliases {
            addresses
                .entry(from.to_string())
                .or_insert_with(|| page.to_string());
        }
        let lower = addresses
            .keys()
            .map(|a| (a.to_lowercase(), a.clone()))
            .collect();
        let base_url = base_url.map(|b| format!("{}/", b.trim().trim_end_matches('/')));
        SiteIndex {
            base: base_url
                .as_deref()
                .map(|b| without_scheme(b).to_lowercase()),
            base_url: base_url.unwrap_or_default(),
            addresses,
            lower,
            ids,
            alerts: names,
        }
    }

    pub fn from_rendered(rendered: &Rendered, base_url: Option<&str>) -> SiteIndex {
        SiteIndex::new(
            base_url,
            rendered.pages.iter().map(|p| {
                let ids = p.markdown.headings.iter().map(|h| h.id.clone()).collect();
                (p.page.output.as_str(), ids)
            }),
            rendered
                .alerts
                .iter()
                .map(|(name, target)| (name.as_str(), target.url.as_str())),
            rendered
                .redirects
                .iter()
                .map(|(from, target)| (from.as_str(), target.url.as_str())),
        )
    }

    /// Whether a base URL is known (without one no link can be checked).
    pub fn has_base(&self) -> bool {
        self.base.is_some()
    }

    /// The address an alert's rule should carry: its redirect.
    pub fn alert_url(&self, name: &str) -> String {
        format!("{}alerts/{name}.html", self.base_url)
    }

    /// Where `url`, the runbook link of alert `alert`, lands.
    pub fn resolve(&self, url: &str, alert: &str) -> Landing {
        let Some(base) = &self.base else {
            return Landing::Elsewhere;
        };
        let url = fill_alertname(url.trim(), alert);
        // The path ends where the query, the fragment or a template starts.
        let end = url.find(['?', '#']).unwrap_or(url.len());
        let (address, rest) = url.split_at(end);
        let fragment = rest.split_once('#').map(|(_, f)| f);
        let bare = without_scheme(address);
        let lower = bare.to_lowercase();
        let rel = if lower == base.trim_end_matches('/') {
            ""
        } else if lower.starts_with(base.as_str()) {
            &bare[base.len()..]
        } else {
            return Landing::Elsewhere;
        };
        if rel.contains("{{") {
            return Landing::Broken {
                reason: "its path holds a template, which only Alertmanager fills in".into(),
                hint: format!(
                    "keep the path fixed and pass values in the query: `{}?pod={{{{ $labels.pod }}}}`",
                    self.alert_url(alert)
                ),
                page: None,
            };
        }
        let rel = percent_decode_str(rel).decode_utf8_lossy();
        let candidates = candidates(&rel);
        if let Some(page) = candidates.iter().find_map(|c| self.addresses.get(c)) {
            return self.check_fragment(page, fragment);
        }
        if let Some(real) = candidates
            .iter()
            .find_map(|c| self.lower.get(&c.to_lowercase()))
        {
            return Landing::Broken {
                reason: format!("no page is at `{rel}`; addresses are case-sensitive"),
                hint: format!("write `{}{}`", self.base_url, real),
                page: Some(self.addresses[real].clone()),
            };
        }
        // A pretty URL (`a/b/`, as Hugo writes a page's) of a page written
        // as `a/b.html`, in any case.
        let pretty = rel.strip_suffix('/').filter(|r| !r.is_empty());
        if let Some(real) = pretty.and_then(|r| self.lower.get(&format!("{r}.html").to_lowercase()))
        {
            return Landing::Broken {
                reason: format!("no page is at `{rel}`; the page is written as `{real}`"),
                hint: format!("write `{}{}`", self.base_url, real),
                page: Some(self.addresses[real].clone()),
            };
        }
        if let Some(name) = rel
            .strip_prefix("alerts/")
            .and_then(|r| r.strip_suffix(".html"))
        {
            if name != alert && name.eq_ignore_ascii_case(alert) {
                return Landing::Broken {
                    reason: format!(
                        "`{name}` is not the alert's name, `{alert}`: addresses are case-sensitive"
                    ),
                    hint: self.fix_for(alert),
                    page: None,
                };
            }
            return Landing::Broken {
                reason: format!(
                    "no page lists alert `{name}`, so `alerts/{name}.html` is not written"
                ),
                hint: format!("add `{name}` to the `alerts:` of its page's front matter"),
                page: None,
            };
        }
        Landing::Broken {
            reason: format!("no page is at `{rel}`"),
            hint: self.fix_for(alert),
            page: None,
        }
    }

    /// The fix for a link that should lead to `alert`'s page: its address,
    /// after listing it on a page when no page does yet.
    fn fix_for(&self, alert: &str) -> String {
        if self.alerts.contains(alert) {
            format!("write `{}`", self.alert_url(alert))
        } else {
            format!(
                "add `{alert}` to the `alerts:` of its page, then write `{}`",
                self.alert_url(alert)
            )
        }
    }

    fn check_fragment(&self, page: &str, fragment: Option<&str>) -> Landing {
        let fragment = fragment.map(|f| percent_decode_str(f).decode_utf8_lossy());
        match fragment {
            Some(f) if !f.is_empty() && !f.contains("{{") => {
                let ids = &self.ids[page];
                if ids.contains(f.as_ref()) {
                    return Landing::Page(page.into());
                }
                let lower = f.to_lowercase();
                let hint = if ids.contains(&lower) {
                    format!("heading ids are lower case: write `#{lower}`")
                } else {
                    "name a heading of the page; ids follow GitHub's rules (lower case, spaces to `-`)".into()
                };
                Landing::Broken {
                    reason: format!("`{page}` has no heading `#{f}`"),
                    hint,
                    page: Some(page.into()),
                }
            }
            _ => Landing::Page(page.into()),
        }
    }
}

/// The output paths a path of the site is served from: a folder's
/// `index.html`, the file itself, or (as GitHub Pages does) `path.html`.
fn candidates(rel: &str) -> Vec<String> {
    let lower = rel.to_ascii_lowercase();
    if rel.is_empty() || rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else if lower.ends_with(".html") || lower.ends_with(".htm") {
        vec![rel.to_string()]
    } else {
        vec![format!("{rel}.html"), format!("{rel}/index.html")]
    }
}

fn without_scheme(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest)
}

/// `{{ $labels.alertname }}` (and `.Labels.alertname`, `.CommonLabels`)
/// is the alert's own name; every other template is left as written.
fn fill_alertname(url: &str, alert: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let inner = rest[start + 2..start + len].trim().trim_start_matches('-');
        let inner = inner.trim_end_matches('-').trim();
        out.push_str(&rest[..start]);
        if matches!(
            inner,
            "$labels.alertname" | ".Labels.alertname" | ".CommonLabels.alertname"
        ) {
            out.push_str(alert);
        } else {
            out.push_str(&rest[start..start + len + 2]);
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_contains;

    fn site(base: &str) -> SiteIndex {
        SiteIndex::new(
            Some(base),
            [
                ("index.html", vec![]),
                (
                    "ERROR_RATE.html",
                    vec!["初動対応".to_string(), "rollback".into()],
                ),
                ("db/index.html", vec![]),
                ("db/Vacuum.html", vec![]),
            ],
            [("HighErrorRate", "ERROR_RATE.html")],
            [("old/errors/index.html", "ERROR_RATE.html")],
        )
    }

    fn page(p: &str) -> Landing {
        Landing::Page(p.into())
    }

    #[test]
    fn links_under_the_base_path_land_on_pages_redirects_and_aliases() {
        let s = site("https://example.github.io/Team/");
        let cases = [
            (
                "https://example.github.io/Team/alerts/HighErrorRate.html",
                page("ERROR_RATE.html"),
            ),
            (
                "https://example.github.io/Team/ERROR_RATE.html",
                page("ERROR_RATE.html"),
            ),
            // GitHub Pages serves `x.html` for `x`, and `x/index.html` for `x/`.
            (
                "https://example.github.io/Team/ERROR_RATE",
                page("ERROR_RATE.html"),
            ),
            ("https://example.github.io/Team/db/", page("db/index.html")),
            ("https://example.github.io/Team/db", page("db/index.html")),
            ("https://example.github.io/Team/", page("index.html")),
            ("https://example.github.io/Team", page("index.html")),
            (
                "http://EXAMPLE.github.io/team/old/errors/",
                page("ERROR_RATE.html"),
            ),
            (
                "https://example.github.io/Other/ERROR_RATE.html",
                Landing::Elsewhere,
            ),
            ("https://wiki.example.com/HighErrorRate", Landing::Elsewhere),
        ];
        for (url, expected) in cases {
            assert_eq!(s.resolve(url, "HighErrorRate"), expected, "{url}");
        }
    }

    #[test]
    fn the_base_url_may_omit_its_trailing_slash() {
        let s = site("https://example.github.io/Team");
        assert_eq!(
            s.resolve(
                "https://example.github.io/Team/alerts/HighErrorRate.html",
                "HighErrorRate"
            ),
            page("ERROR_RATE.html")
        );
        assert_eq!(
            s.alert_url("X"),
            "https://example.github.io/Team/alerts/X.html"
        );
    }

    #[test]
    fn a_lower_cased_alert_name_lands_and_a_pretty_url_is_broken() {
        let s = site("https://example.github.io/Team/");
        // The build writes `alerts/higherrorrate.html` beside the name.
        assert_eq!(
            s.resolve(
                "https://example.github.io/Team/alerts/higherrorrate.html",
                "HighErrorRate",
            ),
            Landing::Page("ERROR_RATE.html".into())
        );
        // A Hugo-style pretty URL of a page, lower-cased.
        let Landing::Broken { hint, .. } =
            s.resolve("https://example.github.io/Team/db/vacuum/", "X")
        else {
            panic!("lands");
        };
        assert_eq!(
            hint,
            "write `https://example.github.io/Team/db/Vacuum.html`"
        );
    }

    #[test]
    fn an_alert_no_page_lists_and_a_missing_page_are_broken() {
        let s = site("https://example.github.io/Team/");
        let Landing::Broken { reason, hint, page } = s.resolve(
            "https://example.github.io/Team/alerts/DiskFull.html",
            "DiskFull",
        ) else {
            panic!("lands");
        };
        assert_contains(&reason, "no page lists alert `DiskFull`");
        assert_contains(&hint, "`alerts:`");
        assert_eq!(page, None);
        // A lower-cased name of an alert no page lists yet.
        let Landing::Broken { reason, hint, .. } = s.resolve(
            "https://example.github.io/Team/alerts/diskfull.html",
            "DiskFull",
        ) else {
            panic!("lands");
        };
        assert_eq!(
            reason,
            "`diskfull` is not the alert's name, `DiskFull`: addresses are case-sensitive"
        );
        assert_eq!(hint, "add `DiskFull` to the `alerts:` of its page, then write `https://example.github.io/Team/alerts/DiskFull.html`");
        let Landing::Broken { reason, hint, .. } = s.resolve(
            "https://example.github.io/Team/ERRORS.html",
            "HighErrorRate",
        ) else {
            panic!("lands");
        };
        assert_eq!(reason, "no page is at `ERRORS.html`");
        assert_eq!(
            hint,
            "write `https://example.github.io/Team/alerts/HighErrorRate.html`"
        );
    }

    #[test]
    fn fragments_must_name_a_heading_of_the_page_reached() {
        let s = site("https://example.github.io/Team/");
        let base = "https://example.github.io/Team/alerts/HighErrorRate.html";
        assert_eq!(
            s.resolve(&format!("{base}#rollback"), "HighErrorRate"),
            page("ERROR_RATE.html")
        );
        // Percent-encoded, as a browser writes a Japanese id.
        assert_eq!(
            s.resolve(
                &format!("{base}#%E5%88%9D%E5%8B%95%E5%AF%BE%E5%BF%9C"),
                "HighErrorRate"
            ),
            page("ERROR_RATE.html")
        );
        let Landing::Broken { reason, hint, .. } =
            s.resolve(&format!("{base}#Rollback"), "HighErrorRate")
        else {
            panic!("lands");
        };
        assert_eq!(reason, "`ERROR_RATE.html` has no heading `#Rollback`");
        assert_eq!(hint, "heading ids are lower case: write `#rollback`");
        assert!(matches!(
            s.resolve(&format!("{base}#gone"), "HighErrorRate"),
            Landing::Broken { .. }
        ));
    }

    #[test]
    fn templates_are_query_values_and_alertname_is_the_rule_s_name() {
        let s = site("https://example.github.io/Team/");
        let cases = [
            "https://example.github.io/Team/alerts/HighErrorRate.html?pod={{ $labels.pod }}&ns={{$labels.namespace}}",
            "https://example.github.io/Team/alerts/{{ $labels.alertname }}.html",
            "https://example.github.io/Team/alerts/{{ .Labels.alertname }}.html#{{ $labels.section }}",
        ];
        for url in cases {
            assert_eq!(
                s.resolve(url, "HighErrorRate"),
                page("ERROR_RATE.html"),
                "{url}"
            );
        }
        let Landing::Broken { reason, .. } = s.resolve(
            "https://example.github.io/Team/{{ $labels.team }}/x.html",
            "HighErrorRate",
        ) else {
            panic!("lands");
        };
        assert_contains(&reason, "template");
    }

    #[test]
    fn without_a_base_url_nothing_is_checked() {
        let s = SiteIndex::new(None, [("a.html", vec![])], [], []);
        assert!(!s.has_base());
        assert_eq!(s.resolve("https://x/a.html", "A"), Landing::Elsewhere);
    }
}
