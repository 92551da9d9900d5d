//! `widget` fences: validated against the site's live config and rendered
//! as a panel slot whose static fallback is useful on its own (what the
//! panel would show, and the command that shows it by hand).

use indexmap::IndexMap;
use serde::Deserialize;

use runbook_api::promql::sli_query;
use runbook_widgets::panel::PanelSpec;

use crate::error::{BuildError, Location};
use crate::render::code;
use crate::render::{escape, RenderContext};

/// What a writer may put in a `widget` fence.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WidgetSpec {
    kind: String,
    #[serde(default)]
    slos: Option<Vec<String>>,
    #[serde(default)]
    workload: Option<String>,
    /// `kind: alerts`: the alert names shown; all firing alerts without.
    #[serde(default)]
    alerts: Option<Vec<String>>,
    #[serde(default)]
    title: Option<String>,
}

/// `at` is the fence's opening line.
pub fn render(ctx: &RenderContext, yaml: &str, at: Location) -> Result<String, BuildError> {
    let error = |line_in_block: usize, message: String, hint: String| BuildError::Content {
        at: Location::new(at.path.clone(), at.line + line_in_block, 1),
        message,
        hint,
    };
    let spec: WidgetSpec = serde_yaml::from_str(yaml).map_err(|e| {
        let line = e.location().map(|l| l.line()).unwrap_or(1);
        error(
            line,
            format!("invalid widget block: {e}"),
            "write `kind: slo` (optionally `slos: [id, …]`), `kind: pods` with `workload: id`, or `kind: alerts` (optionally `alerts: [name, …]`)"
                .into(),
        )
    })?;
    let line_of = |key: &str| {
        yaml.lines()
            .position(|l| l.trim_start().starts_with(key))
            .map(|i| i + 1)
            .unwrap_or(1)
    };
    match spec.kind.as_str() {
        "slo" => {
            let ids = match spec.slos {
                Some(ids) => ids,
                None => ctx.live.slos.keys().cloned().collect(),
            };
            if ids.is_empty() {
                return Err(error(
                    line_of("kind"),
                    "SLO panel but runbook.yaml declares no SLOs".into(),
                    "declare SLOs under `live: slos:` in runbook.yaml".into(),
                ));
            }
            for id in &ids {
                declared(&ctx.live.slos, "slos", "SLO", id)
                    .map_err(|(message, hint)| error(line_of("slos"), message, hint))?;
            }
            Ok(slo_slot(ctx, &ids, spec.title.as_deref()))
        }
        "pods" => {
            let Some(id) = spec.workload else {
                return Err(error(
                    line_of("kind"),
                    "pods panel without `workload`".into(),
                    format!(
                        "add `workload: <id>` ({})",
                        known(ctx.live.workloads.keys())
                    ),
                ));
            };
            declared(&ctx.live.workloads, "workloads", "workload", &id)
                .map_err(|(message, hint)| error(line_of("workload"), message, hint))?;
            Ok(pods_slot(ctx, &id, spec.title.as_deref()))
        }
        "alerts" => {
            let names = spec.alerts.unwrap_or_default();
            if let Some(bad) = names.iter().find(|n| !is_alert_name(n)) {
                return Err(error(
                    line_of("alerts"),
                    format!("`{bad}` is not an alert name"),
                    "list alert names as Prometheus writes them: letters, digits, `_`".into(),
                ));
            }
            Ok(alerts_slot(ctx, &names, spec.title.as_deref()))
        }
        other => Err(error(
            line_of("kind"),
            format!("unknown widget kind `{other}`"),
            format!("use one of: {}", PanelSpec::KINDS.join(", ")),
        )),
    }
}

/// `Ok` when runbook.yaml declares `id` under `live: <section>:`, else the
/// message and hint that name the ids it does declare.
fn declared<T>(
    ids: &IndexMap<String, T>,
    section: &str,
    what: &str,
    id: &str,
) -> Result<(), (String, String)> {
    if ids.contains_key(id) {
        return Ok(());
    }
    Err((
        format!("unknown {what} `{id}`"),
        format!(
            "use one declared in runbook.yaml under `live: {section}:` ({})",
            known(ids.keys())
        ),
    ))
}

fn known<'a>(ids: impl Iterator<Item = &'a String>) -> String {
    let ids: Vec<&str> = ids.map(String::as_str).collect();
    if ids.is_empty() {
        "none declared yet".into()
    } else {
        format!("declared: {}", ids.join(", "))
    }
}

