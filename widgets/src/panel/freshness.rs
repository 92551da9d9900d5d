//! How fresh a panel's data is, and what to say about it: "updated 12 s
//! ago", stale answers (the API's or ours), and errors. A failed refresh
//! never drops the last good data: the panel keeps showing it, marked.

use crate::contract::{Answer, ErrorAnswer};
use crate::timestamp::parse_rfc3339;

use super::format;
use crate::language::PanelWords;

/// The last good answer and when it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Good<T> {
    pub data: T,
    /// `generated_at` of the answer, in the server's clock.
    pub generated_unix: Option<i64>,
    /// How old the data was when the answer was sent.
    pub age_at_receipt: u64,
    /// The API itself says its upstream failed.
    pub stale: bool,
    pub demo: bool,
    /// The browser's clock (ms) when the answer arrived.
    pub received_ms: f64,
}

/// Why the last refresh failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No answer at all: network down, API stopped, CORS refused.
    Unreachable,
    Timeout,
    /// An HTTP error; `message` is the API's own sentence when it sent one.
    Http {
        status: u16,
        message: Option<String>,
    },
    /// An answer this page cannot read (another contract version, bad JSON).
    Unreadable(String),
    /// No answer while the browser is offline, or the page is the offline
    /// copy: not an error of the API, so not shown as one.
    Offline,
}

impl Failure {
    /// An HTTP error status with the API's error body, when it is one.
    pub fn from_http(status: u16, body: &str) -> Failure {
        let message = serde_json::from_str::<ErrorAnswer>(body)
            .ok()
            .map(|e| e.error.message)
            .filter(|m| !m.is_empty());
        Failure::Http { status, message }
    }

    pub fn describe(&self, s: &PanelWords) -> String {
        match self {
            Failure::Unreachable => s.unreachable.to_string(),
            Failure::Timeout => s.timeout.to_string(),
            Failure::Http {
                status,
                message: Some(m),
            } => format!("{} {status}: {m}", s.http_status),
            Failure::Http {
                status,
                message: None,
            } => format!("{} {status}", s.http_status),
            Failure::Unreadable(why) => why.clone(),
            Failure::Offline => s.offline.to_string(),
        }
    }
}

/// The line above a panel's body. `state` changes only when the situation
/// does (it sits in a `role="status"` region and is announced); `age`
/// ticks every second and is not announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    /// `loading`, `fresh`, `stale` or `error`: the panel's CSS class.
    pub class: &'static str,
    pub state: String,
    pub age: String,
}

/// What a panel knows: its last good answer and its last failure (cleared
/// by the next success).
#[derive(Debug, Clone, PartialEq)]
pub struct Tracker<T> {
    pub good: Option<Good<T>>,
    pub failure: Option<Failure>,
}

impl<T> Default for Tracker<T> {
    fn default() -> Self {
        Tracker {
            good: None,
            failure: None,
        }
    }
}

impl<T> Tracker<T> {
    pub fn succeed(&mut self, answer: Answer<T>, now_ms: f64) {
        self.good = Some(Good {
            generated_unix: parse_rfc3339(&answer.generated_at),
            age_at_receipt: answer.age_seconds,
            stale: answer.stale,
            demo: answer.demo,
            data: answer.data,
            received_ms: now_ms,
        });
        self.failure = None;
    }

    pub fn fail(&mut self, failure: Failure) {
        self.failure = Some(failure);
    }

    /// Seconds since the data was read upstream, measured without trusting
    /// the browser's clock to agree with the server's.
    pub fn age_seconds(&self, now_ms: f64) -> Option<u64> {
        self.good.as_ref().map(|g| {
            let since = ((now_ms - g.received_ms) / 1000.0).max(0.0) as u64;
            g.age_at_receipt + since
        })
    }

    /// The server's clock now: `generated_at` plus the age.
    pub fn server_now(&self, now_ms: f64) -> Option<i64> {
        let generated = self.good.as_ref()?.generated_unix?;
        Some(generated + self.age_seconds(now_ms)? as i64)
    }

    /// Older than this without a fresh answer counts as stale even when no
    /// request failed (a suspended laptop, a throttled tab).
    pub fn stale_after(refresh_seconds: u32) -> u64 {
        (u64::from(refresh_seconds) * 3).max(60)
    }

