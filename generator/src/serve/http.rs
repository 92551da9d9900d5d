//! HTTP: the in-memory site under its base path, as GitHub Pages would
//! serve it, plus the live-reload endpoints and the read-only API.
//!
//! Every request reads the snapshot once, so a page and the answer to its
//! next request may come from different builds, but never one response
//! from two.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt as _;

use super::hosts;
use super::livereload::{self, LiveState, CLIENT_JS, CLIENT_PATH, LIVE_PATH};
use super::snapshot::Snapshot;
use crate::api::error::ApiError;

/// Every path, the API's included, behind the `Host` check.
pub fn router(state: LiveState) -> Router {
    let names = state.hosts;
    Router::new()
        .route(CLIENT_PATH, get(client_js))
        .route(LIVE_PATH, get(livereload::live))
        .fallback(site)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(names, hosts::guard))
}

async fn client_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        CLIENT_JS,
    )
        .into_response()
}

async fn site(State(state): State<LiveState>, request: Request) -> Response {
    let snapshot = state.site.borrow().clone();
    let raw = request.uri().path().to_string();
    if let Some(rest) = api_path(&raw, &snapshot.base_path) {
        return api(&snapshot, rest, request).await;
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let Some(path) = percent_decode(&raw) else {
        return not_found(&snapshot, "");
    };
    let base = snapshot.base_path.as_str();
    // A published site's offline copy registered from this address (at
    // its base path or at the root) asks here for its worker again.
    if path == format!("{base}{}", crate::offline::WORKER) || path == "/sw.js" {
        return retire_worker();
    }
    // The preview lives where the published site will: `/` leads there.
    if base != "/" && (path == "/" || path == base.trim_end_matches('/')) {
        return Redirect::temporary(base).into_response();
    }
    let Some(rel) = path.strip_prefix(base) else {
        return not_found(&snapshot, "");
    };
    if snapshot.generation == 0 {
        return first_build_failed(&snapshot, rel);
    }
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(bytes) = snapshot.get(&file) {
        return respond(&snapshot, &file, bytes, StatusCode::OK);
    }
    // `db` names a folder with an index page: GitHub Pages redirects too,
    // so relative links inside it resolve.
    if snapshot.contains(&format!("{file}/index.html")) {
        return Redirect::permanent(&format!("{raw}/")).into_response();
    }
    not_found(&snapshot, &file)
}

/// The part after `{base}api` or `/api`, when the request is for the API.
fn api_path<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    let base_api = format!("{base}api");
    [base_api.as_str(), "/api"].iter().find_map(|prefix| {
        let rest = path.strip_prefix(prefix)?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    })
}

