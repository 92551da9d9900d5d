//! The live panels in the page: finds the slots the build wrote, fetches
//! their answers, refreshes every N seconds while the tab is visible and
//! pauses while it is hidden, and redraws through `dom`. What is shown is
//! decided by `crate::panel`; this file only moves bytes and nodes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    AbortController, Document, Element, RequestCache, RequestInit, Response, VisibilityState,
    Window,
};

use super::dom;
use crate::language::PanelWords;
use crate::panel::freshness::Failure;
use crate::panel::view::Node;
use crate::panel::{Panel, PanelSpec};

/// How often ages ("updated 12 s ago") are redrawn and due refreshes start.
const TICK_MS: i32 = 1_000;
/// A lower bound on the refresh interval, whatever the page says: a typo
/// in runbook.yaml must not turn every open runbook into a load test.
const MIN_REFRESH_SECONDS: u32 = 5;
const DEFAULT_REFRESH_SECONDS: u32 = 15;

/// One slot in the page and what it shows.
struct Mounted {
    panel: Panel,
    url: String,
    section: Element,
    state: Element,
    age: Element,
    announce: Element,
    body: Element,
    /// The body last drawn: an identical answer is not redrawn.
    shown: Option<Node>,
    in_flight: bool,
    last_request_ms: Option<f64>,
}

struct Inner {
    window: Window,
    document: Document,
    strings: &'static PanelWords,
    /// The site root relative to this page (`../`), for links to pages.
    root: String,
    refresh_seconds: u32,
    panels: Vec<Mounted>,
    interval: Option<i32>,
    tick: Option<Closure<dyn FnMut()>>,
    visibility: Option<Closure<dyn FnMut()>>,
    stopped: bool,
}

/// The running panels of a page. Dropping the JS handle does not stop
/// them; `stop()` does.
#[wasm_bindgen]
pub struct Panels {
    inner: Rc<RefCell<Inner>>,
}

#[wasm_bindgen]
impl Panels {
    /// How many slots this controller drives.
    pub fn count(&self) -> usize {
        self.inner.borrow().panels.len()
    }

    /// Stops refreshing and listening; what is on screen stays.
    pub fn stop(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.stopped = true;
        if let Some(handle) = inner.interval.take() {
            inner.window.clear_interval_with_handle(handle);
        }
        if let Some(listener) = inner.visibility.take() {
            let _ = inner.document.remove_event_listener_with_callback(
                "visibilitychange",
                listener.as_ref().unchecked_ref(),
            );
        }
        inner.tick = None;
    }
}

/// Finds every `section.panel[data-panel]` not yet started, reads the API
/// base and refresh interval from the page's meta tags, and starts them.
#[wasm_bindgen]
pub fn start_panels() -> Result<Panels, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let lang = document
        .document_element()
        .map(|e| e.get_attribute("lang").unwrap_or_default())
        .unwrap_or_default();
    let strings = &crate::language::for_tag(&lang).panels;
    let api = meta(&document, "runbook-api").unwrap_or_else(|| "api".to_string());
    let root = meta(&document, "runbook-root").unwrap_or_default();
    let refresh_seconds = meta(&document, "runbook-refresh")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(DEFAULT_REFRESH_SECONDS)
        .max(MIN_REFRESH_SECONDS);

    let mut panels = Vec::new();
    let slots = document.query_selector_all("section.panel[data-panel]")?;
    for i in 0..slots.length() {
        let Some(section) = slots.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if section.has_attribute("data-live") {
            continue;
        }
        if let Some(mounted) = mount(&section, &api, strings)? {
            panels.push(mounted);
        }
    }

    let inner = Rc::new(RefCell::new(Inner {
        window,
        document,
        strings,
        root,
        refresh_seconds,
        panels,
        interval: None,
        tick: None,
        visibility: None,
        stopped: false,
    }));
    if inner.borrow().panels.is_empty() {
        return Ok(Panels { inner });
    }

    let weak = Rc::downgrade(&inner);
    let tick_closure = Closure::<dyn FnMut()>::new(move || {
        if let Some(inner) = weak.upgrade() {
            tick(&inner);
        }
    });
    let weak = Rc::downgrade(&inner);
    let visibility_closure = Closure::<dyn FnMut()>::new(move || {
        if let Some(inner) = weak.upgrade() {
            visibility_changed(&inner);
        }
    });
    {
        let mut i = inner.borrow_mut();
        i.document.add_event_listener_with_callback(
            "visibilitychange",
            visibility_closure.as_ref().unchecked_ref(),
        )?;
        i.tick = Some(tick_closure);
        i.visibility = Some(visibility_closure);
    }
    tick(&inner);
    if !hidden(&inner.borrow().document) {
        start_interval(&inner);
    }
    Ok(Panels { inner })
}

fn meta(document: &Document, name: &str) -> Option<String> {
    document
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .filter(|v| !v.trim().is_empty())
}

/// Prepares a slot: its state line, its announcer and its body, inside the
/// `.panel-live` box whose height the stylesheet reserves.
fn mount(section: &Element, api: &str, strings: &PanelWords) -> Result<Option<Mounted>, JsValue> {
    let kind = section.get_attribute("data-panel").unwrap_or_default();
    let ids = section.get_attribute("data-ids").unwrap_or_default();
    let fill = section.get_attribute("data-fill").unwrap_or_default();
    let Some(slot) = PanelSpec::parse(&kind, &ids).map(|spec| spec.with_fill(&fill)) else {
        return Ok(None);
    };
    let Some(live) = section.query_selector(".panel-live")? else {
        return Ok(None);
    };
    let meta = dom::child(&live, "p", "panel-meta", &[])?;
    let state = dom::child(&meta, "span", "panel-state", &[("role", "status")])?;
    let age = dom::child(&meta, "span", "panel-age", &[])?;
    let announce = dom::child(&live, "p", "panel-announce", &[("aria-live", "polite")])?;
    let body = dom::child(&live, "div", "panel-body", &[])?;
    dom::set_text(&age, strings.loading);
    section.set_attribute("data-live", "on")?;
    section.set_attribute("data-state", "loading")?;
    Ok(Some(Mounted {
        url: slot.url(api),
        panel: Panel::new(slot),
        section: section.clone(),
        state,
        age,
        announce,
        body,
        shown: None,
        in_flight: false,
        last_request_ms: None,
    }))
}

