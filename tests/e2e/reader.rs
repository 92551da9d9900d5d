//! A built site read in headless Chromium: the browser, the address the
//! site is served at and how long a wait on its pages may take, so that a
//! browser test says which page it opens and what it waits for, not how.

use std::ops::Deref;
use std::time::Duration;

use crate::browser::{serve_folder, Browser};
use crate::site::TestSite;

/// How long a page served from the local disk may take to show what a
/// test waits for.
pub const WAIT: Duration = Duration::from_secs(10);

/// A browser reading one site. Derefs to its [`Browser`] for everything
/// else a test does (eval, click, cdp, the WebDriver client).
pub struct Reader {
    browser: Browser,
    base: String,
    patience: Duration,
}

impl Reader {
    /// Serves `site`'s output as a static host does and starts a browser
    /// to read it.
    pub async fn serving(site: &TestSite) -> Reader {
        Reader::at(serve_folder(&site.out), WAIT).await
    }

    /// Starts a browser to read the site served at `base`, whose waits
    /// give up after `patience`.
    pub async fn at(base: String, patience: Duration) -> Reader {
        Reader {
            browser: Browser::start().await,
            base,
            patience,
        }
    }

    /// Goes to `page`, an address relative to the site's root (a query
    /// and a fragment included).
    pub async fn open(&self, page: &str) {
        let url = format!("{}/{page}", self.base);
        self.browser
            .client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Goes to `page` and waits until `script` returns true: what a test
    /// expects to see there once the page's scripts have run.
    pub async fn open_until(&self, page: &str, script: &str) {
        self.open(page).await;
        self.wait_until(script).await;
    }

    /// Polls `script` until it returns true, or panics after the reader's
    /// patience.
    pub async fn wait_until(&self, script: &str) {
        self.browser.wait_for(script, self.patience).await;
    }

    /// Stores placeholder values where the page's form keeps them, for
    /// every page of the site opened after; a page of the site must be
    /// open.
    pub async fn store_placeholders(&self, values: serde_json::Value) {
        let stored = serde_json::Value::String(values.to_string());
        self.browser
            .eval(&format!(
                "localStorage.setItem('runbook-placeholders', {stored}); return true;"
            ))
            .await;
    }

    pub async fn close(self) {
        self.browser.close().await;
    }
}

impl Deref for Reader {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}
