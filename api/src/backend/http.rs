//! The HTTP side shared by the upstreams that speak plain HTTP
//! (Prometheus, Alertmanager): one client with the configured headers and
//! timeout, a bearer token read from its file at every request (tokens
//! rotate), and bodies read up to a bound.

use std::path::PathBuf;

use indexmap::IndexMap;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use reqwest::{StatusCode, Url};

use super::UpstreamError;

/// Answers are a few series or a few hundred alerts; anything this large
/// is not ours.
pub(crate) const MAX_BODY: usize = 4 << 20;

pub(crate) struct HttpUpstream {
    client: reqwest::Client,
    bearer_token_file: Option<PathBuf>,
}

impl HttpUpstream {
    pub(crate) fn new(
        headers: &IndexMap<String, String>,
        bearer_token_file: Option<PathBuf>,
        timeout: std::time::Duration,
    ) -> Result<Self, UpstreamError> {
        crate::install_crypto_provider();
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| UpstreamError::Malformed(format!("header name: {e}")))?;
            let mut value = HeaderValue::from_str(value)
                .map_err(|e| UpstreamError::Malformed(format!("header value: {e}")))?;
            value.set_sensitive(true);
            map.insert(name, value);
        }
        let client = reqwest::Client::builder()
            .default_headers(map)
            .timeout(timeout)
            .user_agent(concat!("runbook-api/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| UpstreamError::Transport(e.to_string()))?;
        Ok(HttpUpstream {
            client,
            bearer_token_file,
        })
    }

    /// GETs `url`: its status and body, whatever the status.
    pub(crate) async fn get(&self, url: Url) -> Result<(StatusCode, Vec<u8>), UpstreamError> {
        let mut request = self.client.get(url);
        if let Some(path) = &self.bearer_token_file {
            let token =
                tokio::fs::read_to_string(path)
                    .await
                    .map_err(|source| UpstreamError::Io {
                        path: path.clone(),
                        source,
                    })?;
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| {
                    UpstreamError::Malformed("bearer token is not a header value".into())
                })?;
            value.set_sensitive(true);
            request = request.header(AUTHORIZATION, value);
        }
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(UpstreamError::Malformed("answer larger than 4 MiB".into()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, body))
    }
}

/// `base` + `path`, checked.
pub(crate) fn join(base: &str, path: &str, what: &str) -> Result<Url, UpstreamError> {
    Url::parse(&format!("{}{path}", base.trim_end_matches('/')))
        .map_err(|e| UpstreamError::Malformed(format!("{what} URL: {e}")))
}

fn transport(e: reqwest::Error) -> UpstreamError {
    if e.is_timeout() {
        UpstreamError::Timeout { seconds: 0.0 }
    } else {
        // Without the URL: it may carry credentials in userinfo.
        UpstreamError::Transport(e.without_url().to_string())
    }
}
