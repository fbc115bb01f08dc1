//! The browser edge, in Rust: [`HubSpotPlugin`], the analytics-next destination plugin.
//!
//! It reads `ctx.event` ([`read`], js-sys), hands the core plain values, pushes the commands it
//! gets back onto `window._hsq` ([`queue`], serde-wasm-bindgen), and loads HubSpot's scripts
//! ([`loader`], web-sys and gloo-timers). No event method throws into the page: every read of a
//! page object returns `Result`, and no `RefCell` borrow is held across a call into JavaScript.
//! The package's entry (`js/hubspot_wasm.js`) only starts the wasm and buffers calls until then.

mod loader;
mod queue;
mod read;

use crate::destination::{self, Answer, Destination};
use crate::mapping::{self, Command};
use crate::value::Value;
use js_sys::{Function, Promise};
use queue::{push, HSP, HSQ};
use read::{get, Reader};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `console.warn`, caught: a page that replaced it with something that throws still gets
    /// its event delivered.
    #[wasm_bindgen(catch, js_namespace = console, js_name = warn)]
    fn console_warn(message: &str) -> Result<(), JsValue>;

    /// `globalThis`: one accessor, where `js_sys::global()` tries four.
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL_THIS: JsValue;
}

/// The page's global object (`window`).
fn global() -> JsValue {
    GLOBAL_THIS.with(JsValue::clone)
}

/// `document`, where there is one (not in a worker, not during server-side rendering). Unchecked:
/// the `Document` methods used are the ones whose exceptions wasm-bindgen catches.
fn document() -> Option<web_sys::Document> {
    let document = get(&global(), "document");
    document.is_object().then(|| document.unchecked_into())
}

/// One warning for the developer, already prefixed `hubspot-wasm: `.
fn warn(message: &str) {
    let _ = console_warn(message);
}

/// The name analytics-next knows the destination by (and `integrations: { HubSpot: false }`).
const NAME: &str = "HubSpot";

/// HubSpot's destination plugin for analytics-next: `name`, `type`, `version`, `isLoaded()`,
/// `load()`, `ready()`, `unload()`, the event methods and the consent methods of S7.
#[wasm_bindgen]
pub struct HubSpotPlugin {
    inner: Rc<Inner>,
}

struct Inner {
    destination: RefCell<Destination>,
    loading: RefCell<Option<loader::Loading>>,
    /// Whether analytics' `reset` is followed (subscribed once, at the first `load()`).
    follows_reset: Cell<bool>,
}

