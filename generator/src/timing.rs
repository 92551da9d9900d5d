//! Stage timings at debug level (`RUNBOOK_LOG=runbook::build=debug`):
//! where a slow build spends its time.

use std::time::Instant;

/// Runs one stage of a build, logging its wall time.
pub fn timed<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    tracing::debug!(
        target: "runbook::build",
        stage,
        elapsed_ms = start.elapsed().as_secs_f64() * 1e3,
        "build stage"
    );
    value
}
