//! Turns the raw figures a backend read (an SLI per window, a series) into
//! the contract's `SloStatus`, with the arithmetic of `runbook_widgets::slo`.
//! Every SLO backend goes through here, so they cannot disagree.

use runbook_widgets::contract::{LatencyStatus, Series, SloStatus};
use runbook_widgets::slo;

use crate::live::{IndicatorConfig, SloConfig};

/// What a backend measured for one SLO at one instant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SloFigures {
    /// SLI over the whole SLO window (`window_days`).
    pub window_sli: Option<f64>,
    /// SLI over each of `slo::BURN_WINDOWS`, in order.
    pub burn_slis: [Option<f64>; 5],
    pub series: Series,
    /// The configured latency quantile, when the SLO names a histogram.
    pub latency_seconds: Option<f64>,
}

/// SLI from the indicator's numerator (good or bad events) and total.
pub fn sli(indicator: &IndicatorConfig, numerator: f64, total: f64) -> Option<f64> {
    if indicator.good.is_some() {
        slo::sli_from_good(numerator, total)
    } else {
        slo::sli_from_bad(numerator, total)
    }
}

pub fn slo_status(id: &str, config: &SloConfig, figures: SloFigures) -> SloStatus {
    let burn_rates = slo::burn_rates(config.objective, figures.burn_slis);
    SloStatus {
        id: id.to_string(),
        title: config.title.clone(),
        description: config.description.clone(),
        objective: config.objective,
        window_days: config.window_days,
        sli: figures.window_sli,
        error_budget: slo::error_budget(config.objective, config.window_days, figures.window_sli),
        alert: slo::alert(&burn_rates),
        burn_rates,
        latency: config.latency.as_ref().map(|l| LatencyStatus {
            quantile: l.quantile,
            threshold_seconds: l.threshold_seconds,
            current_seconds: figures.latency_seconds,
        }),
        series: figures.series,
    }
}
