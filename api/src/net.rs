//! The HTTP server under `runbook api` and `runbook serve`: hyper's HTTP/1
//! connections with the limits `axum::serve` lacks, so that idle, half-open
//! and slow clients cannot pile up.
//!
//! - a request head must arrive within [`Limits::header_read`] of the
//!   connection opening or of the previous answer ending (hyper re-arms the
//!   timer whenever a keep-alive connection goes idle), so half-open and
//!   trickling connections are closed;
//! - a connection that moves no byte either way for [`Limits::idle`] is
//!   closed, so a client that stops reading its answer lets go of it;
//! - at most [`Limits::max_connections`] sockets are open at once (an
//!   upgraded WebSocket counts until it closes); past that, new ones wait
//!   in the kernel's accept queue;
//! - on shutdown no new connection is accepted, idle ones close at once,
//!   and answers in progress get [`Limits::grace`] to finish.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The bounds one server applies to its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time for a whole request head to arrive, from the connection's
    /// start or the end of its previous answer (the keep-alive idle time).
    pub header_read: Duration,
    /// A connection that moves no byte in either direction for this long is
    /// closed. At least `header_read`, or keep-alive idle would end here.
    pub idle: Duration,
    /// Open sockets at most, WebSockets included.
    pub max_connections: usize,
    /// How long answers in progress, and requests whose head is still
    /// arriving, may take to finish on shutdown (hyper waits for a head
    /// it has begun to read).
    pub grace: Duration,
}

impl Default for Limits {
    /// 10 s for a head is plenty for any real client (a browser sends it
    /// in one packet). 1,024 connections at most caps what a flood of
    /// half-open sockets can hold at about 30 MB (`bench/halfopen.py`:
    /// 3,000 took `axum::serve` from 38 to 132 MB, about 31 KB each). 5 s of grace is well inside
    /// Kubernetes' 30 s between SIGTERM and SIGKILL, and longer than any
    /// answer takes (the API waits at most 2 s for an upstream).
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(30),
            max_connections: 1024,
            grace: Duration::from_secs(5),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets
/// answers in progress finish within `limits.grace`.
pub async fn serve<F>(listener: TcpListener, app: Router, limits: Limits, shutdown: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let mut listener = listener;
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = watch::channel(false);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let (stream, _) = tokio::select! {
            // axum's accept: retries, and sleeps on EMFILE instead of spinning.
            accepted = axum::serve::Listener::accept(&mut listener) => accepted,
            _ = &mut shutdown => break,
        };
        // Answers are small and interactive: do not wait to fill a segment.
        let _ = stream.set_nodelay(true);
        let stream = Watched::new(stream, permit);
        let progress = stream.progress.clone();
        let connection = http
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()))
            .with_upgrades();
        tokio::spawn(drive(connection, progress, limits.idle, stopping.clone()));
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a permit until its socket closes: having them
    // all back means every connection is done.
    let all = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    let finished = tokio::time::timeout(limits.grace, slots.acquire_many(all)).await;
    if finished.is_err() {
        tracing::info!("closing connections still open after {:?}", limits.grace);
    }
}

/// Runs one connection until it ends, stalls past `idle`, or the server
/// stops (then it finishes the answer in progress and closes).
async fn drive<C>(
    connection: C,
    progress: Arc<Progress>,
    idle: Duration,
    mut stop: watch::Receiver<bool>,
) where
    C: Future + GracefulShutdown,
{
    let mut connection = std::pin::pin!(connection);
    let mut stopping = false;
    loop {
        let deadline = progress.last() + idle;
        tokio::select! {
            _ = connection.as_mut() => return,
            changed = stop.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    connection.as_mut().graceful_shutdown();
                }
            }
            _ = tokio::time::sleep_until(deadline) => {
                if progress.last() + idle <= Instant::now() {
                    tracing::debug!("closing a connection idle for {idle:?}");
                    return;
                }
            }
        }
    }
}

/// hyper's connection types each have their own `graceful_shutdown`.
trait GracefulShutdown {
    fn graceful_shutdown(self: Pin<&mut Self>);
}

impl<I, S, B> GracefulShutdown for http1::UpgradeableConnection<I, S>
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = B>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    B: hyper::body::Body + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fn graceful_shutdown(self: Pin<&mut Self>) {
        http1::UpgradeableConnection::graceful_shutdown(self);
    }
}

/// When a connection last moved a byte, in milliseconds since it opened.
struct Progress {
    opened: Instant,
    last_ms: AtomicU64,
}

impl Progress {
    fn last(&self) -> Instant {
        self.opened + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }

    fn mark(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }
}

/// A socket that records its progress and holds its connection slot for as
/// long as it lives (through an upgrade to a WebSocket, too).
struct Watched {
    stream: TcpStream,
    progress: Arc<Progress>,
    _slot: OwnedSemaphorePermit,
}

impl Watched {
    fn new(stream: TcpStream, slot: OwnedSemaphorePermit) -> Watched {
        let progress = Arc::new(Progress {
            opened: Instant::now(),
            last_ms: AtomicU64::new(0),
        });
        Watched {
            stream,
            progress,
            _slot: slot,
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.progress.mark();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.progress.mark();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.progress.mark();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Ctrl-C, or SIGTERM (Kubernetes on a rollout, a process manager): when
/// either server stops taking connections.
pub async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}
