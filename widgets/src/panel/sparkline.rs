//! The 24-hour SLI sparkline as inline SVG: one path per run of points
//! with events (gaps stay gaps), the objective as a dashed line, and a text
//! alternative for screen readers.

use crate::contract::Series;

use super::format;
use super::view::{svg, text, Element};
use crate::language::PanelWords;

const WIDTH: f64 = 240.0;
const HEIGHT: f64 = 36.0;
/// Keeps the stroke inside the box at the extremes.
const PAD: f64 = 2.0;

/// `label` is the accessible name (e.g. "可用性: 直近 24 時間"); the text
/// alternative adds the lowest and the latest value, both named.
pub fn sparkline(
    series: &Series,
    objective: f64,
    decimals: usize,
    label: &str,
    s: &PanelWords,
) -> Element {
    let values: Vec<Option<f64>> = series.points.iter().map(|p| p.sli).collect();
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    // The scale runs from a bit below the lowest of (points, objective) to
    // 100%, so the objective line is always visible and a dip stands out.
    let low = known.iter().copied().fold(objective, f64::min);
    let low = (low - (1.0 - low) * 0.25).max(0.0);
    let span = (1.0 - low).max(1e-9);
    let y = |v: f64| PAD + (1.0 - (v - low) / span) * (HEIGHT - 2.0 * PAD);
    let step = if values.len() > 1 {
        WIDTH / (values.len() - 1) as f64
    } else {
        0.0
    };

    let mut paths = String::new();
    let mut drawing = false;
    let mut below = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => {
                let (px, py) = (i as f64 * step, y(*v));
                paths.push_str(&format!(
                    "{}{px:.1} {py:.1}",
                    if drawing { " L" } else { " M" }
                ));
                drawing = true;
                if *v < objective {
                    below.push((px, py));
                }
            }
            None => drawing = false,
        }
    }

    let summary = match (known.iter().copied().reduce(f64::min), known.last()) {
        (Some(min), Some(last)) => format!(
            "{label}: {} {}, {} {}",
            s.spark_lowest,
            format::percent_floor(min, decimals),
            s.spark_latest,
            format::percent_floor(*last, decimals)
        ),
        _ => format!("{label}: —"),
    };
    let objective_y = format!("{:.1}", y(objective));
    let mut chart = svg("svg")
        .class("sparkline")
        .attr("viewBox", format!("0 0 {WIDTH} {HEIGHT}"))
        .attr("preserveAspectRatio", "none")
        .attr("role", "img")
        .attr("aria-label", summary.clone())
        .child(svg("title").child(text(summary)))
        .child(
            svg("line")
                .class("spark-objective")
                .attr("x1", "0")
                .attr("x2", format!("{WIDTH}"))
                .attr("y1", objective_y.clone())
                .attr("y2", objective_y),
        );
    if !paths.is_empty() {
        chart = chart.child(
            svg("path")
                .class("spark-line")
                .attr("d", paths.trim_start().to_string()),
        );
    }
    for (px, py) in below {
        chart = chart.child(
            svg("circle")
                .class("spark-below")
                .attr("cx", format!("{px:.1}"))
                .attr("cy", format!("{py:.1}"))
                .attr("r", "1.5"),
        );
    }
    chart
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::SeriesPoint;
    use crate::language::EN;

    fn series(values: &[Option<f64>]) -> Series {
        Series {
            step_seconds: 3600,
            points: values
                .iter()
                .enumerate()
                .map(|(i, &sli)| SeriesPoint { t: i as i64, sli })
                .collect(),
        }
    }

    #[test]
    fn gaps_split_the_line() {
        let chart = sparkline(
            &series(&[Some(1.0), Some(0.999), None, Some(0.998), Some(1.0)]),
            0.999,
            2,
            "x",
            EN,
        );
        let path = chart
            .children
            .iter()
            .find_map(|c| match c {
                super::super::view::Node::Element(e) if e.tag == "path" => e.get_attr("d"),
                _ => None,
            })
            .unwrap();
        assert_eq!(path.matches('M').count(), 2, "{path}");
        assert_eq!(path.matches('L').count(), 2, "{path}");
        // One point under the objective is marked.
        let below = chart
            .children
            .iter()
            .filter(|c| matches!(c, super::super::view::Node::Element(e) if e.tag == "circle"))
            .count();
        assert_eq!(below, 1);
        assert_eq!(
            chart.get_attr("aria-label"),
            Some("x: lowest 99.80%, latest 100.00%")
        );
    }

    #[test]
    fn no_data_draws_only_the_objective() {
        let chart = sparkline(&series(&[None, None]), 0.99, 1, "x", EN);
        assert!(chart
            .children
            .iter()
            .all(|c| !matches!(c, super::super::view::Node::Element(e) if e.tag == "path")));
        assert_eq!(chart.get_attr("aria-label"), Some("x: —"));
    }
}
