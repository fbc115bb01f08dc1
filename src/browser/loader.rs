//! Loading HubSpot's tracking code (and the Forms SDK) and telling when it runs (S3).
//!
//! `load()` settles from a short poll: HubSpot's loader script pulls in further scripts, so its
//! own `load` event says nothing; `_hsq.push` being replaced does. Each poll tick is a one-shot
//! closure that frees itself, so waiting costs no memory however long it takes.

use super::queue::{tracker_started, Queue};
use crate::settings::Settings;
use js_sys::{Date, Function, Promise, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// How often readiness is checked while waiting.
const POLL_MS: i32 = 20;
/// The id HubSpot's own embed code gives its script, so either of us can tell the other is there.
const TRACKER_ID: &str = "hs-script-loader";
const FORMS_ID: &str = "hs-forms-loader";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &JsValue, ms: i32);
}

/// A script this plugin waits on; `failed` is set by its `error` event (blocked, 404, CSP).
struct Script {
    url: String,
    failed: Rc<Cell<bool>>,
}

impl Script {
    /// Adds `<script id async defer src nonce>` to the page, or, when `present`, uses the one
    /// already there (whose failure can then only show as a timeout).
    fn load(present: bool, id: &str, url: &str, nonce: Option<&str>) -> Script {
        let script = Script { url: url.into(), failed: Rc::new(Cell::new(false)) };
        if !present && !inject(id, url, nonce, &script.failed) {
            script.failed.set(true);
        }
        script
    }
}

fn inject(id: &str, url: &str, nonce: Option<&str>, failed: &Rc<Cell<bool>>) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return false };
    let Ok(element) = document.create_element("script") else { return false };
    let mut attributes = vec![("id", id), ("async", ""), ("defer", ""), ("src", url)];
    attributes.extend(nonce.map(|n| ("nonce", n)));
    for (name, value) in attributes {
        let _ = element.set_attribute(name, value);
    }
    let failed = failed.clone();
    let on_error = Closure::once_into_js(move || failed.set(true));
    let _ = element.add_event_listener_with_callback("error", on_error.unchecked_ref());
    let parent = document.head().map(Into::into).or_else(|| document.document_element());
    parent.is_some_and(|p| p.append_child(&element).is_ok())
}

/// Whether the page already has an element matching `selector`.
fn present(selector: &str) -> bool {
    let document = web_sys::window().and_then(|w| w.document());
    document.is_some_and(|d| matches!(d.query_selector(selector), Ok(Some(_))))
}

/// `window.hbspt.forms` exists: the Forms SDK is running.
fn forms_ready() -> bool {
    let hbspt = Reflect::get(&js_sys::global(), &"hbspt".into()).unwrap_or(JsValue::UNDEFINED);
    hbspt.is_object() && Reflect::get(&hbspt, &"forms".into()).is_ok_and(|f| !f.is_undefined() && !f.is_null())
}

/// Starts loading and returns the promise `load()` hands to analytics-next.
pub fn load(settings: &Settings) -> Promise {
    Queue::Tracking.ensure();
    Queue::Privacy.ensure();
    if settings.disable_cookie_banner {
        let _ = Reflect::set(&js_sys::global(), &"disableHubSpotCookieBanner".into(), &true.into());
    }
    let nonce = settings.nonce.as_deref();
    let tracker_present = present("#hs-script-loader,script[src*='hs-scripts.com'],script[src*='hs-analytics.net']");
    let tracker = Script::load(tracker_present, TRACKER_ID, &settings.tracker_url, nonce);
    let forms = settings.load_forms_sdk.then(|| {
        let forms_present = forms_ready() || present("#hs-forms-loader,script[src*='hsforms.net']");
        Script::load(forms_present, FORMS_ID, &settings.forms_url, nonce)
    });
    let mut scripts = Some((tracker, forms));
    let deadline = Date::now() + f64::from(settings.load_timeout_ms);
    let timeout_ms = settings.load_timeout_ms;
    // The executor runs once, synchronously; `take` moves the scripts into the wait.
    Promise::new(&mut |resolve, reject| {
        if let Some((tracker, forms)) = scripts.take() {
            Wait { resolve, reject, tracker, forms, deadline, timeout_ms }.check();
        }
    })
}

/// A load in progress: checked now, then every [`POLL_MS`] until it settles.
struct Wait {
    resolve: Function,
    reject: Function,
    tracker: Script,
    forms: Option<Script>,
    deadline: f64,
    timeout_ms: u32,
}

impl Wait {
    fn check(self) {
        let timed_out = Date::now() >= self.deadline;
        let tracker_ready = tracker_started();
        // The forms settle when they run, fail, or time out; they never fail the tracker's load.
        let forms_failed = self.forms.as_ref().filter(|f| !forms_ready() && (f.failed.get() || timed_out));
        let forms_settled = self.forms.is_none() || forms_failed.is_some() || forms_ready();
        if tracker_ready && forms_settled {
            if let Some(forms) = forms_failed {
                super::warn(&["hubspot-wasm: the HubSpot Forms SDK could not be loaded from ", &forms.url].concat());
            }
            let _ = self.resolve.call0(&JsValue::UNDEFINED);
        } else if !tracker_ready && (self.tracker.failed.get() || timed_out) {
            let url = &self.tracker.url;
            let message = if self.tracker.failed.get() {
                ["hubspot-wasm: HubSpot's tracking code could not be loaded from ", url,
                 " (blocked, missing, or refused by the page's Content-Security-Policy)"].concat()
            } else {
                ["hubspot-wasm: HubSpot's tracking code from ", url, " did not start within ",
                 &self.timeout_ms.to_string(), " ms"].concat()
            };
            let _ = self.reject.call1(&JsValue::UNDEFINED, &js_sys::Error::new(&message));
        } else {
            set_timeout(&Closure::once_into_js(move || self.check()), POLL_MS);
        }
    }
}
