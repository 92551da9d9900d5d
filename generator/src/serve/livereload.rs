//! Live reload: the WebSocket that tells open pages a rebuild finished (or
//! failed), and the script injected into every HTML response to listen.
//!
//! Each page says which build it was served from (`since`); the socket
//! answers with the output paths changed after it, and the page reloads
//! only when one of them is its own or a resource it loaded. Messages go
//! out only after a rebuild was swapped in, so a reload never meets a
//! half-built site. A WebSocket rather than SSE: SSE holds one of the
//! browser's six HTTP/1.1 connections per host, and a writer with seven
//! tabs open would find the seventh never loading.
//!
//! Only the server's own pages may connect (see [`super::hosts`]). An
//! open socket is pinged every [`PING_EVERY`]; one that has said nothing
//! (not even the browser's automatic pong) for [`SILENT_FOR`], or does not
//! take a message within [`SEND_WITHIN`], is closed: a sleeping laptop's
//! tab does not hold a connection forever.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::time::Instant;

use super::hosts::{self, Hosts};
use super::overlay::ErrorReport;
use super::snapshot::Snapshot;

pub const PING_EVERY: Duration = Duration::from_secs(20);
pub const SILENT_FOR: Duration = Duration::from_secs(60);
pub const SEND_WITHIN: Duration = Duration::from_secs(10);

/// Where the client script is served, outside any base path.
pub const CLIENT_PATH: &str = "/__runbook/client.js";
/// The WebSocket endpoint the client connects to.
pub const LIVE_PATH: &str = "/__runbook/live";
pub const CLIENT_JS: &str = include_str!("client.js");

/// What the socket sends.
#[derive(Debug, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Event {
    /// A rebuild was swapped in. `changed` lists output paths whose bytes
    /// changed since the page's build; `None` means "assume everything".
    Built {
        generation: u64,
        changed: Option<Vec<String>>,
    },
    /// The latest rebuild failed; the last good site is still served.
    Failed { report: ErrorReport },
}

#[derive(Debug, Deserialize)]
pub struct LiveQuery {
    /// The generation the page was served from.
    #[serde(default)]
    since: u64,
    #[serde(default)]
    session: String,
}

/// What the live-reload endpoint needs.
#[derive(Clone)]
pub struct LiveState {
    pub site: watch::Receiver<Arc<Snapshot>>,
    /// Turns true on Ctrl-C: open sockets close so shutdown does not wait.
    pub shutdown: watch::Receiver<bool>,
    /// The names the server answers to.
    pub hosts: Hosts,
}

pub async fn live(
    upgrade: WebSocketUpgrade,
    Query(query): Query<LiveQuery>,
    State(state): State<LiveState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let origin = headers
        .get(header::ORIGIN)
        .map(|o| o.to_str().unwrap_or(""));
    let host = hosts::request_host(&headers, &uri).unwrap_or("");
    if !hosts::same_origin(origin, host) {
        return (
            StatusCode::FORBIDDEN,
            "live reload is for this server's own pages only\n",
        )
            .into_response();
    }
    upgrade.on_upgrade(move |socket| talk(socket, state, query))
}

async fn talk(mut socket: WebSocket, state: LiveState, query: LiveQuery) {
    let LiveState {
        mut site,
        mut shutdown,
        ..
    } = state;
    let first = site.borrow_and_update().clone();
    // A page from an earlier server process, or from before the first
    // good build, cannot know what changed: it reloads on the first news.
    let mut seen = if query.session == first.session && query.since > 0 {
        Some(query.since)
    } else {
        None
    };
    if seen.is_none() && first.generation > 0 {
        if send(&mut socket, &built(first.generation, None))
            .await
            .is_err()
        {
            return;
        }
        seen = Some(first.generation);
    }
    let mut shown: Option<usize> = None;
    let mut snapshot = first;
    let mut heard = Instant::now();
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    loop {
        for event in news(&snapshot, &mut seen, &mut shown) {
            if send(&mut socket, &event).await.is_err() {
                return;
            }
        }
        tokio::select! {
            changed = site.changed() => {
                if changed.is_err() {
                    break;
                }
                snapshot = site.borrow_and_update().clone();
            }
            _ = shutdown.changed() => break,
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => heard = Instant::now(),
            },
            _ = ping.tick() => {
                if heard.elapsed() >= SILENT_FOR {
                    break;
                }
                let pinged = tokio::time::timeout(SEND_WITHIN, socket.send(Message::Ping(Default::default())));
                if !matches!(pinged.await, Ok(Ok(()))) {
                    return;
                }
            }
        }
    }
    let _ = tokio::time::timeout(SEND_WITHIN, socket.send(Message::Close(None))).await;
}

