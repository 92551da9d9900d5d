//! The PromQL the API sends, built only from the configuration: one instant
//! query per SLO that returns every window at once, and one range query for
//! the 24-hour sparkline. No client input ever reaches these strings.

use runbook_widgets::slo::BURN_WINDOWS;

use crate::live::{IndicatorConfig, SloConfig};

/// The label that names each series of the instant query: `5m:num`,
/// `5m:total`, `window:num`, `latency`.
pub const SERIES_LABEL: &str = "runbook_series";

/// The 24-hour sparkline: one point per half hour, each the SLI over the
/// half hour before it, so points do not overlap.
pub const SERIES_STEP_SECONDS: u32 = 1_800;
pub const SERIES_POINTS: u32 = 48;

/// The window of the latency quantile.
pub const LATENCY_WINDOW: &str = "5m";

/// Every window's counts in one query: each part is tagged with
/// [`SERIES_LABEL`] and the parts are joined with `or`.
pub fn instant_query(slo: &SloConfig) -> String {
    let numerator = numerator(slo);
    let mut parts = Vec::new();
    let window = format!("{}d", slo.window_days);
    for (label, range) in std::iter::once(("window", window.as_str()))
        .chain(BURN_WINDOWS.iter().map(|&(label, _)| (label, label)))
    {
        parts.push(tagged(&increase(numerator, range), &format!("{label}:num")));
        parts.push(tagged(
            &increase(&slo.indicator.total, range),
            &format!("{label}:total"),
        ));
    }
    if let Some(latency) = &slo.latency {
        let quantile = format!(
            "histogram_quantile({}, sum by (le) (rate({}[{LATENCY_WINDOW}])))",
            latency.quantile, latency.histogram
        );
        parts.push(tagged(&quantile, "latency"));
    }
    parts.join(" or ")
}

/// The SLI over each step, for `query_range`. A numerator with no series
/// (no 5xx at all yet) counts as zero rather than erasing the point.
pub fn series_query(slo: &SloConfig) -> String {
    let range = format!("{}s", SERIES_STEP_SECONDS);
    let ratio = format!(
        "({} or vector(0)) / {}",
        increase(numerator(slo), &range),
        increase(&slo.indicator.total, &range)
    );
    if slo.indicator.good.is_some() {
        ratio
    } else {
        format!("1 - ({ratio})")
    }
}

/// The SLI over `range` as one expression a person can paste (the static
/// fallback of the SLO panel shows it over the SLO's window).
pub fn sli_query(indicator: &IndicatorConfig, range: &str) -> String {
    let total = increase(&indicator.total, range);
    match (&indicator.good, &indicator.bad) {
        (Some(good), _) => format!("{} / {total}", increase(good, range)),
        (None, Some(bad)) => format!("1 - {} / {total}", increase(bad, range)),
        (None, None) => total,
    }
}

fn numerator(slo: &SloConfig) -> &str {
    slo.indicator
        .good
        .as_deref()
        .or(slo.indicator.bad.as_deref())
        .unwrap_or_default()
}

fn increase(selector: &str, range: &str) -> String {
    format!("sum(increase({selector}[{range}]))")
}

fn tagged(expr: &str, tag: &str) -> String {
    format!("label_replace({expr}, \"{SERIES_LABEL}\", \"{tag}\", \"\", \"\")")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sli_queries() {
        let bad = IndicatorConfig {
            good: None,
            bad: Some("e".into()),
            total: "t".into(),
        };
        assert_eq!(
            sli_query(&bad, "30d"),
            "1 - sum(increase(e[30d])) / sum(increase(t[30d]))"
        );
        let good = IndicatorConfig {
            good: Some("g".into()),
            bad: None,
            total: "t".into(),
        };
        assert_eq!(
            sli_query(&good, "5m"),
            "sum(increase(g[5m])) / sum(increase(t[5m]))"
        );
    }
    use crate::live::{IndicatorConfig, LatencyConfig};

    fn slo(good: Option<&str>, bad: Option<&str>) -> SloConfig {
        SloConfig {
            title: "t".into(),
            description: None,
            objective: 0.999,
            window_days: 30,
            indicator: IndicatorConfig {
                good: good.map(Into::into),
                bad: bad.map(Into::into),
                total: "req_total".into(),
            },
            latency: None,
        }
    }

    #[test]
    fn instant_query_tags_every_window() {
        let q = instant_query(&slo(None, Some("err_total")));
        assert!(q.starts_with(
            "label_replace(sum(increase(err_total[30d])), \"runbook_series\", \"window:num\", \"\", \"\") or "
        ), "{q}");
        for w in ["5m", "30m", "1h", "6h", "3d"] {
            assert!(
                q.contains(&format!(
                    "sum(increase(req_total[{w}])), \"runbook_series\", \"{w}:total\""
                )),
                "{q}"
            );
        }
        assert_eq!(q.matches(" or ").count(), 11);
    }

    #[test]
    fn latency_quantile_joins_the_same_query() {
        let mut s = slo(Some("fast_total"), None);
        s.latency = Some(LatencyConfig {
            histogram: "h_bucket{job=\"a\"}".into(),
            quantile: 0.95,
            threshold_seconds: 0.5,
        });
        let q = instant_query(&s);
        assert!(q.ends_with("label_replace(histogram_quantile(0.95, sum by (le) (rate(h_bucket{job=\"a\"}[5m]))), \"runbook_series\", \"latency\", \"\", \"\")"), "{q}");
    }

    #[test]
    fn series_query_for_good_and_bad() {
        assert_eq!(
            series_query(&slo(Some("g"), None)),
            "(sum(increase(g[1800s])) or vector(0)) / sum(increase(req_total[1800s]))"
        );
        assert_eq!(
            series_query(&slo(None, Some("b"))),
            "1 - ((sum(increase(b[1800s])) or vector(0)) / sum(increase(req_total[1800s])))"
        );
    }
}
