//! Both sides checked against each other: every alert rule has a runbook
//! page, every runbook link into the site lands, every alert a page lists
//! is defined by a rule, and rule and page agree on severity.
//!
//! A page's `severity:` is that of its most urgent alert, so a rule more
//! urgent than its page, or a page more urgent than all of its alerts'
//! rules, disagree; a page with one alert must match it exactly.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use super::url::{Landing, SiteIndex};
use super::{AlertRule, Rules};
use crate::error::{Location, Warning};
use crate::plural::count;
use crate::render::Rendered;
use crate::severity::{self, Level};

/// What checking rules against a site found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Every report, sorted by place.
    pub warnings: Vec<Warning>,
    pub summary: Summary,
}

/// The figures of the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Distinct alert names.
    pub alerts: usize,
    /// Alerting rules (an alert may have several, e.g. one per severity).
    pub rules: usize,
    pub files: usize,
    pub recording: usize,
    pub with_page: usize,
    pub without_page: usize,
    /// Of those without a page here, the ones whose link leads elsewhere.
    pub elsewhere: usize,
    pub broken_links: usize,
    /// Alerts pages list that no rule defines.
    pub undefined: usize,
    pub severity: usize,
    /// Files or documents that could not be read.
    pub unreadable: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} alerts read ({} rules in {}, {} recording rules skipped): {} with a page, {} without ({} linked elsewhere), {} broken links; {} listed on pages but defined by no rule, {} severity disagreements",
            self.alerts,
            self.rules,
            count(self.files, "file"),
            self.recording,
            self.with_page,
            self.without_page,
            self.elsewhere,
            self.broken_links,
            self.undefined,
            self.severity,
        )?;
        if self.unreadable > 0 {
            write!(f, ", {} not read", count(self.unreadable, "file"))?;
        }
        Ok(())
    }
}

/// Checks `rules` against the rendered site, whose links are resolved
/// under `base_url`.
pub fn check(rendered: &Rendered, rules: &Rules, base_url: Option<&str>) -> Outcome {
    let index = SiteIndex::from_rendered(rendered, base_url);
    let pages = rendered.positions(|page| page.output.as_str());
    let mut warnings = rules.problems.clone();
    let mut summary = Summary {
        rules: rules.alerts.len(),
        files: rules.files,
        recording: rules.recording,
        unreadable: rules.problems.len(),
        ..Summary::default()
    };

    let mut names: Vec<&str> = Vec::new();
    let mut by_name: BTreeMap<&str, Vec<&AlertRule>> = BTreeMap::new();
    for rule in &rules.alerts {
        let list = by_name.entry(&rule.name).or_default();
        if list.is_empty() {
            names.push(&rule.name);
        }
        list.push(rule);
    }
    summary.alerts = names.len();

    if !index.has_base() && rules.alerts.iter().any(|r| r.runbook.is_some()) {
        warnings.push(Warning {
            at: Location::new(rendered.root.join(crate::config::CONFIG_FILE), 1, 1),
            message: "no `base_url`: the rules' runbook links cannot be checked".into(),
            hint: "set `base_url:` in runbook.yaml to the published site's address, or pass --base-url".into(),
        });
    }

    // The page each alert leads to, for the severity check after.
    let mut page_of: HashMap<&str, usize> = HashMap::new();
    for name in &names {
        let definitions = &by_name[name];
        let listed = rendered.alerts.get(*name).map(|t| t.url.clone());
        let mut reached = None;
        let mut elsewhere = false;
        for rule in definitions {
            let Some(link) = &rule.runbook else { continue };
            match index.resolve(&link.url, name) {
                Landing::Elsewhere => elsewhere = true,
                Landing::Page(page) => reached = reached.or(Some(page)),
                Landing::Broken { reason, hint, page } => {
                    summary.broken_links += 1;
                    reached = reached.or(page);
                    warnings.push(Warning {
                        at: link.at.clone(),
                        message: format!(
                            "the `{}` of alert `{name}` leads nowhere on this site: {reason}",
                            link.key
                        ),
                        hint,
                    });
                }
            }
        }
        match listed.or(reached) {
            Some(page) => {
                summary.with_page += 1;
                if let Some(&i) = pages.get(page.as_str()) {
                    page_of.insert(name, i);
                }
            }
            None => {
                summary.without_page += 1;
                if elsewhere {
                    summary.elsewhere += 1;
                    continue;
                }
                warnings.push(Warning {
                    at: definitions[0].at.clone(),
                    message: format!("alert `{name}` has no runbook page"),
                    hint: format!(
                        "add `{name}` to the `alerts:` of the page that handles it (or write one); its address is then {}",
                        if index.has_base() { index.alert_url(name) } else { format!("alerts/{name}.html") }
                    ),
                });
            }
        }
    }

    // Alerts pages list that no rule defines.
    for page in &rendered.pages {
        let missing: Vec<&String> = page
            .page
            .front
            .alerts
            .iter()
            .filter(|a| !by_name.contains_key(a.as_str()))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let line = alerts_line(&page.page.text);
        for alert in missing {
            summary.undefined += 1;
            warnings.push(Warning {
                at: Location::new(&page.page.display, line, 1),
                message: format!("the page lists alert `{alert}`, which no rule given defines"),
                hint: "pass the rule file that defines it with --rules (it may live elsewhere); if it was deleted, take it off `alerts:`".into(),
            });
        }
    }

    severities(rendered, &by_name, &page_of, &mut warnings, &mut summary);
    warnings.sort();
    warnings.dedup();
    Outcome { warnings, summary }
}