/// A string value, for command names.
fn text(name: &'static str) -> Value<'static> {
    Value::String(Cow::Borrowed(name))
}

/// `{ key: value, … }` of the fields that were present.
fn object<'a, const N: usize>(fields: [(&'static str, Option<Value<'a>>); N]) -> Value<'a> {
    Value::Object(fields.into_iter().filter_map(|(key, value)| Some((Cow::Borrowed(key), value?))).collect())
}

#[wasm_bindgen]
impl HubSpotPlugin {
    /// Validates Segment's settings for the destination; throws an `Error` naming the setting.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: &JsValue) -> Result<HubSpotPlugin, js_sys::Error> {
        #[cfg(feature = "panic-hook")]
        console_error_panic_hook::set_once();
        let settings = Reader::default().read(settings).unwrap_or(Value::Null);
        let destination = Destination::new(&settings).map_err(|message| js_sys::Error::new(&message))?;
        if destination.settings().has_server_credentials {
            warn("hubspot-wasm: apiKey/privateAppToken are server credentials, ignored here: never ship them to browsers");
        }
        let inner = Inner { destination: RefCell::new(destination), loading: RefCell::default(), follows_reset: Cell::new(false) };
        Ok(HubSpotPlugin { inner: Rc::new(inner) })
    }

    /// `HubSpot`.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> JsValue {
        NAME.into()
    }

    /// `destination`.
    #[wasm_bindgen(getter = type)]
    pub fn kind(&self) -> JsValue {
        "destination".into()
    }

    /// The crate's version.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> JsValue {
        destination::version().into()
    }

    /// Whether HubSpot's tracker runs now (checked afresh: it may start late).
    #[wasm_bindgen(js_name = isLoaded)]
    pub fn is_loaded(&self) -> bool {
        queue::tracker_started()
    }

    /// Loads HubSpot's scripts once (later calls share the promise) and follows `analytics`'
    /// `reset`. Resolves when the tracker runs or has not started within `loadTimeoutMs` (a
    /// warning: calls keep queueing); rejects only when the tracker's script fails.
    pub fn load(&self, _ctx: JsValue, analytics: JsValue) -> Promise {
        self.follow_reset(&analytics);
        let started = self.inner.loading.borrow().as_ref().map(|l| l.loaded.clone());
        if let Some(loaded) = started {
            return loaded;
        }
        // Settings are read under a short borrow; loading calls into the page after it.
        let settings = self.inner.destination.borrow().settings().clone();
        let loading = loader::load(&settings);
        let loaded = loading.loaded.clone();
        *self.inner.loading.borrow_mut() = Some(loading);
        loaded
    }

    /// Settles once the tracker and the Forms SDK have each loaded, failed or timed out; never
    /// rejects. analytics-next's `analytics.ready()` waits for it, so `hbspt.forms.create` is
    /// usable there.
    pub fn ready(&self) -> Promise {
        let ready = self.inner.loading.borrow().as_ref().map(|l| l.ready.clone());
        ready.unwrap_or_else(|| Promise::resolve(&JsValue::UNDEFINED))
    }

    /// Drops held identify traits; HubSpot's code cannot be removed from a page.
    pub fn unload(&self) {
        self.inner.destination.borrow_mut().reset();
    }

    /// `page`: pending identity, then `setPath` and `trackPageView` (not on the first page).
    pub fn page(&self, ctx: JsValue) -> JsValue {
        let event = get(&ctx, "event");
        let mut reader = Reader::default();
        let value = object([("properties", reader.read(&get(&event, "properties")))]);
        let location = get(&global(), "location");
        let path = get(&location, "pathname").as_string().unwrap_or_default();
        let search = get(&location, "search").as_string().unwrap_or_default();
        let answer = self.inner.destination.borrow_mut().page(&value, &path, &search, reader.problems());
        deliver(answer, reader.dropped);
        ctx
    }

    /// `identify`: traits held until the next page or track (S4).
    pub fn identify(&self, ctx: JsValue) -> JsValue {
        let event = get(&ctx, "event");
        let mut reader = Reader::default();
        let value = object([("userId", reader.read(&get(&event, "userId"))), ("traits", reader.read(&get(&event, "traits")))]);
        let answer = self.inner.destination.borrow_mut().identify(&value, reader.problems());
        deliver(answer, reader.dropped);
        ctx
    }

    /// `track`: pending identity, then the behavioural event (S5).
    pub fn track(&self, ctx: JsValue) -> JsValue {
        let event = get(&ctx, "event");
        let mut reader = Reader::default();
        let value = object([
            ("event", reader.read(&get(&event, "event"))),
            ("userId", reader.read(&get(&event, "userId"))),
            ("properties", reader.read(&get(&event, "properties"))),
            ("context", Some(object([("traits", reader.read(&get(&get(&event, "context"), "traits")))]))),
        ]);
        let answer = self.inner.destination.borrow_mut().track(&value, reader.problems());
        deliver(answer, reader.dropped);
        ctx
    }

    /// No command: HubSpot's browser code has no group call (groups work server-side only).
    pub fn group(&self, ctx: JsValue) -> JsValue {
        ctx
    }

    /// No command: HubSpot's browser code has no alias call.
    pub fn alias(&self, ctx: JsValue) -> JsValue {
        ctx
    }

    /// No command: `screen` is for apps, not pages.
    pub fn screen(&self, ctx: JsValue) -> JsValue {
        ctx
    }

    /// `doNotTrack()` stops HubSpot tracking this visitor; `doNotTrack(false)` resumes. Only an
    /// explicit `false` resumes: a stray `null` or `0` fails safe.
    #[wasm_bindgen(js_name = doNotTrack)]
    pub fn do_not_track(&self, enabled: JsValue) {
        let mut command = vec![text("doNotTrack")];
        if enabled == JsValue::FALSE {
            command.push(Value::Object(vec![(Cow::Borrowed("track"), Value::Bool(true))]));
        }
        push(HSQ, [Value::Array(command)]);
    }

    /// Removes HubSpot's cookies and stops tracking until consent is given again.
    #[wasm_bindgen(js_name = revokeCookieConsent)]
    pub fn revoke_cookie_consent(&self) {
        push(HSP, [Value::Array(vec![text("revokeCookieConsent")])]);
    }

    /// Passes a consent choice to HubSpot: `analytics`, `advertisement`, `functionality`
    /// (booleans; anything else is left out).
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&self, choices: JsValue) {
        let choices = Reader::default().read(&choices).unwrap_or(Value::Null);
        push(HSP, [Value::Array(vec![text("setHubSpotConsent"), mapping::consent(&choices)])]);
    }
}

impl HubSpotPlugin {
    /// One user's identity must never ride the next user's events: analytics' `reset()` drops
    /// held traits. Subscribed once; the listener belongs to analytics from then on (it may call
    /// it after this plugin is freed) and reaches the plugin through a weak reference.
    fn follow_reset(&self, analytics: &JsValue) {
        if self.inner.follows_reset.get() {
            return;
        }
        let Ok(on) = get(analytics, "on").dyn_into::<Function>() else { return };
        let inner: Weak<Inner> = Rc::downgrade(&self.inner);
        let reset = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = inner.upgrade() {
                inner.destination.borrow_mut().reset();
            }
        });
        let _ = on.call2(analytics, &"reset".into(), &reset.into_js_value());
        self.inner.follows_reset.set(true);
    }
}

/// Warns about what the call's data had wrong, then pushes its commands.
fn deliver(answer: Answer<'_>, dropped: bool) {
    for message in answer.problems.messages() {
        warn(&message);
    }
    if dropped {
        warn("hubspot-wasm: part of the event could not be read (a cycle, a throwing getter or a Proxy) and was dropped");
    }
    push(HSQ, answer.commands.into_iter().map(Command::into_value));
}
