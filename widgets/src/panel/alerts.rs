//! What is firing: the alerts panel (most severe first, how long, the
//! page to open), the index page's verdict lines (one per SLO), and the
//! banner a runbook page shows when one of its own alerts fires.

use crate::contract::{FiringAlert, SloList};
use crate::pods::human_duration;
use crate::severity::Level;
use crate::timestamp::format_rfc3339;

use super::percent::encode;
use super::slo::{demo_badge, state, SloState};
use super::view::{el, Element, Node};
use crate::language::PanelWords;

/// The alerts a slot shows: those it names (any case, as kube-prometheus
/// lower-cases names in its links), or all when it names none; in the
/// API's order (unmuted, most severe, oldest first).
pub fn selected<'a>(alerts: &'a [FiringAlert], names: &[String]) -> Vec<&'a FiringAlert> {
    alerts
        .iter()
        .filter(|a| names.is_empty() || names.iter().any(|n| n.eq_ignore_ascii_case(&a.name)))
        .collect()
}

/// The alerts panel: one item per firing alert, or one line saying none.
pub fn panel(
    alerts: &[FiringAlert],
    names: &[String],
    demo: bool,
    now_unix: i64,
    root: &str,
    s: &PanelWords,
) -> Node {
    let shown = selected(alerts, names);
    let mut body = el("div").class("alerts");
    if demo {
        body = body.child(el("p").class("alerts-demo").child(demo_badge(s)));
    }
    if shown.is_empty() {
        return body
            .child(
                el("p")
                    .class("alerts-none status-ok")
                    .text(format!("✓ {}", s.alerts_none)),
            )
            .into();
    }
    let mut list = el("ul").class("alerts-list");
    for alert in shown {
        list = list.child(item(alert, now_unix, root, s));
    }
    body.child(list).into()
}

fn item(alert: &FiringAlert, now_unix: i64, root: &str, s: &PanelWords) -> Element {
    let mut head = el("p")
        .class("alert-head")
        .child(badge(alert))
        .text(" ")
        .child(el("strong").class("alert-name").text(alert.name.clone()));
    if let Some(muted) = muted(alert, s) {
        head = head
            .text(" ")
            .child(el("span").class("alert-muted").text(muted));
    }
    head = head.text(" ").child(
        el("span")
            .class("alert-age")
            .text(since(alert, now_unix, s)),
    );
    let mut item = el("li")
        .class(format!("alert {}", level_class(alert)))
        .attr("data-alert", alert.name.clone())
        .child(head);
    if let Some(summary) = &alert.summary {
        item = item.child(el("p").class("alert-summary").text(summary.clone()));
    }
    let link = match alert.page.as_ref().filter(|p| is_site_path(&p.url)) {
        Some(page) => el("p").class("alert-page").child(
            el("a")
                .attr("href", format!("{root}{}", page.url))
                .text(format!("{} → {}", s.open_runbook, page.title)),
        ),
        None => el("p").class("alert-page alert-no-page").text(s.no_runbook),
    };
    item.child(link)
}

/// The banner's body: the page's own alerts that fire, each with since
/// when, its labels, and (when a label fills a placeholder of the page) a
/// button that fills them. Empty when none fires: the stylesheet then
/// hides the banner.
pub fn banner(
    alerts: &[FiringAlert],
    names: &[String],
    fill: &[String],
    now_unix: i64,
    s: &PanelWords,
) -> Node {
    let mut body = el("div").class("banner-alerts");
    for alert in selected(alerts, names) {
        let head = el("p")
            .class("alert-head")
            .child(badge(alert))
            .text(" ")
            .child(el("strong").class("alert-name").text(alert.name.clone()));
        let mut when = el("p")
            .class("alert-when")
            .child(el("strong").class("alert-firing").text(s.alerts_firing))
            .text(" ");
        if let Some(muted) = muted(alert, s) {
            when = when
                .child(el("span").class("alert-muted").text(muted))
                .text(" ");
        }
        when = when.child(
            el("span")
                .class("alert-age")
                .text(since(alert, now_unix, s)),
        );
        // The name and the severity are shown above.
        let mut labels = el("ul").class("alert-labels");
        for (name, value) in &alert.labels {
            if name == "alertname" || name == "severity" {
                continue;
            }
            labels = labels.child(el("li").child(el("code").text(format!("{name}={value}"))));
        }
        let mut item = el("div")
            .class(format!("banner-alert {}", level_class(alert)))
            .attr("data-alert", alert.name.clone())
            .child(head)
            .child(when);
        if let Some(summary) = &alert.summary {
            item = item.child(el("p").class("alert-summary").text(summary.clone()));
        }
        item = item.child(labels);
        let fills: Vec<String> = alert
            .labels
            .iter()
            .filter(|(name, _)| fill.contains(name))
            .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
            .collect();
        if !fills.is_empty() {
            item = item.child(
                el("button")
                    .attr("type", "button")
                    .class("alert-fill")
                    .attr("data-fill-labels", fills.join("&"))
                    .text(s.fill_from_labels),
            );
        }
        body = body.child(item);
    }
    body.into()
}

