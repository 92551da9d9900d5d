//! SLO arithmetic: SLI, error budget, burn rates and the multi-window
//! alert verdict, as plain functions over counts and ratios.
//!
//! The thresholds follow the Google SRE workbook, chapter "Alerting on
//! SLOs", table 5-8: page when 2% of a 30-day budget burns in an hour
//! (14.4×, over 1h and 5m) or 5% in six hours (6×, over 6h and 30m); open a
//! ticket when 10% burns in three days (1×, over 3d and 6h). The short
//! window of each pair makes the alert stop soon after the burn stops.

use crate::contract::{Alert, AlertLevel, BurnRate, ErrorBudget};

/// The alerting windows, shortest first, as `(label, seconds)`.
pub const BURN_WINDOWS: [(&str, u32); 5] = [
    ("5m", 300),
    ("30m", 1_800),
    ("1h", 3_600),
    ("6h", 21_600),
    ("3d", 259_200),
];

/// Burn rate that pages over 1h and 5m.
pub const FAST_BURN: f64 = 14.4;
/// Burn rate that pages over 6h and 30m.
pub const SLOW_BURN: f64 = 6.0;
/// Burn rate that opens a ticket over 3d and 6h.
pub const BUDGET_BURN: f64 = 1.0;

/// One rule of table 5-8: both windows burn at `threshold` or faster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// As `Alert::rule` names it.
    pub name: &'static str,
    pub level: AlertLevel,
    pub long: &'static str,
    pub short: &'static str,
    pub threshold: f64,
}

/// The rules, most urgent first: the first that holds decides.
pub const RULES: [Rule; 3] = [
    Rule {
        name: "fast_burn",
        level: AlertLevel::Page,
        long: "1h",
        short: "5m",
        threshold: FAST_BURN,
    },
    Rule {
        name: "slow_burn",
        level: AlertLevel::Page,
        long: "6h",
        short: "30m",
        threshold: SLOW_BURN,
    },
    Rule {
        name: "budget_burn",
        level: AlertLevel::Ticket,
        long: "3d",
        short: "6h",
        threshold: BUDGET_BURN,
    },
];

/// The rule `Alert::rule` names, if this code knows it.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// A window's burn rate in `rates`; a window without events (or missing)
/// burns nothing.
pub fn rate_of(rates: &[BurnRate], window: &str) -> f64 {
    rates
        .iter()
        .find(|r| r.window == window)
        .and_then(|r| r.rate)
        .unwrap_or(0.0)
}

/// SLI from counts of good events: `None` without events.
pub fn sli_from_good(good: f64, total: f64) -> Option<f64> {
    (total > 0.0).then(|| (good / total).clamp(0.0, 1.0))
}

/// SLI from counts of bad events: `None` without events.
pub fn sli_from_bad(bad: f64, total: f64) -> Option<f64> {
    (total > 0.0).then(|| (1.0 - bad / total).clamp(0.0, 1.0))
}

/// The share of events allowed to be bad. Rounded to 12 decimals so that
/// 99.9% gives 0.001 rather than 0.0010000000000000009.
pub fn budget_ratio(objective: f64) -> f64 {
    ((1.0 - objective) * 1e12).round() / 1e12
}

/// The budget expressed as minutes of total outage over the window:
/// `(1 - objective) × window`, 43.2 minutes for 99.9% over 30 days.
pub fn budget_minutes(objective: f64, window_days: u32) -> f64 {
    budget_ratio(objective) * f64::from(window_days) * 24.0 * 60.0
}

/// How many times faster than "exactly the budget over the window" bad
/// events arrive: `(1 - sli) / (1 - objective)`.
pub fn burn_rate(sli: f64, objective: f64) -> f64 {
    (1.0 - sli) / budget_ratio(objective)
}

/// Total and remaining budget for an SLI over the whole window. No events
/// means nothing was spent.
pub fn error_budget(objective: f64, window_days: u32, sli: Option<f64>) -> ErrorBudget {
    let total_minutes = budget_minutes(objective, window_days);
    let spent = sli.map(|s| burn_rate(s, objective)).unwrap_or(0.0);
    let remaining_ratio = 1.0 - spent;
    ErrorBudget {
        total_ratio: budget_ratio(objective),
        total_minutes,
        remaining_ratio,
        remaining_minutes: remaining_ratio * total_minutes,
    }
}

