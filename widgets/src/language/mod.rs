//! Every word runbook shows a reader, per UI language: the theme's
//! templates, its scripts and the live panels. A language is one file in
//! this folder and one line in [`ALL`]; nothing else needs to change. The
//! site's `language:` (its `<html lang>`) picks one; English is the
//! fallback.

use serde::Serialize;

mod en;
mod ja;

pub use en::ENGLISH;
pub use ja::JAPANESE;

/// The languages runbook speaks, English (the fallback) first.
pub static ALL: [&Language; 2] = [&ENGLISH, &JAPANESE];

/// One UI language.
#[derive(Debug)]
pub struct Language {
    /// The primary subtag of BCP 47 (`ja` matches `ja`, `ja-JP`, `JA_jp`).
    pub tag: &'static str,
    pub theme: ThemeWords,
    pub panels: PanelWords,
}

/// The language for a BCP 47 tag, by its primary subtag; English for a
/// tag runbook has no words for.
pub fn for_tag(tag: &str) -> &'static Language {
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    ALL.iter()
        .find(|language| language.tag.eq_ignore_ascii_case(primary))
        .copied()
        .unwrap_or(&ENGLISH)
}

/// The words of the theme's templates (`t.…` in them) and of the generated
/// pages (callouts, redirects). A theme may ignore these and write its own.
#[derive(Debug, Serialize)]
pub struct ThemeWords {
    pub note: &'static str,
    pub tip: &'static str,
    pub important: &'static str,
    pub warning: &'static str,
    pub caution: &'static str,
    pub anchor_label: &'static str,
    pub on_this_page: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub home: &'static str,
    pub placeholders: &'static str,
    pub placeholders_help: &'static str,
    pub clear: &'static str,
    pub search: &'static str,
    pub all_pages: &'static str,
    pub last_updated: &'static str,
    pub last_reviewed: &'static str,
    pub review_overdue: &'static str,
    pub owner: &'static str,
    pub alerts: &'static str,
    /// Label of the block of a page's alert rules (`build --rules`).
    pub alert_rules: &'static str,
    pub severity: &'static str,
    pub edit_page: &'static str,
    pub toggle_theme: &'static str,
    pub menu: &'static str,
    pub not_found: &'static str,
    pub not_found_help: &'static str,
    pub live_panel: &'static str,
    pub check_by_hand: &'static str,
    pub objective: &'static str,
    pub window: &'static str,
    pub days: &'static str,
    pub redirecting: &'static str,
    /// The index page's status board: its heading, its two parts, and its
    /// fallback table (alert → page) with the commands that list what fires.
    pub status_now: &'static str,
    pub firing_now: &'static str,
    pub slo_verdicts: &'static str,
    pub alerts_by_page: &'static str,
    pub alert: &'static str,
    pub page: &'static str,
    pub list_firing: &'static str,
    /// The link to a folder's print document, and its heading.
    pub print: &'static str,
    pub print_help: &'static str,
    /// A page's link to its folder's print document: says what it prints,
    /// where a tooltip would not show (phones, keyboards).
    pub print_folder: &'static str,
    /// The label of the path from the home page to this one.
    pub breadcrumbs: &'static str,
    /// Link that skips the header and navigation.
    pub skip_to_content: &'static str,
    /// The words the theme's scripts say, written once per site as
    /// `assets/words-<tag>.js` (`window.runbookWords`) so that the scripts
    /// carry no words of their own.
    pub script: ScriptWords,
}

/// The words of the theme's scripts (runbook.js, search.js, panels.js).
#[derive(Debug, Serialize)]
pub struct ScriptWords {
    pub copy: &'static str,
    pub copied: &'static str,
    /// The count of search results when there is one.
    pub result: &'static str,
    /// The count of search results: `{n}` is put in.
    pub results: &'static str,
    pub no_results: &'static str,
    pub search_failed: &'static str,
    /// The banner of a page read from the offline copy: `{time}` is put in.
    pub offline_copy: &'static str,
    /// The same banner when the copy's time is unknown.
    pub offline_copy_undated: &'static str,
    /// Added to that banner when the search index was too large to keep.
    pub search_online_only: &'static str,
    /// Said in each panel when the panels' module cannot start.
    pub panels_failed: &'static str,
}

