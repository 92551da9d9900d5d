//! The wall clock the API reads: when to evaluate queries and what to write
//! in `generated_at`. Injected so tests and fixtures can pin it.
//!
//! Cache expiry and ages use `std::time::Instant` instead, so a pinned or
//! jumping wall clock never keeps an answer fresh forever.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    /// The system clock, in whole Unix seconds.
    pub fn system() -> Clock {
        Clock(Arc::new(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        }))
    }

    /// Always `unix_seconds`: golden fixtures and tests over a backfilled
    /// Prometheus, whose data ends at a known instant.
    pub fn fixed(unix_seconds: i64) -> Clock {
        Clock(Arc::new(move || unix_seconds))
    }

    pub fn now(&self) -> i64 {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}
