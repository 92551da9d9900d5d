//! The link check stage: every `#fragment` of a link between pages must
//! name a heading of its target. (Links to missing pages and files are
//! found while rendering, where the link is resolved.)

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::Warning;
use crate::render::{Rendered, RenderedPage};

/// A warning for each link whose fragment names no heading of its page,
/// in page order.
pub fn check_fragments(rendered: &Rendered) -> Vec<Warning> {
    let index = rendered.positions(|page| page.rel.as_str());
    rendered
        .pages
        .par_iter()
        .flat_map_iter(|page| broken_links(rendered, page, |rel| index.get(rel).copied()))
        .collect()
}

/// The most pages rendered again that [`recheck_fragments`] checks alone.
const RECHECK_AT_MOST: usize = 32;

/// [`check_fragments`] of `next`, from `prev`'s result: when both have the
/// same pages in the same order and every page rendered again kept its
/// heading ids, only the links of those pages can break or mend, so only
/// they are checked (an edit on a 10,000-page site checks one page's
/// links, not every page's). `None` when that does not hold, or when more
/// than [`RECHECK_AT_MOST`] pages were rendered again.
pub fn recheck_fragments(prev: &Rendered, next: &Rendered) -> Option<Vec<Warning>> {
    if prev.pages.len() != next.pages.len() {
        return None;
    }
    let mut again = Vec::new();
    for (before, after) in prev.pages.iter().zip(&next.pages) {
        if before.page.rel != after.page.rel {
            return None;
        }
        if Arc::ptr_eq(&before.markdown, &after.markdown) {
            continue;
        }
        if !heading_ids(before).eq(heading_ids(after)) {
            return None;
        }
        again.push(after);
        // Past a few pages, a full check's map is cheaper than scanning
        // the page list for every link.
        if again.len() > RECHECK_AT_MOST {
            return None;
        }
    }
    let checked: HashSet<&Path> = again.iter().map(|p| Path::new(&p.page.display)).collect();
    let mut warnings: Vec<Warning> = prev
        .broken_fragments
        .iter()
        .filter(|w| !checked.contains(w.at.path.as_path()))
        .cloned()
        .collect();
    // A few links to resolve: a scan of the pages beats a 10,000-entry map.
    let position = |rel: &str| next.pages.iter().position(|p| p.page.rel == rel);
    for page in again {
        warnings.extend(broken_links(next, page, position));
    }
    Some(warnings)
}

/// The ids of `page`'s headings, in order.
fn heading_ids(page: &RenderedPage) -> impl Iterator<Item = &str> {
    page.markdown.headings.iter().map(|h| h.id.as_str())
}

/// The links of `page` whose fragment names no heading of their target;
/// `position` finds a page by its source path.
fn broken_links<'a>(
    rendered: &'a Rendered,
    page: &'a RenderedPage,
    position: impl Fn(&str) -> Option<usize> + 'a,
) -> impl Iterator<Item = Warning> + 'a {
    page.markdown.links.iter().filter_map(move |link| {
        let fragment = link.fragment.as_deref()?;
        let target = position(link.target.as_str())?;
        // A scan of the target's headings (tens of them), not a set per
        // page: building one for every page of a 10,000-page site cost
        // the dev server 20 ms of each edit.
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
