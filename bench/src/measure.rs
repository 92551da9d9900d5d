//! Runs one command and reads its wall time and peak memory from the
//! kernel (`wait4`), so each run is measured alone.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub wall: Duration,
    /// Peak resident set size of the process, bytes.
    pub peak_rss: u64,
}

pub fn run(command: &mut Command) -> Result<Sample, String> {
    let start = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{command:?}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data the kernel fills in; pid is our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if waited != pid {
        return Err(format!("wait4 failed for {command:?}"));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr {
            use std::io::Read;
            let _ = pipe.read_to_string(&mut stderr);
        }
        return Err(format!("{command:?} failed:\n{stderr}"));
    }
    Ok(Sample {
        wall,
        peak_rss: usage.ru_maxrss as u64 * 1024,
    })
}

/// Median wall time and largest peak memory over `runs` runs.
pub fn repeat(runs: usize, mut make: impl FnMut() -> Command) -> Result<Sample, String> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        samples.push(run(&mut make())?);
    }
    samples.sort_by_key(|s| s.wall);
    let median = samples[samples.len() / 2].wall;
    let peak = samples.iter().map(|s| s.peak_rss).max().unwrap_or(0);
    Ok(Sample {
        wall: median,
        peak_rss: peak,
    })
}