/// Hands the request to the API's router, mounted where `rest` starts.
async fn api(snapshot: &Snapshot, rest: &str, request: Request) -> Response {
    // The API's refusals are JSON, as its own are.
    let refuse = |error: ApiError| error.into_response_at(crate::api::clock::Clock::system().now());
    let Some(router) = snapshot.api.clone() else {
        // It starts with the first good build.
        return refuse(ApiError::Unavailable {
            retry_after_seconds: 1,
        });
    };
    let (mut parts, body) = request.into_parts();
    let path_and_query = match parts.uri.query() {
        Some(query) => format!("{}?{query}", if rest.is_empty() { "/" } else { rest }),
        None => if rest.is_empty() { "/" } else { rest }.to_string(),
    };
    parts.uri = match Uri::builder().path_and_query(path_and_query).build() {
        Ok(uri) => uri,
        Err(_) => return refuse(ApiError::BadRequest),
    };
    match router.oneshot(Request::from_parts(parts, body)).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

fn respond(snapshot: &Snapshot, file: &str, bytes: &Bytes, status: StatusCode) -> Response {
    let content_type = content_type(file);
    let body = if content_type.starts_with("text/html") {
        Body::from(livereload::inject(bytes, file, snapshot))
    } else {
        Body::from(bytes.clone())
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // A preview must never show yesterday's page from the cache.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The site's own 404 page, with the live-reload script: when the missing
/// page is created, the tab reloads into it.
fn not_found(snapshot: &Snapshot, file: &str) -> Response {
    match snapshot.get("404.html") {
        Some(page) => {
            let mut response = respond(snapshot, "404.html", page, StatusCode::NOT_FOUND);
            let body = livereload::inject(page, file, snapshot);
            *response.body_mut() = Body::from(body);
            response
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// Before any build succeeded there is no last good page: show the error
/// as text (readable without JS), and let the overlay and reload take over.
fn first_build_failed(snapshot: &Snapshot, rel: &str) -> Response {
    let text = snapshot
        .error
        .as_ref()
        .map(|e| e.text.clone())
        .unwrap_or_else(|| "building…".to_string());
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Build failed</title></head>\
         <body><h1>runbook serve: the site does not build yet</h1><pre>{}</pre></body></html>",
        crate::render::escape(&text)
    );
    let file = if rel.is_empty() { "index.html" } else { rel };
    let body = livereload::inject(html.as_bytes(), file, snapshot);
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The preview's `sw.js`: a worker that unregisters itself and deletes
/// the offline copies (retire_worker.js). The preview never registers a
/// worker of its own.
fn retire_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        RETIRE_WORKER,
    )
        .into_response()
}

const RETIRE_WORKER: &str = include_str!("retire_worker.js");

/// The types a runbook site holds; anything else is a download.
fn content_type(file: &str) -> &'static str {
    let extension = file.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// `%E6%97%A5` → `日`; `None` for invalid escapes or UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::snapshot::{Files, Publisher};
    use crate::testing::assert_starts_with;
    use std::sync::Arc;
    use tokio::sync::watch;

    fn app(base: &str, files: &[(&str, &str)]) -> Router {
        let (publisher, site) = Publisher::new(base.into());
        let files: Files = files
            .iter()
            .map(|(p, b)| (p.to_string(), Bytes::from(b.to_string())))
            .collect();
        publisher.succeed(Arc::new(files), base.into(), None);
        std::mem::forget(publisher);
        let (_, shutdown) = watch::channel(false);
        let hosts = hosts::Hosts::new("127.0.0.1:3000".parse().unwrap());
        router(LiveState {
            site,
            shutdown,
            hosts,
        })
    }

    async fn get(app: &Router, path: &str) -> (StatusCode, String, String) {
        let response = app
            .clone()
            .oneshot(
                Request::get(path)
                    .header(header::HOST, "127.0.0.1:3000")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            location,
            String::from_utf8_lossy(&body).into_owned(),
        )
    }

    #[tokio::test]
    async fn the_site_is_served_under_its_base_path() {
        let app = app(
            "/Toko/",
            &[
                ("index.html", "<body>home</body>"),
                ("db/index.html", "<body>db</body>"),
                ("日本語.html", "<body>ja</body>"),
                ("assets/style.css", "body{}"),
                ("404.html", "<body>missing</body>"),
            ],
        );
        let (status, location, _) = get(&app, "/").await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::TEMPORARY_REDIRECT, "/Toko/")
        );
        let (status, _, body) = get(&app, "/Toko/").await;
        assert_eq!(status, StatusCode::OK);
        assert_starts_with(&body, "<body>home<script src=\"/__runbook/client.js\"");
        assert!(body.contains("data-file=\"index.html\""));
        let (_, _, body) = get(&app, "/Toko/db/").await;
        assert!(body.contains("data-file=\"db/index.html\""));
        let (status, location, _) = get(&app, "/Toko/db").await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::PERMANENT_REDIRECT, "/Toko/db/")
        );
        let (_, _, body) = get(&app, "/Toko/%E6%97%A5%E6%9C%AC%E8%AA%9E.html").await;
        assert!(body.starts_with("<body>ja"));
        let (status, _, body) = get(&app, "/Toko/assets/style.css").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "body{}"));
        let (status, _, body) = get(&app, "/Toko/nope.html").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("missing") && body.contains("data-file=\"nope.html\""));
        let (status, _, _) = get(&app, "/index.html").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn sw_js_is_a_worker_that_removes_itself_at_the_base_path_and_the_root() {
        let app = app("/Toko/", &[("index.html", "<body>home</body>")]);
        for path in ["/Toko/sw.js", "/sw.js"] {
            let (status, _, body) = get(&app, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(
                body.contains("self.registration.unregister()"),
                "{path}: {body}"
            );
            assert!(
                !body.contains("\"fetch\""),
                "{path}: it must answer nothing"
            );
        }
    }

    #[test]
    fn api_paths_are_recognised_under_the_base_path_and_at_the_root() {
        assert_eq!(api_path("/Toko/api/v1/slos", "/Toko/"), Some("/v1/slos"));
        assert_eq!(api_path("/api/v1/slos", "/Toko/"), Some("/v1/slos"));
        assert_eq!(api_path("/api", "/"), Some(""));
        assert_eq!(api_path("/Toko/apiary.html", "/Toko/"), None);
    }
}
