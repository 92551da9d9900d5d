//! The link check stage: every `#fragment` of a link between pages must
//! name a heading of its target. (Links to missing pages and files are
//! found while rendering, where the link is resolved.)

use std::collections::HashSet;

use crate::error::Warning;
use crate::render::Rendered;

/// A warning for each link whose fragment names no heading of its page.
pub fn check_fragments(rendered: &Rendered) -> Vec<Warning> {
    let index = rendered.positions(|page| page.rel.as_str());
    let ids: Vec<HashSet<&str>> = rendered
        .pages
        .iter()
        .map(|p| p.markdown.headings.iter().map(|h| h.id.as_str()).collect())
        .collect();
    let mut warnings = Vec::new();
    for page in &rendered.pages {
        for link in &page.markdown.links {
            let Some(fragment) = link.fragment.as_deref() else {
                continue;
            };
            let Some(&target) = index.get(link.target.as_str()) else {
                continue;
            };
            if fragment.is_empty() || ids[target].contains(fragment) || is_generated_id(fragment) {
                continue;
            }
            warnings.push(Warning {
                at: link.at.clone(),
                message: format!(
                    "broken fragment: `{}` has no heading `#{fragment}`",
                    rendered.pages[target].page.rel
                ),
                hint: hint(&ids[target], fragment),
            });
        }
    }
    warnings
}

/// The fix: the lower-case spelling, or headings whose ids are close.
fn hint(ids: &HashSet<&str>, fragment: &str) -> String {
    let lower = fragment.to_lowercase();
    if ids.contains(lower.as_str()) {
        return format!("heading ids are lower case: write `#{lower}`");
    }
    let mut known: Vec<&str> = ids.iter().copied().collect();
    known.sort();
    let close: Vec<String> = known
        .into_iter()
        .filter(|id| id.contains(&lower) || lower.contains(*id))
        .take(3)
        .map(|c| format!("`#{c}`"))
        .collect();
    if close.is_empty() {
        "link to an existing heading; ids follow GitHub's rules (lower case, spaces to `-`, punctuation dropped)".into()
    } else {
        format!("did you mean {}?", close.join(", "))
    }
}

/// Ids the renderer writes besides headings: footnotes.
fn is_generated_id(fragment: &str) -> bool {
    fragment.starts_with("fn-") || fragment.starts_with("fnref")
}
