//! The live panels' logic, in plain Rust: what a slot asks for, what it
//! shows for an answer, and how it reports freshness and errors. The wasm
//! layer (`crate::wasm::panels`) only fetches, times and copies the
//! resulting [`view::Node`]s into the page.

pub mod alerts;
pub mod format;
pub mod freshness;
pub mod percent;
pub mod pods;
pub mod slo;
pub mod sparkline;
pub mod spec;
pub mod view;

use crate::contract::{decode, AlertList, Answer, SloList, WorkloadStatus};

use crate::language::PanelWords;
use freshness::{Failure, StatusLine, Tracker};
use view::Node;

pub use spec::PanelSpec;

/// The data behind a panel.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Slos(SloList),
    // Boxed: a workload is several times the size of an SLO list.
    Workload(Box<WorkloadStatus>),
    Alerts(AlertList),
}

/// One panel's whole state.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub slot: PanelSpec,
    pub tracker: Tracker<Data>,
}

impl Panel {
    pub fn new(slot: PanelSpec) -> Panel {
        Panel {
            slot,
            tracker: Tracker::default(),
        }
    }

    /// An HTTP answer arrived: decode it (or record why not).
    pub fn receive(&mut self, status: u16, body: &str, now_ms: f64) {
        if !(200..300).contains(&status) {
            self.tracker.fail(Failure::from_http(status, body));
            return;
        }
        let decoded = match self.slot {
            PanelSpec::Slo(_) | PanelSpec::Verdicts(_) => {
                decode::<SloList>(body).map(|a| with_data(a, Data::Slos))
            }
            PanelSpec::Alerts(_) | PanelSpec::Banner { .. } => {
                decode::<AlertList>(body).map(|a| with_data(a, Data::Alerts))
            }
            PanelSpec::Pods(_) => decode::<WorkloadStatus>(body)
                .map(|a| with_data(a, |w| Data::Workload(Box::new(w)))),
        };
        match decoded {
            Ok(answer) => self.tracker.succeed(answer, now_ms),
            Err(e) => self.tracker.fail(Failure::Unreadable(e.to_string())),
        }
    }

    /// No answer at all.
    pub fn fail(&mut self, failure: Failure) {
        self.tracker.fail(failure);
    }

    pub fn status(&self, now_ms: f64, refresh_seconds: u32, s: &PanelWords) -> StatusLine {
        self.tracker.status(now_ms, refresh_seconds, s)
    }

    /// One sentence for screen readers, announced when it changes: the
    /// verdicts, not the figures that move every refresh.
    pub fn summary(&self, s: &PanelWords) -> String {
        let Some(good) = &self.tracker.good else {
            return String::new();
        };
        match (&self.slot, &good.data) {
            (PanelSpec::Alerts(names), Data::Alerts(list))
            | (PanelSpec::Banner { alerts: names, .. }, Data::Alerts(list)) => {
                alerts::summary(&list.alerts, names, s)
            }
            (PanelSpec::Slo(ids) | PanelSpec::Verdicts(ids), Data::Slos(list)) => ids
                .iter()
                .map(|id| match list.slos.iter().find(|slo| &slo.id == id) {
                    Some(slo) => format!("{}: {}", slo.title, slo::state(slo).label(s)),
                    None => format!("{id}: {}", slo::SloState::NoData.label(s)),
                })
                .collect::<Vec<_>>()
                .join("; "),
            (PanelSpec::Pods(_), Data::Workload(w)) => {
                let sum = crate::pods::summarize(&w.pods);
                let mut parts = vec![format!(
                    "{} {}/{} {}",
                    w.deployment.name, w.deployment.ready, w.deployment.desired, s.ready
                )];
                if sum.failing > 0 {
                    parts.push(format!("{} {}", sum.failing, s.failing));
                }
                if w.hpa.as_ref().is_some_and(|h| h.at_max) {
                    parts.push(s.at_max.to_string());
                }
                parts.join("; ")
            }
            _ => String::new(),
        }
    }

    /// The body for the last good data; `None` until there is some (the
    /// slot then keeps its loading text and its static fallback). `root`
    /// is the site root relative to the page (`../`), for links to pages.
    pub fn body(&self, now_ms: f64, root: &str, s: &PanelWords) -> Option<Node> {
        let good = self.tracker.good.as_ref()?;
        let now = self
            .tracker
            .server_now(now_ms)
            .unwrap_or((now_ms / 1000.0) as i64);
        Some(match (&self.slot, &good.data) {
            (PanelSpec::Slo(ids), Data::Slos(list)) => slo::panel(list, ids, good.demo, s),
            (PanelSpec::Verdicts(ids), Data::Slos(list)) => {
                alerts::verdicts(list, ids, good.demo, s)
            }
            (PanelSpec::Pods(_), Data::Workload(w)) => pods::panel(w, good.demo, now, s),
            (PanelSpec::Alerts(names), Data::Alerts(list)) => {
                alerts::panel(&list.alerts, names, good.demo, now, root, s)
            }
            (
                PanelSpec::Banner {
                    alerts: names,
                    fill,
                },
                Data::Alerts(list),
            ) => alerts::banner(&list.alerts, names, fill, now, s),
            // `receive` decodes by the slot's kind, so these cannot meet.
            _ => return None,
        })
    }
}

/// The same answer around other data.
fn with_data<T, U>(answer: Answer<T>, wrap: impl FnOnce(T) -> U) -> Answer<U> {
    Answer {
        version: answer.version,
        generated_at: answer.generated_at,
        stale: answer.stale,
        age_seconds: answer.age_seconds,
        source: answer.source,
        demo: answer.demo,
        data: wrap(answer.data),
    }
}

#[cfg(test)]
mod assertions;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
