//! SLO figures from a real Prometheus: Debian's `prometheus` over a TSDB
//! backfilled by `promtool tsdb create-blocks-from openmetrics` with traffic
//! whose SLIs are known exactly, queried through the API.
//!
//! The data: 2000 requests a minute for 31 days (15-minute samples, then
//! 1-minute samples over the last 6.5 hours). 5xx are 1 a minute, except 40
//! a minute over the last two hours (the incident). 94% of requests are
//! under 0.5 s throughout. The API's clock is pinned 30 s after the last
//! sample, so no window edge falls on a sample and every window's sample
//! set is unambiguous.
//!
//! Every series shares its timestamps, so `increase()`'s extrapolation
//! scales numerator and denominator alike and SLIs are exact ratios of
//! counter deltas (counters start high, so the extrapolation is never
//! clamped at zero).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use runbook::api::clock::Clock;
use runbook_widgets::contract::{AlertLevel, SloStatus};

use crate::common::run_ok;
use crate::support::{app, get_path};
use crate::upstream::{installed, Upstream};

const MINUTE: i64 = 60;
const FINE: i64 = 390; // minutes of 1-minute samples at the end
const COARSE_STEP: i64 = 15; // minutes
const DAYS: i64 = 31;
const INCIDENT: i64 = 120; // minutes
const TOTAL_PER_MIN: f64 = 2000.0;
const START: f64 = 1e8;

/// The sample instants, oldest first, as minutes before the last one.
fn sample_minutes() -> Vec<i64> {
    let coarse_start = DAYS * 1440;
    let mut minutes: Vec<i64> = (0..)
        .map(|k| coarse_start - k * COARSE_STEP)
        .take_while(|m| *m > FINE)
        .collect();
    minutes.extend((0..=FINE).rev());
    minutes
}

/// Counter values at a sample `m` minutes before the end: increments are
/// charged to the interval ending at each sample, by that sample's regime.
struct Counters {
    ok: Vec<f64>,
    err: Vec<f64>,
}

fn counters(minutes: &[i64]) -> Counters {
    let (mut ok, mut err) = (vec![START], vec![START]);
    for pair in minutes.windows(2) {
        let span = (pair[0] - pair[1]) as f64;
        let errors_per_min = if pair[1] < INCIDENT { 40.0 } else { 1.0 };
        err.push(err.last().unwrap() + span * errors_per_min);
        ok.push(ok.last().unwrap() + span * (TOTAL_PER_MIN - errors_per_min));
    }
    Counters { ok, err }
}

/// The exact 5xx share over `[t - window, t]`, `t` 30 s after the end.
fn error_share(minutes: &[i64], c: &Counters, window_minutes: f64) -> f64 {
    // Sample `m` minutes before the end is in the window when
    // m * 60 <= window * 60 - 30.
    let inside: Vec<usize> = (0..minutes.len())
        .filter(|&i| (minutes[i] * MINUTE) as f64 <= window_minutes * 60.0 - 30.0)
        .collect();
    let (first, last) = (inside[0], *inside.last().unwrap());
    let errors = c.err[last] - c.err[first];
    let total = errors + c.ok[last] - c.ok[first];
    errors / total
}

fn openmetrics(end: i64, minutes: &[i64], c: &Counters) -> String {
    let mut out = String::new();
    out.push_str("# TYPE http_requests counter\n");
    for (i, m) in minutes.iter().enumerate() {
        let t = end - m * MINUTE;
        out.push_str(&format!(
            "http_requests_total{{job=\"tekutoko-api\",code=\"200\"}} {} {t}\n",
            c.ok[i]
        ));
        out.push_str(&format!(
            "http_requests_total{{job=\"tekutoko-api\",code=\"500\"}} {} {t}\n",
            c.err[i]
        ));
    }
    out.push_str("# TYPE http_request_duration_seconds histogram\n");
    for (i, m) in minutes.iter().enumerate() {
        let t = end - m * MINUTE;
        let total = c.ok[i] + c.err[i] - 2.0 * START;
        let bucket = |le: &str, share: f64| {
            format!(
                "http_request_duration_seconds_bucket{{job=\"tekutoko-api\",le=\"{le}\"}} {} {t}\n",
                START + total * share
            )
        };
        out.push_str(&bucket("0.25", 0.80));
        out.push_str(&bucket("0.5", 0.94));
        out.push_str(&bucket("1", 0.99));
        out.push_str(&bucket("+Inf", 1.0));
        out.push_str(&format!(
            "http_request_duration_seconds_count{{job=\"tekutoko-api\"}} {} {t}\n",
            START + total
        ));
        out.push_str(&format!(
            "http_request_duration_seconds_sum{{job=\"tekutoko-api\"}} {} {t}\n",
            total * 0.3
        ));
    }
    out.push_str("# EOF\n");
    out
}

