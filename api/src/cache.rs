//! One cache slot per configured id: answers are kept for a TTL, concurrent
//! requests share one upstream read, and a failed read falls back to the
//! last good answer, marked stale.
//!
//! The rule that bounds upstream load: a slot starts at most one read per
//! TTL, whether the previous read succeeded or failed, and however many
//! requests arrive. Reads run on their own task, so a client hanging up
//! cannot cancel a read the others are waiting for.
//!
//! The rule that bounds client latency (stale-while-revalidate): once a
//! slot has a good answer, no request waits for the upstream. Past its TTL
//! the answer is served at once, with its age, while the one read of this
//! TTL refreshes it in the background; it is marked stale only once that
//! read has failed. Only a slot that never had a good answer makes
//! requests wait for its read, and then for at most
//! [`CacheSettings::first_wait`] (a hanging upstream is cut off later, at
//! `upstream_timeout`, without anyone waiting for it).
//!
//! The rule that bounds staleness: with [`CacheSettings::max_stale`] set,
//! a last good answer older than that is no longer served once reads
//! fail; the request gets `unavailable` instead of a picture that old.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::future::{BoxFuture, FutureExt, Shared};
use serde_json::value::RawValue;

use super::backend::UpstreamError;

/// A good answer: the data already serialized, so serving it is a copy.
#[derive(Debug)]
pub struct CachedAnswer {
    pub data: Box<RawValue>,
    /// Unix seconds of the evaluation instant.
    pub generated_unix: i64,
    /// When the read finished: ages and expiry count from here.
    pub fetched: Instant,
}

impl CachedAnswer {
    pub fn age(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.fetched)
    }
}

/// What a request gets from a slot.
#[derive(Debug, Clone)]
pub enum Served {
    /// The newest good answer: within its TTL, or past it while its
    /// refresh runs (its age tells).
    Fresh(Arc<CachedAnswer>),
    /// The last read failed; this is the previous good answer.
    Stale(Arc<CachedAnswer>),
    /// The last read failed and there was never a good answer.
    Unavailable,
    /// There was never a good answer and the first read is still running
    /// after [`CacheSettings::first_wait`].
    Pending,
}

#[derive(Debug, Clone, Copy)]
pub struct CacheSettings {
    pub ttl: Duration,
    /// Bound on one upstream read, including every request it makes.
    pub upstream_timeout: Duration,
    /// Bound on a request's wait for a slot's first answer.
    pub first_wait: Duration,
    /// How old a stale answer may be and still be served; `None`: any age.
    pub max_stale: Option<Duration>,
}

/// Two seconds: a panel that polls every 15 s may stall that long once,
/// at the API's start, and no longer, however slow the upstream.
pub const FIRST_WAIT: Duration = Duration::from_secs(2);

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            ttl: Duration::from_secs(15),
            upstream_timeout: Duration::from_secs(5),
            first_wait: FIRST_WAIT,
            max_stale: None,
        }
    }
}

type Read = Shared<BoxFuture<'static, Option<Arc<CachedAnswer>>>>;

#[derive(Default)]
struct State {
    good: Option<Arc<CachedAnswer>>,
    /// When the last read started; no new read before it is a TTL old.
    last_start: Option<Instant>,
    in_flight: Option<Read>,
    /// The last finished read failed: `good`, if any, is served as stale.
    failing: bool,
}

/// Counters for `/readyz` and the benchmark.
#[derive(Debug, Default)]
pub struct SlotStats {
    pub reads: AtomicU64,
    pub failures: AtomicU64,
}

pub struct Slot {
    /// `slos/availability`: names the slot in logs and `/readyz`.
    pub label: String,
    state: Mutex<State>,
    pub stats: SlotStats,
}

impl Slot {
    pub fn new(label: impl Into<String>) -> Arc<Slot> {
        Arc::new(Slot {
            label: label.into(),
            state: Mutex::default(),
            stats: SlotStats::default(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The last good answer, if any (for `/readyz`).
    pub fn last_good(&self) -> Option<Arc<CachedAnswer>> {
        self.lock().good.clone()
    }

    /// Serves from the cache, starting the one read per TTL when the
    /// answer has expired; waits (boundedly) only for a first answer.
    /// `read` is called only when this request starts the read.
    pub async fn get<F, Fut>(self: &Arc<Self>, settings: CacheSettings, read: F) -> Served
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedAnswer, UpstreamError>> + Send + 'static,
    {
        let pending = {
            let mut state = self.lock();
            let now = Instant::now();
            let expired = state
                .good
                .as_ref()
                .is_none_or(|good| good.age(now) >= settings.ttl);
            // A read this TTL already ran (or failed): do not hammer the upstream.
            let read_this_ttl = state
                .last_start
                .is_some_and(|start| now.duration_since(start) < settings.ttl);
            if expired && state.in_flight.is_none() && !read_this_ttl {
                state.last_start = Some(now);
                state.in_flight = Some(self.start(settings, read()));
            }
            match (&state.good, &state.in_flight) {
                (Some(_), _) | (None, None) => return served(&state, settings),
                (None, Some(read)) => read.clone(),
            }
        };
        match tokio::time::timeout(settings.first_wait, pending).await {
            Ok(_) => served(&self.lock(), settings),
            Err(_) => Served::Pending,
        }
    }

    /// Spawns the read with its timeout; the task records the outcome.
    fn start<Fut>(self: &Arc<Self>, settings: CacheSettings, read: Fut) -> Read
    where
        Fut: Future<Output = Result<CachedAnswer, UpstreamError>> + Send + 'static,
    {
        let slot = Arc::clone(self);
        let task = tokio::spawn(async move {
            slot.stats.reads.fetch_add(1, Ordering::Relaxed);
            // One line per upstream read: bench/api.sh counts them.
            tracing::debug!(id = %slot.label, "upstream read");
            let outcome = match tokio::time::timeout(settings.upstream_timeout, read).await {
                Ok(result) => result,
                Err(_) => Err(UpstreamError::Timeout {
                    seconds: settings.upstream_timeout.as_secs_f64(),
                }),
            };
            let mut state = slot.lock();
            state.in_flight = None;
            state.failing = outcome.is_err();
            match outcome {
                Ok(cached) => {
                    let cached = Arc::new(cached);
                    state.good = Some(cached.clone());
                    Some(cached)
                }
                Err(error) => {
                    slot.stats.failures.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(id = %slot.label, %error, "upstream read failed");
                    None
                }
            }
        });
        // A panicked read is a failed read.
        async move { task.await.ok().flatten() }.boxed().shared()
    }
}

/// What the slot's state answers without waiting.
fn served(state: &State, settings: CacheSettings) -> Served {
    match (&state.good, state.failing) {
        (Some(good), false) => Served::Fresh(good.clone()),
        (Some(good), true) if too_old(good, settings) => Served::Unavailable,
        (Some(good), true) => Served::Stale(good.clone()),
        (None, _) => Served::Unavailable,
    }
}

fn too_old(good: &CachedAnswer, settings: CacheSettings) -> bool {
    settings
        .max_stale
        .is_some_and(|limit| good.age(Instant::now()) > limit)
}
