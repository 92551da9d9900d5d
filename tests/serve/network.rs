//! The preview's network rules: it answers only to its own address and
//! `localhost` (DNS rebinding), its live-reload socket only to its own
//! pages, and a half-open connection is closed after the header timeout.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::{assert_contains, raw_get};
use crate::harness::{Server, BASE};

/// The status of a GET naming `host`, and the whole answer.
fn status_with_host(port: u16, path: &str, host: &str) -> (u16, String) {
    let text = raw_get(port, path, host);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Before: any `Host` was served, so a page on evil.example rebound to
/// 127.0.0.1 could read the preview and its API.
#[test]
fn pages_and_the_api_answer_only_their_own_host() {
    let server = Server::start(&[]);
    let port = server.port;
    for path in [
        BASE.to_string(),
        "/api/v1/slos".to_string(),
        "/__runbook/client.js".to_string(),
    ] {
        for host in [
            format!("evil.example:{port}"),
            format!("127.0.0.1.nip.io:{port}"),
        ] {
            let (status, text) = status_with_host(port, &path, &host);
            assert_eq!(status, 403, "{path} for {host}: {text}");
            assert_contains(&text, &format!("http://localhost:{port}/"));
        }
        for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
            let (status, text) = status_with_host(port, &path, &host);
            assert_ne!(status, 403, "{path} for {host}: {text}");
        }
    }
}

/// Before: the live-reload socket accepted a handshake from any origin.
#[test]
fn live_reload_takes_only_this_server_s_pages() {
    let server = Server::start(&[]);
    let port = server.port;
    let handshake = |origin: &str| {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        let request = tungstenite::http::Request::builder()
            .uri(format!("ws://127.0.0.1:{port}/__runbook/live?since=0"))
            .header("Host", format!("127.0.0.1:{port}"))
            .header("Origin", origin)
            .header("Connection", "Upgrade")
            .header("Upgrade", "websocket")
            .header("Sec-WebSocket-Version", "13")
            .header(
                "Sec-WebSocket-Key",
                tungstenite::handshake::client::generate_key(),
            )
            .body(())
            .unwrap();
        // The refusal's status, or `None` for any other failure.
        tungstenite::client(request, stream)
            .map(|_| ())
            .map_err(|e| match e {
                tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response)) => {
                    Some(response.status().as_u16())
                }
                _ => None,
            })
    };
    assert_eq!(
        handshake("http://evil.example"),
        Err(Some(403)),
        "a foreign page's socket is refused"
    );
    handshake(&format!("http://127.0.0.1:{port}")).expect("the server's own page connects");
}

/// Before: `runbook serve` held a connection that never finished its
/// request for as long as the client kept it. The preview's header
/// timeout is 10 s; 20 connections, 15 s at most.
#[test]
fn half_open_connections_are_closed_after_the_header_timeout() {
    let server = Server::start(&[]);
    let port = server.port;
    let opened = Instant::now();
    let mut sockets: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream.write_all(b"GET /Fixture/ HT").unwrap();
            stream
        })
        .collect();
    // Meanwhile the preview answers everyone else.
    assert_eq!(server.get(BASE).status, 200);
    let deadline = opened + Duration::from_secs(15);
    for (n, stream) in sockets.iter_mut().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    panic!("connection {n} still open after {:?}", opened.elapsed())
                }
                Err(_) => break,
            }
        }
    }
    assert!(opened.elapsed() >= Duration::from_secs(9), "closed early");
}
