//! The SLO panel: per SLO the current value against the objective, a status
//! in words and colour, the error budget left, burn rates beside the
//! thresholds that page, and the last 24 hours as a sparkline.

use crate::contract::{AlertLevel, SloList, SloStatus};
use crate::slo::{rate_of, rule, RULES};

use super::format;
use super::sparkline::sparkline;
use super::view::{el, text, Element, Node};
use crate::language::PanelWords;

/// What a reader should make of one SLO, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SloState {
    /// A paging burn-rate rule fires.
    Page,
    /// The SLI over the whole window is below the objective.
    Missed,
    /// The slow, ticket-level rule fires.
    Ticket,
    /// A level this reader does not know (a newer server).
    Unknown,
    /// No events in the window.
    NoData,
    Ok,
}

pub fn state(slo: &SloStatus) -> SloState {
    match slo.alert.level {
        AlertLevel::Page => SloState::Page,
        AlertLevel::Unknown => SloState::Unknown,
        level => match slo.sli {
            Some(sli) if sli < slo.objective => SloState::Missed,
            _ if level == AlertLevel::Ticket => SloState::Ticket,
            _ if level == AlertLevel::NoData => SloState::NoData,
            None => SloState::NoData,
            Some(_) => SloState::Ok,
        },
    }
}

impl SloState {
    /// CSS class: the colour.
    pub fn class(self) -> &'static str {
        match self {
            SloState::Page => "status-page",
            SloState::Missed => "status-missed",
            SloState::Ticket => "status-ticket",
            SloState::Unknown => "status-unknown",
            SloState::NoData => "status-nodata",
            SloState::Ok => "status-ok",
        }
    }

    /// The words (with a symbol, so colour is never the only signal).
    pub fn label(self, s: &PanelWords) -> String {
        let (mark, word) = match self {
            SloState::Page => ("✖", s.status_page),
            SloState::Missed => ("✖", s.status_missed),
            SloState::Ticket => ("!", s.status_ticket),
            SloState::Unknown => ("?", s.status_unknown),
            SloState::NoData => ("–", s.status_no_data),
            SloState::Ok => ("✓", s.status_ok),
        };
        format!("{mark} {word}")
    }
}

/// The thresholds each alerting window takes part in (SRE workbook 5-8).
pub fn thresholds(window: &str) -> Vec<(AlertLevel, f64)> {
    RULES
        .iter()
        .filter(|r| r.long == window || r.short == window)
        .map(|r| (r.level, r.threshold))
        .collect()
}

/// The whole panel body for the SLOs a slot names, in the slot's order.
pub fn panel(list: &SloList, ids: &[String], demo: bool, s: &PanelWords) -> Node {
    let mut body = el("div").class("slo-list");
    for id in ids {
        body = match list.slos.iter().find(|slo| &slo.id == id) {
            Some(slo) => body.child(card(slo, demo, s)),
            None => body.child(unavailable(id, s)),
        };
    }
    body.into()
}

fn card(slo: &SloStatus, demo: bool, s: &PanelWords) -> Element {
    let state = state(slo);
    let decimals = format::decimals_for(slo.objective);
    let title = if slo.title.is_empty() {
        slo.id.clone()
    } else {
        slo.title.clone()
    };

    let mut head = el("p")
        .class("slo-head")
        .child(el("span").class("slo-title").text(title.clone()))
        .text(" ")
        .child(el("span").class("slo-status").text(state.label(s)));
    if demo {
        head = head.text(" ").child(demo_badge(s));
    }

    let current = match slo.sli {
        Some(sli) => format::percent_floor(sli, decimals),
        None => s.no_events.to_string(),
    };
    let mut figures = el("p")
        .class("slo-figures")
        .child(
            el("span")
                .class("slo-current")
                .text(format!("{} ", s.current))
                .child(el("strong").text(current)),
        )
        .text(" ")
        .child(el("span").class("slo-objective").text(format!(
            "{} {} ({} {})",
            s.objective,
            format::objective(slo.objective),
            slo.window_days,
            s.window_days
        )));
    if let Some(latency) = &slo.latency {
        let now = latency
            .current_seconds
            .map(format::latency)
            .unwrap_or_else(|| s.no_events.to_string());
        figures = figures
            .text(" ")
            .child(el("span").class("slo-latency").text(format!(
                "{} p{}: {now} / {}",
                s.latency,
                format::objective(latency.quantile).trim_end_matches('%'),
                format::latency(latency.threshold_seconds)
            )));
    }

    el("div")
        .class(format!("slo {}", state.class()))
        .attr("data-slo", slo.id.clone())
        .child(head)
        .child(figures)
        .child(budget(slo, s))
        .child(el("p").class("slo-reason").text(reason(slo, s)))
        .child(burn_table(slo, s))
        .child(
            el("figure")
                .class("slo-spark")
                .child(sparkline(
                    &slo.series,
                    slo.objective,
                    decimals,
                    &format!("{title}: {}", s.last_24h),
                    s,
                ))
                .child(el("figcaption").text(s.last_24h)),
        )
}

