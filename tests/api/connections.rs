//! The server's connection limits (`runbook::net`, under both `runbook api`
//! and `runbook serve`), with short limits on 127.0.0.1: half-open and
//! trickling clients are closed after the header timeout, a client that
//! stops reading lets go of its slot after the idle timeout, and a
//! keep-alive connection does not delay shutdown.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use runbook::net::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

const SHORT: Limits = Limits {
    header_read: Duration::from_secs(1),
    idle: Duration::from_secs(2),
    max_connections: 64,
    grace: Duration::from_secs(2),
};

/// Serves `router` with `limits` until the returned sender is used or dropped.
async fn start(router: Router, limits: Limits) -> (SocketAddr, oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(runbook::net::serve(listener, router, limits, async move {
        let _ = stopped.await;
    }));
    (addr, stop)
}

async fn demo_api() -> Router {
    let site =
        runbook::config::SiteConfig::load(&crate::support::workspace().join("tests/fixtures/api"))
            .unwrap();
    runbook::api::app(runbook::api::ApiState::demo(&site.live, Default::default()))
}

/// Reads until the server closes the connection; `None` if it is still
/// open at `deadline`.
async fn closed_by(stream: &mut TcpStream, deadline: Instant) -> Option<Instant> {
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(Instant::now()),
            Ok(Ok(_)) => {}
        }
    }
}

async fn get_ok(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut text = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut text))
        .await
        .expect("an answer within 10 s")
        .unwrap();
    text
}

/// Before: `axum::serve` held every one of these until the client left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_connections_are_closed_after_the_header_timeout() {
    let (addr, _stop) = start(demo_api().await, SHORT).await;
    let opened = Instant::now();
    let mut sockets = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"GET /api/v1/sl").await.unwrap();
        sockets.push(stream);
    }
    let deadline = opened + SHORT.header_read + Duration::from_secs(3);
    for (n, stream) in sockets.iter_mut().enumerate() {
        let closed = closed_by(stream, deadline).await;
        let closed = closed.unwrap_or_else(|| panic!("connection {n} still open after 4 s"));
        assert!(
            closed >= opened + SHORT.header_read - Duration::from_millis(50),
            "closed before the timeout"
        );
    }
    // The server still answers.
    assert!(get_ok(addr, "/api/healthz")
        .await
        .starts_with("HTTP/1.1 200"));
}

/// Before: a byte every 200 ms kept the connection open for as long as
/// the client liked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickling_request_head_is_cut_off() {
    let (addr, _stop) = start(demo_api().await, SHORT).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    let head = b"GET /api/v1/slos HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut cut = None;
    for byte in head.iter() {
        if stream.write_all(&[*byte]).await.is_err() {
            cut = Some(started.elapsed());
            break;
        }
        let mut buf = [0u8; 512];
        match tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf)).await {
            Err(_) => {}
            Ok(Ok(_)) | Ok(Err(_)) => {
                cut = Some(started.elapsed());
                break;
            }
        }
    }
    let cut = cut.expect("the server kept a trickling client for the whole head (14 s)");
    assert!(
        cut >= SHORT.header_read - Duration::from_millis(50) && cut < Duration::from_secs(4),
        "closed after {cut:?}"
    );
}

/// With one slot, a client that asks for a large answer and never reads
/// it holds the slot only until the idle timeout; then the next client is
/// served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_lets_go_of_its_slot() {
    let big = "x".repeat(32 << 20);
    let router = Router::new()
        .route("/big", get(move || std::future::ready(big.clone())))
        .route("/small", get(|| async { "small" }));
    let limits = Limits {
        max_connections: 1,
        ..SHORT
    };
    let (addr, _stop) = start(router, limits).await;
    let mut stuck = TcpStream::connect(addr).await.unwrap();
    stuck
        .write_all(b"GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let answer = get_ok(addr, "/small").await;
    let waited = started.elapsed();
    assert!(answer.ends_with("small"), "{answer}");
    // It waited for the stuck client's slot, and not much longer.
    assert!(
        waited >= limits.idle - Duration::from_millis(400)
            && waited < limits.idle + Duration::from_secs(3),
        "served after {waited:?}"
    );
    drop(stuck);
}

/// An idle keep-alive connection does not hold up shutdown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_idle_connections() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let limits = Limits {
        header_read: Duration::from_secs(30),
        idle: Duration::from_secs(30),
        grace: Duration::from_secs(20),
        ..SHORT
    };
    let server = tokio::spawn(runbook::net::serve(
        listener,
        demo_api().await,
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(format!("GET /api/healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = kept.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let started = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops within 5 s with a keep-alive connection open")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        closed_by(&mut kept, Instant::now() + Duration::from_secs(2))
            .await
            .is_some()
    );
}
