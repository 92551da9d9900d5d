//! The live status on the site's index page (what fires now, one line per
//! SLO) and the banner a runbook page shows when one of its own alerts
//! fires: their panel slots, and the static fallback that stays for
//! readers without JS or API (the alerts each page covers, and the
//! commands that list what fires).

use runbook_widgets::panel::PanelSpec;

use crate::config::SiteConfig;
use crate::render::{escape, escape_text, Rendered};
use runbook_widgets::language::ThemeWords;

/// Live panels are configured: runbook.yaml declares SLOs or workloads,
/// so an API is expected next to the site.
pub fn is_live(config: &SiteConfig) -> bool {
    !config.live.slos.is_empty() || !config.live.workloads.is_empty()
}

/// The status board of the index page; `root` is the page's way to the
/// site root (`""` for `index.html`).
pub fn board(rendered: &Rendered, root: &str, t: &ThemeWords) -> String {
    let mut rows = String::new();
    for (name, target) in &rendered.alerts {
        rows.push_str(&format!(
            "<tr><td><code class=\"alert-name\">{}</code></td><td><a href=\"{}{}\">{}</a></td></tr>",
            escape(name),
            escape(root),
            escape(&crate::paths::href(&target.url)),
            escape(&target.title),
        ));
    }
    let names: Vec<&str> = rendered.alerts.keys().map(String::as_str).collect();
    let alerts = format!(
        "<section class=\"panel board-alerts\" {attributes} aria-label=\"{label}\">\
<p class=\"panel-title\">{label}</p><div class=\"panel-live\"></div>\
<div class=\"panel-fallback\"><p>{by_page}:</p>\
<div class=\"table-wrap\"><table><thead><tr><th>{alert}</th><th>{page}</th></tr></thead><tbody>{rows}</tbody></table></div>\
<p>{list}:</p>{commands}</div></section>",
        attributes = PanelSpec::Alerts(Vec::new()).attributes(),
        label = escape(t.firing_now),
        by_page = escape(t.alerts_by_page),
        alert = escape(t.alert),
        page = escape(t.page),
        list = escape(t.list_firing),
        commands = commands(&names),
    );
    let slos = &rendered.config.live.slos;
    let verdicts = if slos.is_empty() {
        String::new()
    } else {
        let ids: Vec<String> = slos.keys().cloned().collect();
        let lines: String = slos
            .values()
            .map(|slo| {
                format!(
                    "<li>{} ({})</li>",
                    escape(&slo.title),
                    crate::render::widget::format_percent(slo.objective)
                )
            })
            .collect();
        format!(
            "<section class=\"panel board-slos\" {attributes} aria-label=\"{label}\">\
<p class=\"panel-title\">{label}</p><div class=\"panel-live\"></div>\
<div class=\"panel-fallback\"><ul>{lines}</ul></div></section>",
            attributes = PanelSpec::Verdicts(ids).attributes(),
            label = escape(t.slo_verdicts),
        )
    };
    format!(
        "<section class=\"status-board\" aria-label=\"{label}\"><h2 class=\"board-title\">{label}</h2>{alerts}{verdicts}</section>\n",
        label = escape(t.status_now),
    )
}

/// The page's HTML with the board after its first `<h1>` (the title),
/// or first when the layout prints the title above the content.
pub fn after_title(html: &str, board: &str) -> String {
    let at = html.find("</h1>").map_or(0, |i| i + "</h1>".len());
    format!("{}{board}{}", &html[..at], &html[at..])
}

/// The banner slot of a page listing `alerts`; `fill` are the labels that
/// fill a placeholder of this page (`pod` for `<POD_NAME>`). Empty until
/// one of the alerts fires; without JS it stays empty and hidden, the
/// page's metadata naming its alerts.
pub fn banner(alerts: &[String], fill: Vec<String>, t: &ThemeWords) -> String {
    let spec = PanelSpec::Banner {
        alerts: alerts.to_vec(),
        fill,
    };
    format!(
        "<section class=\"panel banner\" {} aria-label=\"{}\"><div class=\"panel-live\"></div></section>",
        spec.attributes(),
        escape(t.firing_now)
    )
}

/// `amtool` and PromQL that list what fires: all of `names` when given.
fn commands(names: &[&str]) -> String {
    let text = if names.is_empty() {
        "amtool alert query\n\nALERTS{alertstate=\"firing\"}".to_string()
    } else {
        let any = names.join("|");
        format!("amtool alert query 'alertname=~\"{any}\"'\n\nALERTS{{alertstate=\"firing\",alertname=~\"{any}\"}}")
    };
    // Element content: quotes, which these commands are full of, need no
    // escaping (as in every code block).
    format!(
        "<pre class=\"board-commands\"><code>{}</code></pre>",
        escape_text(&text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_contains;

    #[test]
    fn commands_name_the_alerts() {
        let html = commands(&["A", "B"]);
        assert_contains(&html, "amtool alert query 'alertname=~\"A|B\"'");
        assert_contains(&html, "ALERTS{alertstate=\"firing\",alertname=~\"A|B\"}");
    }

    #[test]
    fn the_board_follows_the_title() {
        assert_eq!(
            after_title("<h1>T</h1><p>x</p>", "B"),
            "<h1>T</h1>B<p>x</p>"
        );
        assert_eq!(after_title("<p>x</p>", "B"), "B<p>x</p>");
    }

    #[test]
    fn a_banner_carries_its_alerts_and_labels() {
        let t = &runbook_widgets::language::for_tag("en").theme;
        let html = banner(&["PodDown".into()], vec!["pod".into()], t);
        assert_contains(
            &html,
            "data-panel=\"banner\" data-ids=\"PodDown\" data-fill=\"pod\"",
        );
    }
}