/// The verdict in the page's language, from the rule and the burn rates:
/// the API's `reason` is one English sentence. A rule this reader does not
/// know (a newer server) keeps that sentence.
fn reason(slo: &SloStatus, s: &PanelWords) -> String {
    if slo.alert.rule.is_none() && slo.alert.level == AlertLevel::Ok {
        return s.reason_ok.to_string();
    }
    if slo.alert.level == AlertLevel::NoData {
        let silent = crate::slo::silent_windows(&slo.burn_rates);
        return s.reason_no_data.replace("{windows}", &silent.join(", "));
    }
    let Some(r) = slo.alert.rule.as_deref().and_then(rule) else {
        return slo.alert.reason.clone();
    };
    let rate = |window| format!("{:.1}", rate_of(&slo.burn_rates, window));
    s.reason_burn
        .replace("{long_rate}", &rate(r.long))
        .replace("{short_rate}", &rate(r.short))
        .replace("{long}", r.long)
        .replace("{short}", r.short)
        .replace("{threshold}", &r.threshold.to_string())
}

fn budget(slo: &SloStatus, s: &PanelWords) -> Element {
    let b = &slo.error_budget;
    let left = if b.remaining_ratio >= 0.0 {
        format!(
            "{} {} ({} / {})",
            s.remaining,
            format::budget_share(b.remaining_ratio),
            format::minutes(b.remaining_minutes, s),
            format::minutes(b.total_minutes, s)
        )
    } else {
        format!(
            "{} {} ({} {} / {})",
            s.remaining,
            format::budget_share(b.remaining_ratio),
            format::minutes(b.remaining_minutes, s),
            s.overspent,
            format::minutes(b.total_minutes, s)
        )
    };
    // The bar is decoration; the text above carries the figure.
    let fill = (b.remaining_ratio.clamp(0.0, 1.0) * 100.0).round();
    el("p")
        .class("slo-budget")
        .text(format!("{}: ", s.error_budget))
        .child(el("strong").text(left))
        .text(" ")
        .child(
            el("span")
                .class("budget-bar")
                .attr("aria-hidden", "true")
                .child(
                    el("span")
                        .class("budget-fill")
                        .attr("style", format!("width:{fill}%")),
                ),
        )
}

fn burn_table(slo: &SloStatus, s: &PanelWords) -> Element {
    let mut windows = el("tr").child(el("th").attr("scope", "col").text(s.window));
    let mut rates = el("tr").child(el("th").attr("scope", "row").text(s.burn_rate));
    let mut limits = el("tr").child(el("th").attr("scope", "row").text(s.threshold));
    for burn in &slo.burn_rates {
        windows = windows.child(el("th").attr("scope", "col").text(burn.window.clone()));
        let limits_here = thresholds(&burn.window);
        let lowest = limits_here.iter().map(|(_, t)| *t).reduce(f64::min);
        let cell = match burn.rate {
            Some(rate) if lowest.is_some_and(|t| rate >= t) => el("td")
                .class("over")
                .text(format::burn_rate(rate))
                .text(" ")
                .child(el("span").class("over-mark").text(format!("▲{}", s.over))),
            Some(rate) => el("td").text(format::burn_rate(rate)),
            None => el("td").class("muted").text("–"),
        };
        rates = rates.child(cell);
        let limit_text = limits_here
            .iter()
            .map(|(level, t)| {
                let word = if *level == AlertLevel::Page {
                    s.page
                } else {
                    s.ticket
                };
                format!("{word} ≥{}", format::threshold(*t))
            })
            .collect::<Vec<_>>()
            .join(", ");
        limits = limits.child(el("td").text(limit_text));
    }
    el("div").class("table-wrap").child(
        el("table")
            .class("burn-rates")
            .child(el("caption").class("visually-hidden").text(s.burn_rate))
            .child(el("thead").child(windows))
            .child(el("tbody").child(rates).child(limits)),
    )
}

fn unavailable(id: &str, s: &PanelWords) -> Element {
    el("div")
        .class(format!("slo {}", SloState::NoData.class()))
        .attr("data-slo", id.to_string())
        .child(
            el("p")
                .class("slo-head")
                .child(el("span").class("slo-title").text(id.to_string()))
                .text(" ")
                .child(
                    el("span")
                        .class("slo-status")
                        .text(SloState::NoData.label(s)),
                ),
        )
        .child(el("p").class("slo-reason").text(s.unavailable_slo))
}

pub(crate) fn demo_badge(s: &PanelWords) -> Element {
    el("span")
        .class("demo-badge")
        .attr("title", s.demo_note)
        .child(text(s.demo))
}
