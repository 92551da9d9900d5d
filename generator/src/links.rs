//! The link check stage: every `#fragment` of a link between pages must
//! name a heading of its target. (Links to missing pages and files are
//! found while rendering, where the link is resolved.)

use std::collections::HashSet;

use rayon::prelude::*;

use crate::error::Warning;
use crate::render::Rendered;

/// A warning for each link whose fragment names no heading of its page,
/// in page order.
pub fn check_fragments(rendered: &Rendered) -> Vec<Warning> {
    let index = rendered.positions(|page| page.rel.as_str());
    rendered
        .pages
        .par_iter()
        .flat_map_iter(|page| {
            page.markdown.links.iter().filter_map(|link| {
                let fragment = link.fragment.as_deref()?;
                let &target = index.get(link.target.as_str())?;
                // A scan of the target's headings (tens of them), not a
                // set per page: building one for every page of a
                // 10,000-page site cost the dev server 20 ms of each edit.
                let headings = &rendered.pages[target].markdown.headings;
                if fragment.is_empty()
                    || is_generated_id(fragment)
                    || headings.iter().any(|h| h.id == fragment)
                {
                    return None;
                }
                let ids: HashSet<&str> = headings.iter().map(|h| h.id.as_str()).collect();
                Some(Warning {
                    at: link.at.clone(),
                    message: format!(
                        "broken fragment: `{}` has no heading `#{fragment}`",
                        rendered.pages[target].page.rel
                    ),
                    hint: hint(&ids, fragment),
                })
            })
        })
        .collect()
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
