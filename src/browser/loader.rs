//! Loading HubSpot's scripts: the tracker's `<script id="hs-script-loader" async defer>`
//! and, independently, the Forms SDK's, injected with web-sys; their readiness polled and their
//! time limit kept with gloo-timers; the outcome given to analytics-next as promises.
//!
//! HubSpot's loader script pulls in further scripts, so its `load` event proves nothing: the
//! tracker runs once `_hsq.push` is replaced, the forms once `window.hbspt.forms` exists.

use super::delivery::Delivery;
use super::queue::{self, tracker_started};
use super::read::get;
use super::{document, global, warn};
use crate::mapping::decimal;
use crate::settings::Settings;
use crate::value::concat;
use gloo_timers::callback::{Interval, Timeout};
use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How often readiness is checked, in milliseconds.
const POLL_MS: u32 = 20;
const TRACKER_ID: &str = "hs-script-loader";
const FORMS_ID: &str = "hs-forms-loader";
/// HubSpot's embed (or another copy of this plugin) already on the page: never load a second one.
const TRACKER_PRESENT: &str = "#hs-script-loader,script[src*=\"hs-scripts.com\"],script[src*=\"hs-analytics.net\"]";
/// The property in which a script element of the plugin's keeps its outcome: `true` once the
/// script failed. The package's entry (`js/hubspot_wasm.js`, which scripts/build.mjs gives this
/// name) keeps it so on the loader it requests before the wasm runs, which the plugin adopts.
const FAILED: &str = "hubspotWasmFailed";
const FORMS_PRESENT: &str = "#hs-forms-loader,script[src*=\"hsforms.net\"]";

/// What `load()` and `ready()` hand to analytics-next.
pub struct Loading {
    /// Resolves when the tracker runs (or has not started in time: a warning) and the forms, if
    /// wanted, run or have failed; rejects only when the tracker's script fails.
    pub loaded: Promise,
    /// Settles when the tracker and the forms have each run, failed or timed out; never rejects.
    pub ready: Promise,
    /// Kept alive while a script may still fail or start.
    _progress: Option<Rc<RefCell<Progress>>>,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Loading,
    Running,
    Failed,
    TimedOut,
}

/// One script: where it stands, and its element (`undefined` where none was inserted or found).
struct Script {
    state: State,
    element: JsValue,
}

impl Script {
    /// Whether the script's `error` event has fired: kept in its element's [`FAILED`] property.
    fn errored(&self) -> bool {
        get(&self.element, FAILED) == JsValue::TRUE
    }

    /// Moves a loading script on to what the page shows now; its new state, if it changed.
    fn advance(&mut self, running: bool, timed_out: bool) -> Option<State> {
        if self.state != State::Loading {
            return None;
        }
        self.state = if running {
            State::Running
        } else if self.errored() {
            State::Failed
        } else if timed_out {
            State::TimedOut
        } else {
            return None;
        };
        Some(self.state)
    }
}

struct Progress {
    /// The URLs, for the warnings, and the time limit.
    scripts: Scripts,
    tracker: Script,
    forms: Option<Script>,
    settle_loaded: Option<(Function, Function)>,
    settle_ready: Option<Function>,
    watch: Option<Watch>,
    /// Told when the tracker is known not to come (failed or timed out), to bound what it holds.
    delivery: Weak<Delivery>,
}

/// A script's start watched: `check(false)` every [`POLL_MS`], `check(true)` at the deadline,
/// until dropped (both timers cancel themselves then). One for HubSpot's scripts here, one for
/// the cookie banner (`banner.rs`).
pub struct Watch {
    _poll: Interval,
    _deadline: Timeout,
}

impl Watch {
    pub fn new(deadline_ms: u32, check: Rc<dyn Fn(bool)>) -> Watch {
        let poll = check.clone();
        Watch {
            _poll: Interval::new(POLL_MS, move || poll(false)),
            _deadline: Timeout::new(deadline_ms, move || check(true)),
        }
    }
}

/// A new promise and its `resolve` and `reject`.
pub fn deferred() -> (Promise, Function, Function) {
    // `new Promise` runs the executor before it returns: both are set by then.
    let (mut resolve, mut reject): (Function, Function) =
        (JsValue::UNDEFINED.unchecked_into(), JsValue::UNDEFINED.unchecked_into());
    let promise = Promise::new(&mut |res, rej| (resolve, reject) = (res, rej));
    (promise, resolve, reject)
}

