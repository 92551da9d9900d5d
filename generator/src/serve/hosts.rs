//! Which `Host` and `Origin` the preview answers to: the address it is
//! bound to and `localhost`, and WebSockets from its own pages only.
//!
//! Without this, a page on any site could rename its own host to
//! 127.0.0.1 in DNS (DNS rebinding) and read the preview and its API as
//! same-origin, or open the live-reload socket from its own origin.
//! A rebinding needs a name, so an IP address is always safe to accept.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The names a request may give in its `Host`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hosts {
    bound: SocketAddr,
}

impl Hosts {
    pub fn new(bound: SocketAddr) -> Hosts {
        Hosts { bound }
    }

    /// `localhost`, the bound address, or, when bound to every address
    /// (`0.0.0.0`, `::`), any address: only names can be rebound. The port
    /// is not checked: a forwarded port may differ and cannot rebind.
    pub fn allows(&self, host: &str) -> bool {
        let Some(name) = host_name(host) else {
            return false;
        };
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        match name.parse::<IpAddr>() {
            Ok(ip) => self.bound.ip().is_unspecified() || ip == self.bound.ip(),
            Err(_) => false,
        }
    }

    /// Where the refusal tells the reader to go instead.
    fn suggestion(&self) -> String {
        format!("http://localhost:{}/", self.bound.port())
    }
}

/// The name part of a `Host` value (`[::1]:3000` → `::1`); `None` when it
/// is not a valid authority or carries user information.
fn host_name(host: &str) -> Option<String> {
    let authority: axum::http::uri::Authority = host.parse().ok()?;
    if authority.as_str().contains('@') {
        return None;
    }
    let name = authority.host();
    let name = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    Some(name.to_string())
}

/// The `Host` a request names: its header, or an absolute URI's authority.
pub fn request_host<'a>(headers: &'a HeaderMap, uri: &'a Uri) -> Option<&'a str> {
    match headers.get(header::HOST) {
        Some(value) => value.to_str().ok(),
        None => uri.authority().map(|a| a.as_str()),
    }
}

/// A WebSocket handshake's `Origin` is the page's: it must be this very
/// server (`http://` and the `Host` it asked for). Browsers always send
/// it; a client without one is not a browser page, so not a cross-site
/// risk, and may connect.
pub fn same_origin(origin: Option<&str>, host: &str) -> bool {
    match origin {
        None => true,
        Some(origin) => origin
            .strip_prefix("http://")
            .is_some_and(|rest| rest.eq_ignore_ascii_case(host)),
    }
}

/// The middleware: refuses a request for any other host with 403 and the
/// address to use instead.
pub async fn guard(State(hosts): State<Hosts>, request: Request, next: Next) -> Response {
    let allowed = request_host(request.headers(), request.uri()).is_some_and(|h| hosts.allows(h));
    if allowed {
        return next.run(request).await;
    }
    let message = format!(
        "runbook serve answers only to its own address and localhost \
         (protection against DNS rebinding); open {} instead\n",
        hosts.suggestion()
    );
    (
        StatusCode::FORBIDDEN,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        message,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_address_and_localhost_only() {
        let hosts = Hosts::new("127.0.0.1:3000".parse().unwrap());
        for good in ["127.0.0.1:3000", "localhost:3000", "LOCALHOST", "127.0.0.1"] {
            assert!(hosts.allows(good), "{good}");
        }
        for bad in [
            "evil.example:3000",
            "127.0.0.1.nip.io:3000",
            "localhost.evil.example",
            "10.0.0.7:3000",
            "user@127.0.0.1:3000",
            "",
            "127.0.0.1:3000/x",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }

    #[test]
    fn bound_to_every_address_any_address_but_no_other_name() {
        let hosts = Hosts::new("[::]:3000".parse().unwrap());
        assert!(hosts.allows("[::1]:3000"));
        assert!(hosts.allows("192.168.1.20:3000"));
        assert!(hosts.allows("localhost:3000"));
        assert!(!hosts.allows("printer.local:3000"));
    }

    #[test]
    fn websockets_from_this_server_s_pages_only() {
        assert!(same_origin(Some("http://127.0.0.1:3000"), "127.0.0.1:3000"));
        assert!(same_origin(None, "127.0.0.1:3000"));
        assert!(!same_origin(Some("http://evil.example"), "127.0.0.1:3000"));
        assert!(!same_origin(Some("null"), "127.0.0.1:3000"));
        assert!(!same_origin(
            Some("http://localhost:3000"),
            "127.0.0.1:3000"
        ));
        assert!(!same_origin(
            Some("https://127.0.0.1:3000"),
            "127.0.0.1:3000"
        ));
    }
}
