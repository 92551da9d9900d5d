//! Review dates: when a page was last re-read against the system it
//! describes (`last_reviewed:`), and whether that is longer ago than
//! runbook.yaml's `review_after_days`.
//!
//! A runbook nobody has re-read since the system changed is the one that
//! fails at 3 a.m.; "last updated" from git does not tell, since a typo fix
//! touches the file without anyone checking the commands.

use jiff::civil::Date;

use crate::config::SiteConfig;
use crate::error::{Location, Warning};
use crate::site::Page;

/// `YYYY-MM-DD` from a front matter date: a date, or a date and time
/// (`2023-12-12T21:12:32.022Z`, `2024-01-05 10:00`). `None` when it is not.
pub fn parse_date(value: &str) -> Option<String> {
    let value = value.trim();
    let day = value.get(..10)?;
    let rest = &value[10..];
    if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
        return None;
    }
    let date: Date = day.parse().ok()?;
    Some(date.to_string())
}

/// The day the build runs, in UTC; `SOURCE_DATE_EPOCH` (seconds) fixes it,
/// so a build of the same input can be repeated byte for byte.
pub fn today() -> Date {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    now.to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// Days between a review (`YYYY-MM-DD`) and `today` when that is more than
/// `after_days`; `None` when the review is recent, or no limit is set.
pub fn overdue(reviewed: Option<&str>, after_days: Option<u32>, today: Date) -> Option<i64> {
    let reviewed: Date = reviewed?.parse().ok()?;
    let days = i64::from((today - reviewed).get_days());
    // A span between dates is in days (and weeks/months when asked); the
    // default rounding gives whole days.
    (days > i64::from(after_days?)).then_some(days)
}

/// One warning per page whose review is older than the site allows, at
/// the line of its `last_reviewed:` key.
pub fn warnings<'a>(
    config: &SiteConfig,
    pages: impl Iterator<Item = &'a Page>,
    today: Date,
) -> Vec<Warning> {
    let after = config.review_after_days;
    pages
        .filter_map(|page| {
            let reviewed = page.front.reviewed.as_deref();
            let days = overdue(reviewed, after, today)?;
            Some(Warning {
                at: Location::new(&page.display, page.front.lines.reviewed, 1),
                message: format!(
                    "review overdue: last reviewed {} ({days} days ago; runbook.yaml's review_after_days is {})",
                    reviewed.unwrap_or_default(),
                    after.unwrap_or_default()
                ),
                hint: "re-read the page against the system, fix what changed, and set last_reviewed to today".into(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_date_times_give_the_day() {
        assert_eq!(parse_date("2024-01-05").as_deref(), Some("2024-01-05"));
        assert_eq!(
            parse_date("2023-12-12T21:12:32.022Z").as_deref(),
            Some("2023-12-12")
        );
        assert_eq!(
            parse_date("2024-01-05 10:00").as_deref(),
            Some("2024-01-05")
        );
        for bad in ["yesterday", "2024-13-01", "2024-02-30", "2024-01-0512", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn overdue_after_the_configured_days_only() {
        let today: Date = "2026-03-01".parse().unwrap();
        assert_eq!(overdue(Some("2026-01-01"), Some(30), today), Some(59));
        assert_eq!(overdue(Some("2026-02-15"), Some(30), today), None);
        // Exactly the limit is not overdue yet.
        assert_eq!(overdue(Some("2026-01-30"), Some(30), today), None);
        assert_eq!(overdue(Some("2026-01-01"), None, today), None);
        assert_eq!(overdue(None, Some(30), today), None);
    }
}
