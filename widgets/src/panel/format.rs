//! Numbers as a reader in an incident wants them: percentages with as many
//! digits as the objective needs, budgets in minutes or hours, burn rates
//! as `14.4×`, ages as `12 s ago`.

use crate::language::PanelWords;

/// Decimal places that tell a ratio apart from `objective`: one more than
/// the objective is written with (99.9% → 2, 95% → 1), between 1 and 4.
pub fn decimals_for(objective: f64) -> usize {
    let percent = objective * 100.0;
    (0..=3)
        .find(|&d| {
            let scale = 10f64.powi(d as i32);
            ((percent * scale).round() - percent * scale).abs() < 1e-6
        })
        .map(|d| (d + 1).clamp(1, 4))
        .unwrap_or(4)
}

/// A ratio as a percentage, rounded toward zero so that a value just below
/// the objective never prints as the objective itself (99.895% against
/// 99.9% reads `99.89%`, not `99.90%`).
pub fn percent_floor(ratio: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    // The epsilon keeps 0.9995 (stored as 0.99949999…) at 99.95.
    let value = ((ratio * 100.0 * scale) + 1e-6).floor() / scale;
    format!("{value:.decimals$}%")
}

/// The objective as written in the config: `0.999` → `99.9%`.
pub fn objective(ratio: f64) -> String {
    let text = format!("{:.4}", ratio * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// A share of the budget: `50.0%`, `-100.0%`.
pub fn budget_share(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// A duration in minutes: `21.6 min`, `1 h 12 min`, `1 d 12 h`
/// (or the Japanese units). The sign is left to the caller.
pub fn minutes(value: f64, s: &PanelWords) -> String {
    let value = value.abs();
    let (min, hour, day) = (s.unit_minute, s.unit_hour, s.unit_day);
    if value < 100.0 {
        return format!("{value:.1} {min}");
    }
    let total = value.round() as u64;
    if total < 24 * 60 {
        return match total % 60 {
            0 => format!("{} {hour}", total / 60),
            m => format!("{} {hour} {m} {min}", total / 60),
        };
    }
    let hours = total / 60;
    match hours % 24 {
        0 => format!("{} {day}", hours / 24),
        h => format!("{} {day} {h} {hour}", hours / 24),
    }
}

/// A burn rate: `0.4×`, `14.4×`, `120×`.
pub fn burn_rate(rate: f64) -> String {
    if rate >= 100.0 {
        format!("{rate:.0}×")
    } else {
        format!("{rate:.1}×")
    }
}

/// A threshold as the workbook writes it: `14.4×`, `6×`, `1×`.
pub fn threshold(value: f64) -> String {
    let text = format!("{value:.1}");
    format!("{}×", text.trim_end_matches(".0"))
}

/// Seconds as a latency: `0.42 s`, `1.3 s`, `85 ms`.
pub fn latency(seconds: f64) -> String {
    if seconds < 0.1 {
        format!("{:.0} ms", seconds * 1000.0)
    } else if seconds < 10.0 {
        format!("{seconds:.2} s")
    } else {
        format!("{seconds:.1} s")
    }
}

/// How long ago data was read: `updated 12 s ago`, `updated 5 min ago`.
pub fn updated_ago(seconds: u64, s: &PanelWords) -> String {
    let (value, unit) = if seconds < 120 {
        (seconds, s.unit_second)
    } else if seconds < 2 * 3600 {
        (seconds / 60, s.unit_minute)
    } else if seconds < 2 * 86_400 {
        (seconds / 3600, s.unit_hour)
    } else {
        (seconds / 86_400, s.unit_day)
    };
    s.updated_ago.replace("{ago}", &format!("{value} {unit}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{EN, JA};

    #[test]
    fn decimals_follow_the_objective() {
        assert_eq!(decimals_for(0.999), 2);
        assert_eq!(decimals_for(0.95), 1);
        assert_eq!(decimals_for(0.99), 1);
        assert_eq!(decimals_for(0.9995), 3);
        assert_eq!(decimals_for(0.99999), 4);
    }

    #[test]
    fn a_value_below_the_objective_never_rounds_up_to_it() {
        assert_eq!(percent_floor(0.99895, 2), "99.89%");
        assert_eq!(percent_floor(0.9995, 2), "99.95%");
        assert_eq!(percent_floor(1.0, 2), "100.00%");
        assert_eq!(percent_floor(0.962, 1), "96.2%");
    }

    #[test]
    fn objectives_as_written() {
        assert_eq!(objective(0.999), "99.9%");
        assert_eq!(objective(0.95), "95%");
    }

    #[test]
    fn budget_minutes_in_readable_units() {
        assert_eq!(minutes(43.2, EN), "43.2 min");
        assert_eq!(minutes(-21.6, EN), "21.6 min");
        assert_eq!(minutes(72.0, JA), "72.0 分");
        assert_eq!(minutes(135.0, EN), "2 h 15 min");
        assert_eq!(minutes(120.0, EN), "2 h");
        assert_eq!(minutes(2160.0, EN), "1 d 12 h");
        assert_eq!(minutes(2160.0, JA), "1 日 12 時間");
    }

    #[test]
    fn rates_and_thresholds() {
        assert_eq!(burn_rate(0.0), "0.0×");
        assert_eq!(burn_rate(14.44), "14.4×");
        assert_eq!(burn_rate(250.0), "250×");
        assert_eq!(threshold(14.4), "14.4×");
        assert_eq!(threshold(6.0), "6×");
        assert_eq!(latency(0.42), "0.42 s");
        assert_eq!(latency(0.085), "85 ms");
    }

    #[test]
    fn ages() {
        assert_eq!(updated_ago(12, EN), "updated 12 s ago");
        assert_eq!(updated_ago(12, JA), "12 秒前に更新");
        assert_eq!(updated_ago(300, EN), "updated 5 min ago");
        assert_eq!(updated_ago(3 * 3600, EN), "updated 3 h ago");
    }
}