/// The line of `alerts:` (or `alert:`) in a page's front matter.
fn alerts_line(text: &str) -> usize {
    let line = crate::yaml_lines::line_of(text, "alerts");
    if line > 1 {
        line
    } else {
        crate::yaml_lines::line_of(text, "alert")
    }
}

fn severities(
    rendered: &Rendered,
    by_name: &BTreeMap<&str, Vec<&AlertRule>>,
    page_of: &HashMap<&str, usize>,
    warnings: &mut Vec<Warning>,
    summary: &mut Summary,
) {
    // Per page: the most urgent level among its alerts' rules.
    let mut most_urgent: BTreeMap<usize, (Level, &AlertRule)> = BTreeMap::new();
    for (name, rules) in by_name {
        let Some(&i) = page_of.get(name) else {
            continue;
        };
        let page = &rendered.pages[i].page;
        let page_level = page.front.severity.as_ref().and_then(|s| s.level);
        for rule in rules {
            let Some(level) = rule.severity().and_then(severity::level) else {
                continue;
            };
            let entry = most_urgent.entry(i).or_insert((level, rule));
            if level < entry.0 {
                *entry = (level, rule);
            }
            let Some(page_level) = page_level else {
                continue;
            };
            if level < page_level {
                summary.severity += 1;
                warnings.push(Warning {
                    at: rule.severity_at.clone(),
                    message: format!(
                        "alert `{name}` is `{}` ({}), but its page {} says {}",
                        rule.severity().unwrap_or_default(),
                        level.name(),
                        page.display.display(),
                        page_level.name()
                    ),
                    hint: "a page's severity is that of its most urgent alert: raise the page's `severity:` or lower the rule's label".into(),
                });
            }
        }
    }
    for (i, (level, rule)) in most_urgent {
        let page = &rendered.pages[i].page;
        let Some(page_level) = page.front.severity.as_ref().and_then(|s| s.level) else {
            continue;
        };
        if page_level < level {
            summary.severity += 1;
            warnings.push(Warning {
                at: Location::new(&page.display, severity_line(&page.text), 1),
                message: format!(
                    "the page says {}, but its most urgent alert `{}` is `{}` ({})",
                    page_level.name(),
                    rule.name,
                    rule.severity().unwrap_or_default(),
                    level.name()
                ),
                hint: "a page's severity is that of its most urgent alert: lower the page's `severity:` or raise the rule's label".into(),
            });
        }
    }
}

fn severity_line(text: &str) -> usize {
    crate::yaml_lines::line_of(text, "severity")
}

/// For `--fix-urls`: for each alert, where it is defined and the runbook
/// link it should carry on this site, ready to paste into the rule.
pub fn fix_urls(rendered: &Rendered, rules: &Rules, base_url: Option<&str>) -> String {
    let index = SiteIndex::from_rendered(rendered, base_url);
    let mut out = String::new();
    for rule in &rules.alerts {
        let key = rule
            .runbook
            .as_ref()
            .map_or("runbook_url", |l| l.key.as_str());
        let now = rule.runbook.as_ref().map(|l| l.url.as_str());
        let has_page = rendered.alerts.contains_key(&rule.name);
        let url = index.alert_url(&rule.name);
        let line = if !has_page {
            format!(
                "{}: {}: no page lists it yet; once one does: {key}: {url}\n",
                rule.at, rule.name
            )
        } else if now == Some(url.as_str()) {
            format!("{}: {}: {key}: {url} (as it is)\n", rule.at, rule.name)
        } else {
            format!("{}: {}: {key}: {url}\n", rule.at, rule.name)
        };
        out.push_str(&line);
    }
    out
}

/// Reads the rule files for a site: `paths` and the `rules:` of its
/// runbook.yaml (relative to the content folder).
pub fn rule_paths(
    content: &Path,
    configured: &[std::path::PathBuf],
    given: &[std::path::PathBuf],
) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<std::path::PathBuf> = configured.iter().map(|p| content.join(p)).collect();
    paths.extend(given.iter().cloned());
    paths
}