/// Burn rates for [`BURN_WINDOWS`], from the SLI of each window (in order).
pub fn burn_rates(objective: f64, slis: [Option<f64>; 5]) -> Vec<BurnRate> {
    BURN_WINDOWS
        .iter()
        .zip(slis)
        .map(|(&(window, seconds), sli)| BurnRate {
            window: window.to_string(),
            seconds,
            rate: sli.map(|s| burn_rate(s, objective)),
        })
        .collect()
}

/// A window's burn rate in `rates`, `None` when it had no events (or is
/// missing): such a window can neither fire a rule nor clear it.
pub fn known_rate(rates: &[BurnRate], window: &str) -> Option<f64> {
    rates
        .iter()
        .find(|r| r.window == window)
        .and_then(|r| r.rate)
}

/// The windows some rule decides on that had no events, shortest first.
pub fn silent_windows(rates: &[BurnRate]) -> Vec<&'static str> {
    BURN_WINDOWS
        .iter()
        .map(|&(window, _)| window)
        .filter(|w| RULES.iter().any(|r| r.short == *w || r.long == *w))
        .filter(|w| known_rate(rates, w).is_none())
        .collect()
}

/// The multi-window verdict: the first rule whose two windows both burn at
/// its threshold fires. A rule that cannot be decided (one of its windows
/// had no events) and is more urgent than what fired makes the verdict
/// "no data": an app that is down emits no requests at all, and its
/// silence must read neither as health nor as a mere ticket.
pub fn alert(rates: &[BurnRate]) -> Alert {
    let rate = |window| rate_of(rates, window);
    let fired = RULES
        .iter()
        .find(|r| rate(r.long) >= r.threshold && rate(r.short) >= r.threshold);
    let urgency = |level: AlertLevel| match level {
        AlertLevel::Page => 2,
        AlertLevel::Ticket => 1,
        _ => 0,
    };
    let fired_urgency = fired.map_or(0, |r| urgency(r.level));
    let undecided = RULES.iter().any(|r| {
        urgency(r.level) > fired_urgency
            && (known_rate(rates, r.long).is_none() || known_rate(rates, r.short).is_none())
    });
    let silent = silent_windows(rates);
    if undecided {
        return Alert {
            level: AlertLevel::NoData,
            rule: None,
            reason: format!(
                "no events over {}: the service may be down or its metrics missing",
                silent.join(", ")
            ),
        };
    }
    match fired {
        Some(r) => Alert {
            level: r.level,
            rule: Some(r.name.to_string()),
            reason: format!(
                "burn rate {:.1}× over {} and {:.1}× over {} (threshold {}×)",
                rate(r.long),
                r.long,
                rate(r.short),
                r.short,
                r.threshold
            ),
        },
        None => Alert {
            level: AlertLevel::Ok,
            rule: None,
            reason: "no alerting window burns faster than its threshold".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn budget_of_three_nines_over_thirty_days_is_43_2_minutes() {
        // 0.001 × 30 × 1440 = 43.2
        assert!(close(budget_minutes(0.999, 30), 43.2));
        // 0.05 × 30 × 1440 = 2160
        assert!(close(budget_minutes(0.95, 30), 2160.0));
        // 0.01 × 7 × 1440 = 100.8
        assert!(close(budget_minutes(0.99, 7), 100.8));
        assert_eq!(budget_ratio(0.999), 0.001);
    }

    #[test]
    fn sli_from_counts() {
        assert_eq!(sli_from_good(990.0, 1000.0), Some(0.99));
        assert_eq!(sli_from_bad(1.0, 1000.0), Some(0.999));
        assert_eq!(sli_from_bad(0.0, 0.0), None);
    }

    #[test]
    fn remaining_budget_by_hand() {
        // 99.9% objective, SLI 99.95%: half the budget spent.
        let b = error_budget(0.999, 30, Some(0.9995));
        assert!(close(b.total_ratio, 0.001));
        assert!(close(b.remaining_ratio, 0.5), "{b:?}");
        assert!(close(b.remaining_minutes, 21.6), "{b:?}");
        // SLI 99.8%: twice the budget spent, one budget overspent.
        let b = error_budget(0.999, 30, Some(0.998));
        assert!(close(b.remaining_ratio, -1.0), "{b:?}");
        assert!(close(b.remaining_minutes, -43.2), "{b:?}");
        // No traffic spends nothing.
        assert!(close(error_budget(0.999, 30, None).remaining_ratio, 1.0));
    }

    #[test]
    fn burn_rate_by_hand() {
        // 2% errors against a 0.1% budget burn 20 times too fast.
        assert!(close(burn_rate(0.98, 0.999), 20.0));
        // 1.44% errors: exactly the fast-burn threshold.
        assert!(close(burn_rate(0.9856, 0.999), 14.4));
        assert!(close(burn_rate(1.0, 0.99), 0.0));
    }

    fn rates(values: [f64; 5]) -> Vec<BurnRate> {
        // Each window's SLI chosen so that its burn rate is `values[i]`
        // against a 99% objective: sli = 1 - rate × 0.01.
        burn_rates(0.99, values.map(|r| Some(1.0 - r * 0.01)))
    }

    #[test]
    fn page_needs_both_windows_of_a_pair() {
        // 5m, 30m, 1h, 6h, 3d
        let a = alert(&rates([15.0, 2.0, 15.0, 2.0, 0.5]));
        assert_eq!(a.level, AlertLevel::Page);
        assert_eq!(a.rule.as_deref(), Some("fast_burn"));
        // The 1h window still burns but the last 5 minutes recovered.
        assert_eq!(
            alert(&rates([1.0, 2.0, 15.0, 2.0, 0.5])).level,
            AlertLevel::Ok
        );
        let a = alert(&rates([1.0, 6.5, 7.0, 6.0, 0.5]));
        assert_eq!(
            (a.level, a.rule.as_deref()),
            (AlertLevel::Page, Some("slow_burn"))
        );
    }

    #[test]
    fn ticket_over_three_days_and_six_hours() {
        let a = alert(&rates([0.0, 0.0, 0.0, 1.0, 1.2]));
        assert_eq!(
            (a.level, a.rule.as_deref()),
            (AlertLevel::Ticket, Some("budget_burn"))
        );
        assert!(
            a.reason.contains("3d") && a.reason.contains("6h"),
            "{}",
            a.reason
        );
        assert_eq!(
            alert(&rates([0.0, 0.0, 0.0, 0.9, 1.2])).level,
            AlertLevel::Ok
        );
    }

    #[test]
    fn windows_without_events_are_no_data_not_ok() {
        let a = alert(&burn_rates(0.999, [None; 5]));
        assert_eq!(a.level, AlertLevel::NoData);
        assert_eq!(a.rule, None);
        // A total outage: the app emitted nothing for the last hour, while
        // the 6h and 3d windows still hold the traffic from before it.
        let outage = burn_rates(0.999, [None, None, None, Some(0.9995), Some(0.9999)]);
        let a = alert(&outage);
        assert_eq!(a.level, AlertLevel::NoData);
        assert!(
            a.reason.contains("5m") && a.reason.contains("1h"),
            "{}",
            a.reason
        );
        assert!(!a.reason.contains("6h"), "{}", a.reason);
    }

    #[test]
    fn a_ticket_does_not_hide_silent_paging_windows() {
        // The app stopped an hour ago: the short windows are silent, the
        // 6h and 3d windows still hold an earlier burn that opens a ticket.
        let a = alert(&burn_rates(
            0.99,
            [None, None, None, Some(0.985), Some(0.985)],
        ));
        assert_eq!(a.level, AlertLevel::NoData);
    }

    #[test]
    fn a_rule_that_fires_wins_over_silent_windows() {
        // The slow pair burns while the last five minutes are silent.
        let a = alert(&burn_rates(
            0.99,
            [None, Some(0.93), Some(0.93), Some(0.93), Some(0.995)],
        ));
        assert_eq!(
            (a.level, a.rule.as_deref()),
            (AlertLevel::Page, Some("slow_burn"))
        );
    }
}