fn forms_started() -> bool {
    get(&get(&global(), "hbspt"), "forms").is_object()
}

/// `<script id async defer src nonce>` unless `present` matches an element already there, which
/// is then the script's (the entry's early request keeps its outcome as this one does; a page's
/// own embed never reports a failure).
fn inject(present: &str, id: &str, url: &str, nonce: Option<&str>, running: bool) -> Script {
    let script = |element: JsValue| Script { state: State::Loading, element };
    let Some(document) = document().filter(|_| !running) else { return script(JsValue::UNDEFINED) };
    match document.query_selector(present) {
        Ok(None) => {}
        Ok(Some(existing)) => return script(existing.into()),
        Err(_) => return script(JsValue::UNDEFINED),
    }
    let Ok(element) = document.create_element("script") else { return script(JsValue::UNDEFINED) };
    // The listener belongs to the element, and needs nothing of the plugin (which may be gone
    // when the script fails): the element it marks is the event's target.
    let on_error = Closure::<dyn FnMut(JsValue)>::new(|event: JsValue| failed(&get(&event, "target")));
    let _ = element.add_event_listener_with_callback("error", on_error.into_js_value().unchecked_ref());
    // Attributes, not the typed setters: one import instead of five, and `setAttribute` reports
    // (as an `Err`) what a page with Trusted Types refuses, where a plain `src =` would throw.
    let set = [("id", id), ("async", ""), ("defer", "")].iter().all(|(name, value)| element.set_attribute(name, value).is_ok())
        // (Never empty: the settings leave an empty nonce out.)
        && nonce.is_none_or(|nonce| element.set_attribute("nonce", nonce).is_ok())
        // The URL as a TrustedScriptURL of the plugin's own policy where the page allows one,
        // else as a string: on a page that requires Trusted Types and does not allow the
        // policy, that fails here, cleanly.
        && super::trusted_types::set_script_url(&element, url);
    // Every HTML document has a head (the parser makes one when the page has none).
    if !set || document.head().is_none_or(|head| head.append_child(&element).is_err()) {
        failed(&element);
    }
    script(element.into())
}

/// Marks a script element as failed ([`FAILED`]).
fn failed(element: &JsValue) {
    let _ = Reflect::set(element, &FAILED.into(), &JsValue::TRUE);
}

/// HubSpot's tracking code alone, for its cookie banner (`hubspotBannerConsent`): injected once,
/// as `load()` would, which then finds it on the page.
#[cfg(feature = "cookie-banner")]
pub fn inject_tracker(settings: &Settings) {
    queue::queue(queue::HSQ);
    queue::queue(queue::HSP);
    inject(TRACKER_PRESENT, TRACKER_ID, &settings.tracker_url, settings.nonce.as_deref(), tracker_started());
}

/// What loading takes of the settings, its own copy: no borrow of them is held while loading
/// calls into the page.
pub struct Scripts {
    tracker_url: String,
    /// The Forms SDK's URL, when it is to be loaded.
    forms_url: Option<String>,
    nonce: Option<String>,
    disable_cookie_banner: bool,
    timeout_ms: u32,
}

impl Scripts {
    pub fn new(settings: &Settings) -> Scripts {
        Scripts {
            tracker_url: settings.tracker_url.clone(),
            forms_url: settings.load_forms_sdk.then(|| settings.forms_url.clone()),
            nonce: settings.nonce.clone(),
            disable_cookie_banner: settings.disable_cookie_banner,
            timeout_ms: settings.load_timeout_ms,
        }
    }
}