/// What a page that has seen generation `seen` and overlay `shown` must
/// be told about `snapshot`. Errors are told apart by their `Arc`'s
/// address (as a number: the future must stay `Send`).
fn news(snapshot: &Snapshot, seen: &mut Option<u64>, shown: &mut Option<usize>) -> Vec<Event> {
    let mut events = Vec::new();
    match *seen {
        Some(since) if snapshot.generation > since => {
            let changed = snapshot
                .changes_since(since)
                .map(|paths| paths.into_iter().collect());
            events.push(built(snapshot.generation, changed));
            *seen = Some(snapshot.generation);
            *shown = None;
        }
        None if snapshot.generation > 0 => {
            events.push(built(snapshot.generation, None));
            *seen = Some(snapshot.generation);
            *shown = None;
        }
        _ => {}
    }
    match &snapshot.error {
        Some(report) if *shown != Some(Arc::as_ptr(report) as usize) => {
            events.push(Event::Failed {
                report: (**report).clone(),
            });
            *shown = Some(Arc::as_ptr(report) as usize);
        }
        _ => {}
    }
    events
}

fn built(generation: u64, changed: Option<Vec<String>>) -> Event {
    Event::Built {
        generation,
        changed,
    }
}

/// Sends `event`; an error when the peer does not take it within
/// [`SEND_WITHIN`] (it stopped reading).
async fn send(socket: &mut WebSocket, event: &Event) -> Result<(), ()> {
    let text = serde_json::to_string(event).unwrap_or_default();
    match tokio::time::timeout(SEND_WITHIN, socket.send(Message::Text(text.into()))).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

/// Adds the client script to an HTML page, before its last `</body>` (or
/// at the end when there is none). `file` is the page's output path.
pub fn inject(html: &[u8], file: &str, snapshot: &Snapshot) -> Vec<u8> {
    let tag = format!(
        r#"<script src="{CLIENT_PATH}" data-file="{}" data-generation="{}" data-session="{}" data-base="{}"></script>"#,
        runbook_widgets::html::escape(file),
        snapshot.generation,
        runbook_widgets::html::escape(&snapshot.session),
        runbook_widgets::html::escape(&snapshot.base_path),
    );
    let at = rfind_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::snapshot::{files, Publisher};

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let (publisher, _) = Publisher::new("/Toko/".into());
        let snapshot = publisher.current();
        let html = b"<html><body><p>a</p></BODY></html>";
        let out = String::from_utf8(inject(html, "db/\"x\".html", &snapshot)).unwrap();
        assert!(out.starts_with("<html><body><p>a</p><script src=\"/__runbook/client.js\""));
        assert!(out.contains("data-file=\"db/&quot;x&quot;.html\""));
        assert!(out.contains("data-base=\"/Toko/\""));
        assert!(out.ends_with("></script></BODY></html>"));
        let bare = String::from_utf8(inject(b"<p>no body", "a.html", &snapshot)).unwrap();
        assert!(bare.starts_with("<p>no body<script"));
    }

    #[test]
    fn a_page_hears_what_changed_since_its_build_and_each_error_once() {
        let (publisher, receiver) = Publisher::new("/".into());
        publisher.succeed(files(&[("a.html", "1"), ("b.html", "1")]), "/".into(), None);
        let mut seen = Some(1);
        let mut shown = None;
        assert!(news(&receiver.borrow(), &mut seen, &mut shown).is_empty());

        publisher.fail(ErrorReport::from_text("a.md:1:1: broken"));
        let events = news(&receiver.borrow(), &mut seen, &mut shown);
        assert!(matches!(&events[..], [Event::Failed { .. }]), "{events:?}");
        assert!(news(&receiver.borrow(), &mut seen, &mut shown).is_empty());

        publisher.succeed(files(&[("a.html", "2"), ("b.html", "1")]), "/".into(), None);
        let events = news(&receiver.borrow(), &mut seen, &mut shown);
        assert_eq!(
            events,
            vec![Event::Built {
                generation: 2,
                changed: Some(vec!["a.html".into()])
            }]
        );
    }

    #[test]
    fn a_page_from_before_any_good_build_reloads_on_the_first() {
        let (publisher, receiver) = Publisher::new("/".into());
        let mut seen = None;
        let mut shown = None;
        assert!(news(&receiver.borrow(), &mut seen, &mut shown).is_empty());
        publisher.succeed(files(&[("a.html", "1")]), "/".into(), None);
        let events = news(&receiver.borrow(), &mut seen, &mut shown);
        assert_eq!(
            events,
            vec![Event::Built {
                generation: 1,
                changed: None
            }]
        );
    }
}