/// Debian's `name` (prometheus, promtool), which `prometheus` installs.
fn binary(name: &str) -> PathBuf {
    installed(name, "a real Prometheus", "prometheus")
}

/// `data` (OpenMetrics) backfilled by promtool into a TSDB in a new
/// folder: the folder and the TSDB's path. Slow: minutes of CPU.
fn backfill(data: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("data.om");
    std::fs::File::create(&input)
        .unwrap()
        .write_all(data.as_bytes())
        .unwrap();
    let tsdb = dir.path().join("tsdb");
    run_ok(
        Command::new(binary("promtool"))
            .args(["tsdb", "create-blocks-from", "openmetrics"])
            .arg(&input)
            .arg(&tsdb),
    );
    (dir, tsdb)
}

/// Prometheus over the TSDB `tsdb` in `dir`, ready.
async fn start_prometheus(dir: tempfile::TempDir, tsdb: &Path) -> Upstream {
    let config = dir.path().join("prometheus.yml");
    std::fs::write(&config, "global: {}\n").unwrap();
    Upstream::start(dir, Duration::from_secs(60), |port| {
        let mut command = Command::new(binary("prometheus"));
        command
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", tsdb.display()))
            .arg("--storage.tsdb.retention.time=400d")
            .arg(format!("--web.listen-address=127.0.0.1:{port}"));
        command
    })
    .await
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

fn config(url: &str) -> String {
    format!(
        r#"backend: live
prometheus:
  url: {url}
cache:
  ttl_seconds: 60
  upstream_timeout_seconds: 20
slos:
  availability:
    title: 可用性 (99.9%)
    objective: 0.999
    indicator:
      bad: http_requests_total{{job="tekutoko-api",code=~"5.."}}
      total: http_requests_total{{job="tekutoko-api"}}
  latency:
    title: レイテンシ
    objective: 0.95
    indicator:
      good: http_request_duration_seconds_bucket{{job="tekutoko-api",le="0.5"}}
      total: http_request_duration_seconds_count{{job="tekutoko-api"}}
    latency:
      histogram: http_request_duration_seconds_bucket{{job="tekutoko-api"}}
      quantile: 0.95
      threshold_seconds: 0.5
  error_rate:
    title: エラー率
    objective: 0.99
    indicator:
      bad: http_requests_total{{job="tekutoko-api",code=~"5.."}}
      total: http_requests_total{{job="tekutoko-api"}}
"#
    )
}

fn rate(slo: &SloStatus, window: &str) -> f64 {
    slo.burn_rates
        .iter()
        .find(|r| r.window == window)
        .unwrap()
        .rate
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slo_figures_from_a_backfilled_prometheus() {
    // The data ends on a whole hour, an hour ago: inside retention, and
    // already in the past for Prometheus.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let end = now - now % 3600 - 3600;
    let minutes = sample_minutes();
    let c = counters(&minutes);
    let (dir, tsdb) = tokio::task::spawn_blocking({
        let data = openmetrics(end, &minutes, &c);
        move || backfill(&data)
    })
    .await
    .unwrap();
    let prometheus = start_prometheus(dir, &tsdb).await;
    let app = app(&config(&prometheus.url), Clock::fixed(end + 30)).await;

    let slo = |id: &str| {
        let app = app.clone();
        let id = id.to_string();
        async move {
            let reply = get_path(&app, &format!("/api/v1/slos/{id}")).await;
            reply.answer::<SloStatus>()
        }
    };

    // Availability: 2% errors over the last 2 h burn a 0.1% budget 20×.
    let a = slo("availability").await;
    assert_eq!(
        (a.source.as_str(), a.demo, a.stale),
        ("prometheus", false, false)
    );
    assert_eq!(
        a.generated_at,
        runbook_widgets::timestamp::format_rfc3339(end + 30)
    );
    for window in ["5m", "30m", "1h"] {
        assert!(
            close(rate(&a.data, window), 20.0),
            "{window}: {}",
            rate(&a.data, window)
        );
    }
    // 6h: 120 incident minutes (40 errors) and 239 normal ones (1 error)
    // out of 359 one-minute intervals of 2000 requests.
    let six_hours = (120.0 * 40.0 + 239.0) / (359.0 * 2000.0);
    assert!(close(error_share(&minutes, &c, 360.0), six_hours));
    assert!(
        close(rate(&a.data, "6h"), six_hours / 0.001),
        "{}",
        rate(&a.data, "6h")
    );
    let three_days = error_share(&minutes, &c, 3.0 * 1440.0);
    assert!(close(rate(&a.data, "3d"), three_days / 0.001));
    let month = error_share(&minutes, &c, 30.0 * 1440.0);
    assert!(close(a.data.sli.unwrap(), 1.0 - month));
    assert!(close(a.data.error_budget.total_minutes, 43.2));
    assert!(close(
        a.data.error_budget.remaining_ratio,
        1.0 - month / 0.001
    ));
    assert!(close(
        a.data.error_budget.remaining_minutes,
        (1.0 - month / 0.001) * 43.2
    ));
    assert_eq!(a.data.alert.level, AlertLevel::Page);
    assert_eq!(a.data.alert.rule.as_deref(), Some("fast_burn"));
    // The sparkline: 48 half-hours ending at the clock, the last inside
    // the incident, the first in normal traffic.
    let points = &a.data.series.points;
    assert_eq!(points.len(), 48);
    assert_eq!(points.last().unwrap().t, end + 30);
    assert!(close(points.last().unwrap().sli.unwrap(), 0.98));
    assert!(
        close(points[0].sli.unwrap(), 1.0 - 1.0 / 2000.0),
        "{:?}",
        points[0]
    );

    // Error rate, same errors against a 1% budget: 2× over the short
    // windows, under 1× over 6h, so neither a page nor a ticket.
    let e = slo("error_rate").await;
    assert!(close(rate(&e.data, "1h"), 2.0));
    assert!(close(rate(&e.data, "6h"), six_hours / 0.01));
    assert_eq!(e.data.alert.level, AlertLevel::Ok);

    // Latency: 6% of requests are slow against a 5% budget, all month:
    // 1.2× in every window, a ticket; p95 interpolates to 0.6 s between
    // the 0.5 s (94%) and 1 s (99%) buckets.
    let l = slo("latency").await;
    assert!(close(l.data.sli.unwrap(), 0.94));
    for window in ["5m", "30m", "1h", "6h", "3d"] {
        assert!(close(rate(&l.data, window), 1.2), "{window}");
    }
    assert!(close(l.data.error_budget.remaining_minutes, -0.2 * 2160.0));
    assert_eq!(l.data.alert.level, AlertLevel::Ticket);
    let latency = l.data.latency.as_ref().unwrap();
    assert!(close(latency.current_seconds.unwrap(), 0.6), "{latency:?}");
    assert_eq!(latency.threshold_seconds, 0.5);

    // The list carries all three, not stale.
    let list = get_path(&app, "/api/v1/slos").await.json();
    assert_eq!(list["data"]["slos"].as_array().unwrap().len(), 3);
    assert_eq!(list["stale"], false);

    // The series stops: two hours after its last sample (every pod down,
    // the app emits nothing), the short windows hold no events while 6h
    // and 3d still do. That is "no data", never "ok".
    let later = crate::support::app(&config(&prometheus.url), Clock::fixed(end + 2 * 3600)).await;
    let reply = get_path(&later, "/api/v1/slos/availability").await;
    let silent = reply.answer::<SloStatus>();
    for window in ["5m", "30m", "1h"] {
        let rate = silent.data.burn_rates.iter().find(|r| r.window == window);
        assert_eq!(rate.and_then(|r| r.rate), None, "{window}: {rate:?}");
    }
    assert!(rate(&silent.data, "6h") > 0.0);
    assert_eq!(silent.data.alert.level, AlertLevel::NoData);
    assert_eq!(silent.data.alert.rule, None);
    assert!(
        silent.data.alert.reason.contains("5m, 30m, 1h"),
        "{}",
        silent.data.alert.reason
    );
    let json = reply.json();
    assert_eq!(json["data"]["alert"]["level"], "no_data");
    drop(prometheus);
}
