//! The panel contract between the page and the panels: what a slot asks
//! for. The generator turns a writer's `widget` fence into a [`PanelSpec`]
//! and writes it as the slot's attributes ([`PanelSpec::attributes`]); the
//! panels read them back ([`PanelSpec::parse`]). One type, one spelling
//! of each kind, on both sides; a new kind is a variant here.

/// A live panel a page holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelSpec {
    /// SLO ids, in the order the writer listed them.
    Slo(Vec<String>),
    /// One workload id.
    Pods(String),
}

impl PanelSpec {
    /// Every kind, as writers name them in `kind:` and as `data-panel`
    /// carries them.
    pub const KINDS: [&'static str; 2] = ["slo", "pods"];

    /// The kind's name (`data-panel`).
    pub fn kind(&self) -> &'static str {
        match self {
            PanelSpec::Slo(_) => "slo",
            PanelSpec::Pods(_) => "pods",
        }
    }

    /// The ids it shows, joined as `data-ids` carries them.
    pub fn ids(&self) -> String {
        match self {
            PanelSpec::Slo(ids) => ids.join(","),
            PanelSpec::Pods(id) => id.clone(),
        }
    }

    /// The slot's attributes, escaped for HTML:
    /// `data-panel="slo" data-ids="availability,latency"`.
    pub fn attributes(&self) -> String {
        format!(
            "data-panel=\"{}\" data-ids=\"{}\"",
            self.kind(),
            crate::html::escape(&self.ids())
        )
    }

    /// From the slot's attributes; `None` for a kind this module does not
    /// draw (a newer generator), which leaves the static fallback alone.
    pub fn parse(kind: &str, ids: &str) -> Option<PanelSpec> {
        let ids: Vec<String> = ids
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect();
        match kind {
            "slo" if !ids.is_empty() => Some(PanelSpec::Slo(ids)),
            "pods" if ids.len() == 1 => ids.into_iter().next().map(PanelSpec::Pods),
            _ => None,
        }
    }

    /// The API address to read, below `api_base` (the `runbook-api` meta
    /// tag: `api`, `../api` or `https://status.example.com/api`). SLO
    /// slots read the list once rather than one request per SLO.
    pub fn url(&self, api_base: &str) -> String {
        let base = api_base.trim_end_matches('/');
        match self {
            PanelSpec::Slo(_) => format!("{base}/v1/slos"),
            PanelSpec::Pods(id) => format!("{base}/v1/workloads/{}", encode_segment(id)),
        }
    }
}

/// Percent-encodes a path segment (ids are checked at build time, but a
/// hand-edited page must not be able to change the path).
fn encode_segment(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_parse_back_to_the_same_spec() {
        for spec in [
            PanelSpec::Slo(vec!["availability".into(), "latency".into()]),
            PanelSpec::Pods("tekutoko-api".into()),
        ] {
            let attributes = spec.attributes();
            let value = |name: &str| {
                let start = attributes.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let end = start + attributes[start..].find('"').unwrap();
                attributes[start..end].to_string()
            };
            assert_eq!(
                PanelSpec::parse(&value("data-panel"), &value("data-ids")),
                Some(spec.clone())
            );
            assert!(PanelSpec::KINDS.contains(&spec.kind()));
        }
    }
}
