//! The panel contract between the page and the panels: what a slot asks
//! for. The generator turns a writer's `widget` fence into a [`PanelSpec`]
//! and writes it as the slot's attributes ([`PanelSpec::attributes`]); the
//! panels read them back ([`PanelSpec::parse`]). One type, one spelling
//! of each kind, on both sides; a new kind is a variant here.

use super::percent;

/// A live panel a page holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelSpec {
    /// SLO ids, in the order the writer listed them.
    Slo(Vec<String>),
    /// One workload id.
    Pods(String),
    /// Firing alerts: those named, or all when none is.
    Alerts(Vec<String>),
    /// One line per SLO with its verdict: the index page's status board.
    Verdicts(Vec<String>),
    /// The banner at the top of a runbook page: the page's own alerts when
    /// they fire, and the labels that fill its placeholders (`pod`).
    Banner {
        alerts: Vec<String>,
        fill: Vec<String>,
    },
}

impl PanelSpec {
    /// The kinds writers name in `kind:`; `data-panel` also carries the
    /// ones the generator writes itself (`verdicts`, `banner`).
    pub const KINDS: [&'static str; 3] = ["slo", "pods", "alerts"];

    /// The kind's name (`data-panel`).
    pub fn kind(&self) -> &'static str {
        match self {
            PanelSpec::Slo(_) => "slo",
            PanelSpec::Pods(_) => "pods",
            PanelSpec::Alerts(_) => "alerts",
            PanelSpec::Verdicts(_) => "verdicts",
            PanelSpec::Banner { .. } => "banner",
        }
    }

    /// The ids it shows, joined as `data-ids` carries them.
    pub fn ids(&self) -> String {
        match self {
            PanelSpec::Slo(ids) | PanelSpec::Alerts(ids) | PanelSpec::Verdicts(ids) => {
                ids.join(",")
            }
            PanelSpec::Banner { alerts, .. } => alerts.join(","),
            PanelSpec::Pods(id) => id.clone(),
        }
    }

    /// The slot's attributes, escaped for HTML:
    /// `data-panel="slo" data-ids="availability,latency"`, and a banner's
    /// `data-fill="pod"`.
    pub fn attributes(&self) -> String {
        let mut attributes = format!(
            "data-panel=\"{}\" data-ids=\"{}\"",
            self.kind(),
            crate::html::escape(&self.ids())
        );
        if let PanelSpec::Banner { fill, .. } = self {
            attributes.push_str(&format!(
                " data-fill=\"{}\"",
                crate::html::escape(&fill.join(","))
            ));
        }
        attributes
    }

    /// A banner with the labels of its `data-fill`; other kinds unchanged.
    pub fn with_fill(self, fill: &str) -> PanelSpec {
        match self {
            PanelSpec::Banner { alerts, .. } => PanelSpec::Banner {
                alerts,
                fill: split(fill),
            },
            other => other,
        }
    }

    /// From the slot's attributes; `None` for a kind this module does not
    /// draw (a newer generator), which leaves the static fallback alone.
    pub fn parse(kind: &str, ids: &str) -> Option<PanelSpec> {
        let ids = split(ids);
        match kind {
            "slo" if !ids.is_empty() => Some(PanelSpec::Slo(ids)),
            "pods" if ids.len() == 1 => ids.into_iter().next().map(PanelSpec::Pods),
            "alerts" => Some(PanelSpec::Alerts(ids)),
            "verdicts" if !ids.is_empty() => Some(PanelSpec::Verdicts(ids)),
            "banner" if !ids.is_empty() => Some(PanelSpec::Banner {
                alerts: ids,
                fill: Vec::new(),
            }),
            _ => None,
        }
    }

    /// The API address to read, below `api_base` (the `runbook-api` meta
    /// tag: `api`, `../api` or `https://status.example.com/api`). SLO
    /// slots read the list once rather than one request per SLO.
    pub fn url(&self, api_base: &str) -> String {
        let base = api_base.trim_end_matches('/');
        match self {
            PanelSpec::Slo(_) | PanelSpec::Verdicts(_) => format!("{base}/v1/slos"),
            PanelSpec::Pods(id) => format!("{base}/v1/workloads/{}", percent::encode(id)),
            PanelSpec::Alerts(_) | PanelSpec::Banner { .. } => format!("{base}/v1/alerts"),
        }
    }
}

/// `a, b,` → `[a, b]`.
fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_parse_back_to_the_same_spec() {
        for spec in [
            PanelSpec::Slo(vec!["availability".into(), "latency".into()]),
            PanelSpec::Pods("tekutoko-api".into()),
            PanelSpec::Alerts(vec![]),
            PanelSpec::Alerts(vec!["TekuTokoPodCrashLooping".into()]),
            PanelSpec::Verdicts(vec!["availability".into()]),
            PanelSpec::Banner {
                alerts: vec!["A".into(), "B".into()],
                fill: vec!["pod".into(), "namespace".into()],
            },
        ] {
            let attributes = spec.attributes();
            let value = |name: &str| {
                let start = attributes.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let end = start + attributes[start..].find('"').unwrap();
                attributes[start..end].to_string()
            };
            let fill = if attributes.contains("data-fill") {
                value("data-fill")
            } else {
                String::new()
            };
            assert_eq!(
                PanelSpec::parse(&value("data-panel"), &value("data-ids"))
                    .map(|p| p.with_fill(&fill)),
                Some(spec.clone())
            );
        }
    }
}