/// The status board's SLO lines: each SLO's verdict in words and colour,
/// its current value against the objective.
pub fn verdicts(list: &SloList, ids: &[String], demo: bool, s: &PanelWords) -> Node {
    let mut body = el("ul").class("verdicts");
    for id in ids {
        let line = match list.slos.iter().find(|slo| &slo.id == id) {
            Some(slo) => {
                let verdict = state(slo);
                let title = if slo.title.is_empty() {
                    slo.id.clone()
                } else {
                    slo.title.clone()
                };
                let decimals = super::format::decimals_for(slo.objective);
                let current = slo
                    .sli
                    .map(|sli| super::format::percent_floor(sli, decimals))
                    .unwrap_or_else(|| s.no_events.to_string());
                el("li")
                    .class(format!("verdict {}", verdict.class()))
                    .attr("data-slo", slo.id.clone())
                    .child(el("span").class("verdict-status").text(verdict.label(s)))
                    .text(" ")
                    .child(el("span").class("verdict-title").text(title))
                    .text(format!(
                        " {current} / {}",
                        super::format::objective(slo.objective)
                    ))
            }
            None => el("li")
                .class(format!("verdict {}", SloState::NoData.class()))
                .attr("data-slo", id.clone())
                .child(
                    el("span")
                        .class("verdict-status")
                        .text(SloState::NoData.label(s)),
                )
                .text(format!(" {id}: {}", s.unavailable_slo)),
        };
        body = body.child(line);
    }
    if demo {
        body = body.child(el("li").class("verdict-demo").child(demo_badge(s)));
    }
    body.into()
}

/// One sentence for screen readers: how many fire, and which.
pub fn summary(alerts: &[FiringAlert], names: &[String], s: &PanelWords) -> String {
    let shown = selected(alerts, names);
    if shown.is_empty() {
        return s.alerts_none.to_string();
    }
    let names: Vec<&str> = shown.iter().map(|a| a.name.as_str()).collect();
    format!("{} {}: {}", shown.len(), s.alerts_firing, names.join(", "))
}

/// The severity badge: the level's name, or the label as written when it
/// maps to none; colour from the same classes as the page badges.
fn badge(alert: &FiringAlert) -> Element {
    let text = match alert.level {
        Some(level) if level != Level::Unknown => level.name().to_string(),
        _ => alert.severity.clone().unwrap_or_else(|| "?".to_string()),
    };
    el("span")
        .class(format!("badge sev-{}", level_name(alert)))
        .text(text)
}

fn level_name(alert: &FiringAlert) -> &'static str {
    alert.level.map_or("other", Level::class)
}

fn level_class(alert: &FiringAlert) -> String {
    format!("alert-{}", level_name(alert))
}

fn muted(alert: &FiringAlert, s: &PanelWords) -> Option<&'static str> {
    if alert.silenced {
        Some(s.silenced)
    } else if alert.inhibited {
        Some(s.inhibited)
    } else {
        None
    }
}

/// `since 06:05 UTC (35m)`, in the page's words.
fn since(alert: &FiringAlert, now_unix: i64, s: &PanelWords) -> String {
    let stamp = format_rfc3339(alert.starts_unix);
    let time = stamp.get(11..16).unwrap_or_default();
    s.alerts_since
        .replace("{time}", time)
        .replace("{age}", &human_duration(now_unix - alert.starts_unix))
}

/// A page path the build wrote (`POD_RESTARTS.html`, `db/index.html`):
/// relative, no scheme, nothing that would leave the site or run.
pub fn is_site_path(url: &str) -> bool {
    !url.is_empty()
        && !url.starts_with('/')
        && !url.contains("..")
        && url
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '%' | '#'))
}