/// Prepares the queues, injects the scripts and starts watching them.
pub fn load(scripts: Scripts, delivery: Weak<Delivery>) -> Loading {
    queue::queue(queue::HSQ);
    queue::queue(queue::HSP);
    if scripts.disable_cookie_banner {
        let _ = Reflect::set(&global(), &"disableHubSpotCookieBanner".into(), &JsValue::TRUE);
    }
    let nonce = scripts.nonce.as_deref();
    let tracker = inject(TRACKER_PRESENT, TRACKER_ID, &scripts.tracker_url, nonce, tracker_started());
    let forms = scripts.forms_url.as_ref().map(|url| inject(FORMS_PRESENT, FORMS_ID, url, nonce, forms_started()));

    let (loaded, resolve_loaded, reject_loaded) = deferred();
    let (ready, resolve_ready, _) = deferred();
    let timeout_ms = scripts.timeout_ms;
    let progress = Rc::new(RefCell::new(Progress {
        scripts,
        tracker,
        forms,
        settle_loaded: Some((resolve_loaded, reject_loaded)),
        settle_ready: Some(resolve_ready),
        watch: None,
        delivery,
    }));
    if !check(&progress, false) {
        let watched = progress.clone();
        let watch = Watch::new(
            timeout_ms,
            Rc::new(move |timed_out| {
                check(&watched, timed_out);
            }),
        );
        progress.borrow_mut().watch = Some(watch);
    }
    Loading { loaded, ready, _progress: Some(progress) }
}

/// Looks at both scripts and settles what can be settled; true once everything has.
fn check(progress: &Rc<RefCell<Progress>>, timed_out: bool) -> bool {
    // Read the page first, then decide under the borrow, then act (warn, settle, stop the
    // timers) after it: no borrow is held across a call into the page.
    let (tracker_running, forms_running) = (tracker_started(), forms_started());
    let mut warnings: Vec<String> = Vec::new();
    let (loaded, ready, timers, done, lost);
    {
        let mut p = progress.borrow_mut();
        let p = &mut *p;
        let (scripts, timeout_ms) = (&p.scripts, p.scripts.timeout_ms);
        let not_started = |what: &str, url: &str| {
            concat(&[
                "hubspot-wasm: ",
                what,
                " from ",
                url,
                " has not started within ",
                &decimal(timeout_ms.into()),
                " ms; calls wait for it",
            ])
        };
        // A failed tracker is the rejection of `load()` below; a failed Forms SDK only a warning.
        let tracker = p.tracker.advance(tracker_running, timed_out);
        if tracker == Some(State::TimedOut) {
            warnings.push(not_started(TRACKER, &scripts.tracker_url));
        }
        lost = matches!(tracker, Some(State::TimedOut | State::Failed)).then(|| p.delivery.upgrade()).flatten();
        if let (Some(forms), Some(url)) = (p.forms.as_mut(), &scripts.forms_url) {
            match forms.advance(forms_running, timed_out) {
                Some(State::TimedOut) => warnings.push(not_started(FORMS, url)),
                Some(State::Failed) => warnings.push(not_loaded(FORMS, url)),
                _ => {}
            }
        }
        let tracker = p.tracker.state;
        let forms_settled = p.forms.as_ref().is_none_or(|f| f.state != State::Loading);
        loaded = match tracker {
            State::Loading => None,
            State::Failed => Some(Err(scripts.tracker_url.clone())),
            _ if forms_settled => Some(Ok(())),
            _ => None,
        }
        .and_then(|outcome| p.settle_loaded.take().map(|settle| (settle, outcome)));
        done = tracker != State::Loading && forms_settled;
        ready = if done { p.settle_ready.take() } else { None };
        timers = if done { p.watch.take() } else { None };
    }
    for message in &warnings {
        warn(message);
    }
    if let Some(delivery) = lost {
        delivery.bound();
    }
    if let Some(((resolve, reject), outcome)) = loaded {
        let _ = match outcome {
            Ok(()) => resolve.call0(&JsValue::UNDEFINED),
            Err(url) => reject.call1(&JsValue::UNDEFINED, &JsError::new(&not_loaded(TRACKER, &url)).into()),
        };
    }
    if let Some(resolve) = ready {
        let _ = resolve.call0(&JsValue::UNDEFINED);
    }
    // Dropping a timer from inside its own callback is safe: wasm-bindgen frees the closure
    // once the call returns.
    drop(timers);
    done
}

/// A script that failed (blocked, missing, or refused by the page's Content-Security-Policy).
fn not_loaded(what: &str, url: &str) -> String {
    concat(&["hubspot-wasm: ", what, " could not be loaded from ", url])
}

/// What the warnings call each script.
pub(super) const TRACKER: &str = "HubSpot's tracking code";
const FORMS: &str = "the HubSpot Forms SDK";