/// The live panels' words and short phrases; numbers are put in by
/// `panel::format` and the views.
#[derive(Debug, PartialEq, Eq)]
pub struct PanelWords {
    pub loading: &'static str,
    pub demo: &'static str,
    pub demo_note: &'static str,
    pub current: &'static str,
    pub objective: &'static str,
    pub window_days: &'static str,
    pub error_budget: &'static str,
    pub remaining: &'static str,
    pub overspent: &'static str,
    pub burn_rate: &'static str,
    pub window: &'static str,
    pub threshold: &'static str,
    pub page: &'static str,
    pub ticket: &'static str,
    pub over: &'static str,
    pub no_events: &'static str,
    pub last_24h: &'static str,
    /// The sparkline's text alternative: "lowest 99.80%, latest 100.00%".
    pub spark_lowest: &'static str,
    pub spark_latest: &'static str,
    pub status_ok: &'static str,
    pub status_ticket: &'static str,
    pub status_page: &'static str,
    pub status_missed: &'static str,
    pub status_no_data: &'static str,
    pub status_unknown: &'static str,
    pub unavailable_slo: &'static str,
    /// The verdict when no rule fires.
    pub reason_ok: &'static str,
    /// The verdict when windows a rule decides on had no events:
    /// `{windows}` is put in.
    pub reason_no_data: &'static str,
    /// The verdict of a rule: `{long}`, `{long_rate}`, `{short}`,
    /// `{short_rate}` and `{threshold}` are put in.
    pub reason_burn: &'static str,
    pub latency: &'static str,
    pub deployment: &'static str,
    pub ready: &'static str,
    pub revision: &'static str,
    pub rollout_done: &'static str,
    pub autoscaler: &'static str,
    pub hpa_current: &'static str,
    pub hpa_desired: &'static str,
    pub cpu: &'static str,
    pub target: &'static str,
    pub at_max: &'static str,
    pub pods: &'static str,
    pub failing: &'static str,
    pub progressing: &'static str,
    pub restarts: &'static str,
    pub no_pods: &'static str,
    pub col_name: &'static str,
    pub col_ready: &'static str,
    pub col_status: &'static str,
    pub col_restarts: &'static str,
    pub col_last_reason: &'static str,
    pub col_age: &'static str,
    pub col_node: &'static str,
    pub mark_failing: &'static str,
    pub mark_progressing: &'static str,
    pub stale_server: &'static str,
    pub stale_client: &'static str,
    pub error_prefix: &'static str,
    pub use_commands: &'static str,
    pub unreachable: &'static str,
    pub http_status: &'static str,
    pub timeout: &'static str,
    /// Ends a sentence: `.` or `。`.
    pub full_stop: &'static str,
    /// The alerts panel, the status board and a page's banner.
    pub alerts_none: &'static str,
    pub alerts_firing: &'static str,
    /// When an alert started: `{time}` (UTC) and `{age}` are put in.
    pub alerts_since: &'static str,
    pub silenced: &'static str,
    pub inhibited: &'static str,
    pub open_runbook: &'static str,
    pub no_runbook: &'static str,
    pub fill_from_labels: &'static str,
    /// Said instead of an error when the browser is offline.
    pub offline: &'static str,
    /// Units of time, as short as the language writes them.
    pub unit_second: &'static str,
    pub unit_minute: &'static str,
    pub unit_hour: &'static str,
    pub unit_day: &'static str,
    /// When data was read: `{ago}` is put in (`12 s`).
    pub updated_ago: &'static str,
}

/// The panel words by name, for tests.
#[cfg(test)]
pub(crate) static EN: &PanelWords = &ENGLISH.panels;
#[cfg(test)]
pub(crate) static JA: &PanelWords = &JAPANESE.panels;

#[cfg(test)]
mod tests;