// The slot markup is the contract with the panels' wasm
// (widgets/src/wasm/panels.rs): `data-panel` and `data-ids` say what to
// fetch, `.panel-live` is the box it fills (it adds the status line, the
// `aria-live` announcer and the body itself; the stylesheet reserves its
// height from `--panel-rows` so nothing below moves when data arrives),
// and `.panel-fallback` stays for readers without JS or API.
/// The slot of one panel: `spec` in its attributes, `title` its label;
/// `rows` (the SLO table's) sets the height the stylesheet reserves.
fn panel_slot(spec: &PanelSpec, title: &str, rows: Option<usize>, fallback: &str) -> String {
    let style = rows
        .map(|rows| format!(" style=\"--panel-rows:{rows}\""))
        .unwrap_or_default();
    format!(
        "<section class=\"panel\" {attributes} aria-label=\"{label}\"{style}>\
<p class=\"panel-title\">{label}</p>\
<div class=\"panel-live\"></div>\
<div class=\"panel-fallback\">{fallback}</div></section>\n",
        attributes = spec.attributes(),
        label = escape(title),
    )
}

fn slo_slot(ctx: &RenderContext, ids: &[String], title: Option<&str>) -> String {
    let s = ctx.strings;
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}: SLO", s.live_panel));
    let mut rows = String::new();
    let mut queries = String::new();
    for id in ids {
        let slo = &ctx.live.slos[id];
        rows.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{} {}</td></tr>",
            escape(&slo.title),
            format_percent(slo.objective),
            slo.window_days,
            escape(s.days)
        ));
        queries.push_str(&format!(
            "# {} ({id})\n{}\n",
            slo.title,
            sli_query(&slo.indicator, &format!("{}d", slo.window_days))
        ));
    }
    let command = code::render(
        ctx.highlighter,
        ctx.placeholders,
        "promql",
        queries.trim_end(),
    );
    let fallback = format!(
        "<div class=\"table-wrap\"><table><thead><tr><th>SLO</th><th>{objective}</th><th>{window}</th></tr></thead><tbody>{rows}</tbody></table></div>\
<p>{by_hand} (PromQL):</p>{command}",
        objective = escape(s.objective),
        window = escape(s.window),
        by_hand = escape(s.check_by_hand),
        command = command.html,
    );
    let spec = PanelSpec::Slo(ids.to_vec());
    panel_slot(&spec, &title, Some(ids.len()), &fallback)
}

fn pods_slot(ctx: &RenderContext, id: &str, title: Option<&str>) -> String {
    let s = ctx.strings;
    let w = &ctx.live.workloads[id];
    let name = w.title.clone().unwrap_or_else(|| id.to_string());
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}: {name}", s.live_panel));
    let mut commands = format!(
        "kubectl get deployment {d} -n {ns}\nkubectl get pods -n {ns} -l {sel} -o wide\n",
        d = w.deployment,
        ns = w.namespace,
        sel = w.selector
    );
    if let Some(hpa) = &w.hpa {
        commands.push_str(&format!("kubectl get hpa {hpa} -n {}\n", w.namespace));
    }
    let command = code::render(ctx.highlighter, ctx.placeholders, "bash", &commands);
    let fallback = format!("<p>{}:</p>{}", escape(s.check_by_hand), command.html);
    panel_slot(&PanelSpec::Pods(id.to_string()), &title, None, &fallback)
}

/// Alert names travel in `data-ids` and PromQL regexes: keep them to
/// what Prometheus allows in a metric name.
fn is_alert_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What fires (all, or the alerts named); without JS or API, the names and
/// the commands that list what fires.
fn alerts_slot(ctx: &RenderContext, names: &[String], title: Option<&str>) -> String {
    let s = ctx.strings;
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}: {}", s.live_panel, s.firing_now));
    let (amtool, promql) = if names.is_empty() {
        (
            "amtool alert query".to_string(),
            "ALERTS{alertstate=\"firing\"}".to_string(),
        )
    } else {
        let any = names.join("|");
        (
            format!("amtool alert query 'alertname=~\"{any}\"'"),
            format!("ALERTS{{alertstate=\"firing\",alertname=~\"{any}\"}}"),
        )
    };
    let listed: String = names
        .iter()
        .map(|n| format!("<li><code class=\"alert-name\">{}</code></li>", escape(n)))
        .collect();
    let listed = if listed.is_empty() {
        String::new()
    } else {
        format!("<ul>{listed}</ul>")
    };
    let amtool = code::render(ctx.highlighter, ctx.placeholders, "bash", &amtool);
    let promql = code::render(ctx.highlighter, ctx.placeholders, "promql", &promql);
    let fallback = format!(
        "{listed}<p>{}:</p>{}{}",
        escape(s.list_firing),
        amtool.html,
        promql.html
    );
    panel_slot(&PanelSpec::Alerts(names.to_vec()), &title, None, &fallback)
}

/// `0.999` → `99.9%`, without float noise.
pub fn format_percent(ratio: f64) -> String {
    let text = format!("{:.4}", ratio * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formatting() {
        for (ratio, percent) in [(0.999, "99.9%"), (0.95, "95%"), (0.9995, "99.95%")] {
            assert_eq!(format_percent(ratio), percent, "{ratio}");
        }
    }
}