fn hidden(document: &Document) -> bool {
    document.visibility_state() == VisibilityState::Hidden
}

fn start_interval(inner: &Rc<RefCell<Inner>>) {
    let mut i = inner.borrow_mut();
    if i.interval.is_some() || i.stopped {
        return;
    }
    let Some(tick) = &i.tick else { return };
    let handle = i
        .window
        .set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            TICK_MS,
        )
        .ok();
    i.interval = handle;
}

/// Hidden: stop the clock (no requests from background tabs). Visible
/// again: catch up at once, then resume.
fn visibility_changed(inner: &Rc<RefCell<Inner>>) {
    if hidden(&inner.borrow().document) {
        let mut i = inner.borrow_mut();
        if let Some(handle) = i.interval.take() {
            i.window.clear_interval_with_handle(handle);
        }
    } else {
        tick(inner);
        start_interval(inner);
    }
}

/// Starts the refreshes that are due and redraws every status line.
fn tick(inner: &Rc<RefCell<Inner>>) {
    let now = js_sys::Date::now();
    let mut due = Vec::new();
    {
        let mut i = inner.borrow_mut();
        if i.stopped {
            return;
        }
        let period = f64::from(i.refresh_seconds) * 1000.0;
        let may_fetch = !hidden(&i.document);
        for index in 0..i.panels.len() {
            let m = &mut i.panels[index];
            let is_due = m.last_request_ms.is_none_or(|t| now - t >= period);
            if may_fetch && is_due && !m.in_flight {
                m.in_flight = true;
                m.last_request_ms = Some(now);
                due.push((index, m.url.clone()));
            }
            i.draw(index, now, false);
        }
    }
    for (index, url) in due {
        let inner = inner.clone();
        spawn_local(async move {
            let (window, timeout_ms) = {
                let i = inner.borrow();
                (i.window.clone(), timeout_ms(i.refresh_seconds))
            };
            let result = fetch(&window, &url, timeout_ms).await;
            let now = js_sys::Date::now();
            let mut i = inner.borrow_mut();
            if i.stopped {
                return;
            }
            let m = &mut i.panels[index];
            m.in_flight = false;
            match result {
                Ok((status, body)) => m.panel.receive(status, &body, now),
                Err(failure) => m.panel.fail(failure),
            }
            i.draw(index, now, true);
        });
    }
}

/// A request may take most of a refresh period, but not forever.
fn timeout_ms(refresh_seconds: u32) -> i32 {
    (refresh_seconds * 1000).clamp(3_000, 10_000) as i32
}

impl Inner {
    /// Redraws panel `index`'s status line, and its body and announcement
    /// after an answer. The body is replaced only when it differs from what
    /// is shown.
    fn draw(&mut self, index: usize, now: f64, answered: bool) {
        let strings = self.strings;
        let m = &mut self.panels[index];
        let line = m.panel.status(now, self.refresh_seconds, strings);
        let _ = m.section.set_attribute("data-state", line.class);
        dom::set_text(&m.state, &line.state);
        dom::set_text(&m.age, &line.age);
        if !answered {
            return;
        }
        if let Some(body) = m.panel.body(now, &self.root, strings) {
            if m.shown.as_ref() != Some(&body)
                && dom::replace(&self.document, &m.body, &body).is_ok()
            {
                m.shown = Some(body);
            }
        }
        dom::set_text(&m.announce, &m.panel.summary(strings));
    }
}

/// Whether a failed request failed because there is no network: the
/// browser says it is offline, or this page is the offline copy the site's
/// service worker served (it marks it with `meta[name=runbook-offline]`).
fn offline(window: &Window) -> bool {
    !window.navigator().on_line()
        || window.document().is_some_and(|d| {
            d.query_selector("meta[name=runbook-offline]")
                .ok()
                .flatten()
                .is_some()
        })
}

/// GET `url` as text, aborted after `timeout_ms`.
async fn fetch(window: &Window, url: &str, timeout_ms: i32) -> Result<(u16, String), Failure> {
    let controller = AbortController::new().map_err(|_| Failure::Unreachable)?;
    let timed_out = Rc::new(Cell::new(false));
    let on_timeout = {
        let timed_out = timed_out.clone();
        let controller = controller.clone();
        Closure::once(move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            on_timeout.as_ref().unchecked_ref(),
            timeout_ms,
        )
        .ok();
    let init = RequestInit::new();
    init.set_signal(Some(&controller.signal()));
    // Every refresh must reach the API: its own cache decides freshness.
    init.set_cache(RequestCache::NoStore);
    let result = async {
        let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
            .await?
            .dyn_into()?;
        let status = response.status();
        let text = JsFuture::from(response.text()?).await?;
        Ok::<_, JsValue>((status, text.as_string().unwrap_or_default()))
    }
    .await;
    if let Some(timer) = timer {
        window.clear_timeout_with_handle(timer);
    }
    drop(on_timeout);
    result.map_err(|_| {
        if offline(window) {
            Failure::Offline
        } else if timed_out.get() {
            Failure::Timeout
        } else {
            Failure::Unreachable
        }
    })
}