    pub fn status(&self, now_ms: f64, refresh_seconds: u32, s: &PanelWords) -> StatusLine {
        let age = self.age_seconds(now_ms);
        let age_text = age.map(|a| format::updated_ago(a, s)).unwrap_or_default();
        let failed = match &self.failure {
            Some(Failure::Offline) => Some(("offline", s.offline.to_string())),
            Some(failure) => {
                let what = failure.describe(s);
                let what = what.trim_end_matches(['.', '。']);
                Some((
                    "error",
                    format!("{}: {what}{}", s.error_prefix, s.full_stop),
                ))
            }
            None => None,
        };
        if let Some((class, mut state)) = failed {
            // With no data to show, the page's own commands are the way on.
            if self.good.is_none() {
                state = format!("{state} {}", s.use_commands);
            }
            return StatusLine {
                class,
                state,
                age: age_text,
            };
        }
        let Some(good) = &self.good else {
            return StatusLine {
                class: "loading",
                state: String::new(),
                age: s.loading.to_string(),
            };
        };
        let (class, state) = if good.stale {
            ("stale", s.stale_server.to_string())
        } else if age.unwrap_or(0) > Self::stale_after(refresh_seconds) {
            ("stale", s.stale_client.to_string())
        } else {
            ("fresh", String::new())
        };
        StatusLine {
            class,
            state,
            age: age_text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::EN;

    fn answer(stale: bool, age: u64) -> Answer<u32> {
        Answer {
            version: 1,
            generated_at: "2025-06-16T03:00:00Z".into(),
            stale,
            age_seconds: age,
            source: "demo".into(),
            demo: true,
            data: 7,
        }
    }

    /// The status line a test expects.
    fn line(class: &'static str, state: &str, age: &str) -> StatusLine {
        StatusLine {
            class,
            state: state.to_string(),
            age: age.to_string(),
        }
    }

    #[test]
    fn offline_is_said_as_offline_not_as_an_error() {
        let mut t: Tracker<u32> = Tracker::default();
        t.fail(Failure::Offline);
        let offline = t.status(0.0, 15, EN);
        assert_eq!(
            offline,
            line(
                "offline",
                "Offline: live status needs the network. Use the commands below to check by hand.",
                ""
            )
        );
        assert!(!offline.state.contains(EN.error_prefix));
        t.succeed(answer(false, 2), 1_000.0);
        t.fail(Failure::Offline);
        assert_eq!(
            t.status(3_000.0, 15, crate::language::JA),
            line(
                "offline",
                "オフライン: 現在の状態にはネットワーク接続が必要です。",
                "4 秒前に更新"
            )
        );
    }

    #[test]
    fn loading_then_fresh_then_ticking() {
        let mut t = Tracker::default();
        assert_eq!(t.status(0.0, 15, EN).class, "loading");
        t.succeed(answer(false, 2), 1_000.0);
        assert_eq!(
            t.status(11_000.0, 15, EN),
            line("fresh", "", "updated 12 s ago")
        );
        // 2025-06-16T03:00:00Z + 12 s
        assert_eq!(t.server_now(11_000.0), Some(1_750_042_812));
    }

    #[test]
    fn a_failure_keeps_the_data_and_says_so() {
        let mut t = Tracker::default();
        t.succeed(answer(false, 0), 0.0);
        t.fail(Failure::Unreachable);
        assert_eq!(
            t.status(30_000.0, 15, EN),
            line(
                "error",
                "Cannot update: the API did not answer.",
                "updated 30 s ago"
            )
        );
        assert_eq!(t.good.as_ref().unwrap().data, 7);
        // The next success clears it.
        t.succeed(answer(false, 0), 31_000.0);
        assert_eq!(t.status(31_000.0, 15, EN).class, "fresh");
    }

    #[test]
    fn a_failure_before_any_data_points_at_the_commands() {
        let mut t: Tracker<u32> = Tracker::default();
        t.fail(Failure::from_http(
            503,
            r#"{"version":1,"error":{"code":"unavailable","message":"Prometheus is not answering."}}"#,
        ));
        assert_eq!(
            t.status(0.0, 15, EN),
            line(
                "error",
                "Cannot update: HTTP 503: Prometheus is not answering. Use the commands below to check by hand.",
                ""
            )
        );
    }

    #[test]
    fn stale_from_the_server_or_from_age() {
        let mut t = Tracker::default();
        t.succeed(answer(true, 300), 0.0);
        assert_eq!(
            t.status(0.0, 15, EN),
            line(
                "stale",
                "STALE: the API cannot reach its backend; showing its last good answer",
                "updated 5 min ago"
            )
        );
        t.succeed(answer(false, 0), 0.0);
        assert_eq!(t.status(60_000.0, 15, EN).class, "fresh");
        assert_eq!(t.status(61_000.0, 15, EN).class, "stale");
    }
}
