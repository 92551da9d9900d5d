//! What a built site shows of the rules (`runbook build --rules`): each
//! alert's rules as `alerts.json` entries and, on its page under its
//! alerts, as a highlighted PromQL block, so the reader sees what fired
//! without leaving the page.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Rules;
use crate::highlight::Highlighter;
use crate::placeholder::Placeholders;
use crate::render::code;
use crate::severity::Severity;

/// One rule of an alert, as the site shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleView {
    pub expr: String,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<String>,
    /// The `severity` label's level (`CRITICAL`), or the label as written
    /// when it maps to none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// The highlighted block for the page (not in alerts.json).
    #[serde(skip)]
    pub html: String,
}

/// Every alert's rules, by alert name, in file order.
pub fn views(
    rules: &Rules,
    highlighter: &Highlighter,
    placeholders: &Placeholders,
) -> BTreeMap<String, Vec<RuleView>> {
    let mut views: BTreeMap<String, Vec<RuleView>> = BTreeMap::new();
    for rule in &rules.alerts {
        let html = code::render(highlighter, placeholders, "promql", &block(rule)).html;
        views.entry(rule.name.clone()).or_default().push(RuleView {
            expr: rule.expr.trim_end().to_string(),
            for_: rule.for_.clone(),
            severity: rule
                .severity()
                .map(|s| Severity::new(s).label().to_string()),
            summary: rule.summary().map(str::to_string),
            labels: rule.labels.clone(),
            html,
        });
    }
    views
}

/// The text of the block: `for` and labels as PromQL comments above the
/// expression, so the block stays a query one can paste.
fn block(rule: &super::AlertRule) -> String {
    let mut text = format!("# alert: {}", rule.name);
    if let Some(for_) = &rule.for_ {
        text.push_str(&format!("  for: {for_}"));
    }
    text.push('\n');
    if !rule.labels.is_empty() {
        let labels: Vec<String> = rule
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        text.push_str(&format!("# labels: {{{}}}\n", labels.join(", ")));
    }
    text.push_str(rule.expr.trim_end());
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_rule_becomes_a_highlighted_block_and_an_entry() {
        let mut rules = Rules::default();
        super::super::read::read_text(
            Path::new("r.yaml"),
            "groups:\n- name: g\n  rules:\n  - alert: HighErrors\n    expr: sum(rate(errors_total{job=\"api\"}[5m])) > 0.05\n    for: 5m\n    labels: {severity: P1, team: api}\n    annotations: {summary: Errors}\n",
            &mut rules,
        );
        let views = views(
            &rules,
            &Highlighter::new(),
            &Placeholders::new(["PROJECT_ID"]),
        );
        let view = &views["HighErrors"][0];
        assert_eq!(view.severity.as_deref(), Some("CRITICAL"));
        assert_eq!(view.for_.as_deref(), Some("5m"));
        assert_eq!(view.summary.as_deref(), Some("Errors"));
        assert!(view.html.contains("data-lang=\"promql\""), "{}", view.html);
        // Highlighted: the metric name and the label matcher are runs.
        assert!(view.html.contains("<h-"), "{}", view.html);
        assert!(view.html.contains("errors_total"));
        assert!(view.html.contains("for: 5m"));
        assert!(
            view.html.contains("severity=&quot;P1&quot;") || view.html.contains("severity=\"P1\""),
            "{}",
            view.html
        );
        let json = serde_json::to_value(view).unwrap();
        assert_eq!(json["for"], "5m");
        assert_eq!(
            json["expr"],
            "sum(rate(errors_total{job=\"api\"}[5m])) > 0.05"
        );
        assert!(json.get("html").is_none());
    }
}
