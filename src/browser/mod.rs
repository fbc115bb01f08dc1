//! The browser edge, in Rust: [`HubSpotPlugin`], the analytics-next destination plugin.
//!
//! It reads `ctx.event` ([`read`], js-sys), hands the core plain values, pushes the commands it
//! gets back onto `window._hsq` ([`queue`], serde-wasm-bindgen), and loads HubSpot's scripts
//! ([`loader`], web-sys and gloo-timers). No event method throws into the page: every read of a
//! page object returns `Result`, and no `RefCell` borrow is held across a call into JavaScript.
//! The package's entry (`js/hubspot_wasm.js`) only starts the wasm and buffers calls until then.

#[cfg(feature = "cookie-banner")]
mod banner;
mod delivery;
#[cfg(feature = "form-submissions")]
mod forms;
mod loader;
mod queue;
mod read;
mod trusted_types;

use crate::consent::{self, Stamp};
use crate::destination::{Answer, Destination};
use crate::mapping;
use crate::mapping::Command;
use crate::segment::{self, ACTIONS, CLASSIC};
use crate::value::{concat, Value};
use delivery::Delivery;
use js_sys::{Function, Promise, Reflect};
use loader::Scripts;
use queue::{push, HSP, HSQ};
use read::{get, Reader};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[cfg(feature = "cookie-banner")]
pub use banner::HubSpotBannerConsent;

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

/// HubSpot's destination plugin for analytics-next: `isLoaded()`, `load()`, `ready()`,
/// `unload()`, `page`, `identify`, `track` and the consent methods. The package's entry
/// gives it its name, type and version, and answers `group`, `alias` and `screen` itself:
/// HubSpot's browser code has no such calls.
#[wasm_bindgen]
pub struct HubSpotPlugin {
    inner: Rc<Inner>,
}

struct Inner {
    /// `None` until `load()` when the code names no portal (the workspace's settings complete
    /// them), and again once Segment's own HubSpot destination is found to send the events.
    destination: RefCell<Option<Destination>>,
    /// The settings given in code, for that.
    code_settings: Value<'static>,
    loading: RefCell<Option<loader::Loading>>,
    /// Whether analytics' `reset` is followed (subscribed once, at the first `load()`).
    follows_reset: Cell<bool>,
    /// The way to `_hsq`, in order however late HubSpot's tracker starts.
    delivery: Rc<Delivery>,
    /// Consent, where Segment's consent categories govern this destination.
    governed: RefCell<Governed>,
}

/// A governed destination's state: HubSpot's scripts wait for the first event whose consent
/// passes, and a withdrawal stops HubSpot's tracker through its do-not-track switch.
#[derive(Default)]
struct Governed {
    /// The scripts to load once consent passes; `None` once it has.
    waiting: Option<Scripts>,
    /// HubSpot was told to stop (`['doNotTrack']`) when consent was withdrawn.
    withdrawn: bool,
}

/// A destination for validated settings; an `Error` naming the setting otherwise.
fn destination(settings: &Value<'_>) -> Result<Destination, JsError> {
    let destination = Destination::new(settings).map_err(|message| JsError::new(&message))?;
    #[cfg(not(feature = "form-submissions"))]
    if destination.settings().track_form_submissions {
        return Err(JsError::new("hubspot-wasm: trackFormSubmissions needs the full wasm: init({ full: true })"));
    }
    if destination.settings().has_server_credentials {
        warn("hubspot-wasm: apiKey/privateAppToken are server credentials, ignored here: never ship them to browsers");
    }
    if !destination.settings().custom_behavioral_events {
        warn("hubspot-wasm: customBehavioralEvents: false sends HubSpot's legacy trackEvent, which HubSpot no longer processes (its tracking-code reference, 2026-03); leave the setting out to send custom behavioral events");
    }
    Ok(destination)
}

/// Segment's own HubSpot destination, when analytics runs it too: analytics-next registers the
/// workspace's device-mode destinations (the ones its load options do not switch off) before the
/// page's plugins, so they are among `analytics.queue.plugins` by the time `load()` runs. Or
/// Segment's classic HubSpot code, already on the page from elsewhere.
fn segments_hubspot(analytics: &JsValue) -> Option<&'static str> {
    let plugins = get(&get(analytics, "queue"), "plugins");
    let count = get(&plugins, "length").as_f64().unwrap_or(0.0).min(1000.0) as u32;
    for i in 0..count {
        let name = Reflect::get_u32(&plugins, i).map(|plugin| get(&plugin, "name")).unwrap_or_default().as_string();
        for segments in &[CLASSIC, ACTIONS] {
            if name.as_deref() == Some(segments) {
                return Some(*segments);
            }
        }
    }
    document().and_then(|d| d.query_selector("#hs-analytics").ok().flatten()).map(|_| CLASSIC)
}

/// `['doNotTrack']` stops HubSpot's tracker for this visitor (a cookie), `['doNotTrack', {
/// track: true }]` lifts that.
fn do_not_track(stop: bool) {
    let mut command = vec![text("doNotTrack")];
    if !stop {
        command.push(Value::Object(vec![(Cow::Borrowed("track"), Value::Bool(true))]));
    }
    push(HSQ, &Value::Array(command));
}

/// Whether HubSpot's do-not-track cookie is set on this page.
fn hubspot_do_not_track_cookie() -> bool {
    let cookies = document().map(|d| get(&d, "cookie").as_string().unwrap_or_default()).unwrap_or_default();
    // `document.cookie` separates cookies with "; " (ASCII whitespace, as all of cookie syntax).
    cookies.split(';').any(|cookie| cookie.trim_ascii_start().starts_with("__hs_do_not_track="))
}

/// Of the workspace's settings analytics-next fetched (`analytics.settings.cdnSettings`), the
/// entries of Segment's two HubSpot destinations: all the plugin reads of them, where the whole
/// can hold every destination of the workspace.
fn workspace_hubspot(analytics: &JsValue) -> Value<'static> {
    let cdn_settings = get(&get(analytics, "settings"), "cdnSettings");
    let integrations = get(&cdn_settings, "integrations");
    let entries = Reader::default().members(&integrations, &[CLASSIC, ACTIONS]);
    #[allow(unused_mut)]
    let mut workspace = vec![(Cow::Borrowed("integrations"), Value::Object(entries))];
    #[cfg(feature = "workspace-actions")]
    workspace.push((Cow::Borrowed("remotePlugins"), Value::Array(actions::remote_plugins(&cdn_settings))));
    Value::Object(workspace)
}

/// The workspace's HubSpot Web (Actions) subscriptions, read from analytics-next's settings.
#[cfg(feature = "workspace-actions")]
mod actions {
    use super::{get, Reader, Value};
    use crate::segment::ACTIONS_NAMES;
    use std::borrow::Cow;

    /// The `remotePlugins` entries of HubSpot Web (Actions) (`{ name, settings }`), settings read
    /// whole.
    pub fn remote_plugins(cdn_settings: &wasm_bindgen::JsValue) -> Vec<Value<'static>> {
        let plugins = get(cdn_settings, "remotePlugins");
        let count = get(&plugins, "length").as_f64().unwrap_or(0.0).min(1000.0) as u32;
        let mut found = Vec::new();
        for i in 0..count {
            let plugin = js_sys::Reflect::get_u32(&plugins, i).unwrap_or_default();
            let name = ["name", "creationName"]
                .iter()
                .filter_map(|key| get(&plugin, key).as_string())
                .find(|name| ACTIONS_NAMES.contains(&name.as_str()));
            let Some(name) = name else { continue };
            let settings = Reader::default().read(&get(&plugin, "settings")).unwrap_or(Value::Null);
            found.push(Value::Object(vec![
                (Cow::Borrowed("name"), Value::String(name.into())),
                (Cow::Borrowed("settings"), settings),
            ]));
        }
        found
    }
}

/// A string value, for command names.
fn text(name: &'static str) -> Value<'static> {
    Value::String(Cow::Borrowed(name))
}

#[wasm_bindgen]
impl HubSpotPlugin {
    /// Validates Segment's settings for the destination; throws an `Error` naming the setting.
    /// Settings without a `portalId` wait for `load()`, which adds the workspace's.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: &JsValue) -> Result<HubSpotPlugin, JsError> {
        #[cfg(feature = "panic-hook")]
        console_error_panic_hook::set_once();
        let code_settings = match Reader::default().read(settings) {
            None | Some(Value::Null) => Value::Object(Vec::new()),
            Some(settings) => settings,
        };
        // Not an object: validated now, so the error comes at once.
        let from_workspace = matches!(code_settings, Value::Object(_)) && !segment::names_portal(&code_settings);
        let destination = if from_workspace { None } else { Some(destination(&code_settings)?) };
        let inner = Inner {
            destination: RefCell::new(destination),
            code_settings,
            loading: RefCell::default(),
            follows_reset: Cell::new(false),
            delivery: Delivery::new(),
            governed: RefCell::default(),
        };
        Ok(HubSpotPlugin { inner: Rc::new(inner) })
    }

    /// Whether HubSpot's tracker runs now (checked afresh: it may start late).
    #[wasm_bindgen(js_name = isLoaded)]
    pub fn is_loaded(&self) -> bool {
        queue::tracker_started()
    }

    /// Loads HubSpot's scripts once (later calls share the promise) and follows `analytics`'
    /// `reset` (`analytics`: analytics-next's instance, as its `load(ctx, analytics)` gets it).
    /// Resolves when the tracker runs or has not started within `loadTimeoutMs` (a warning:
    /// calls keep queueing); rejects when the settings are invalid (or name no portal, here or in
    /// the Segment workspace) and when the tracker's script fails. Where Segment's own HubSpot
    /// destination runs, it warns once, loads nothing and resolves.
    pub fn load(&self, analytics: JsValue) -> Promise {
        self.follow_reset(&analytics);
        let started = self.inner.loading.borrow().as_ref().map(|l| l.loaded.clone());
        if let Some(loaded) = started {
            return loaded;
        }
        // The settings, completed from the workspace's when the code names no portal, and its
        // consent categories when the code names none. Read under short borrows: loading calls
        // into the page after.
        let cdn_settings = workspace_hubspot(&analytics);
        let made = self.inner.destination.borrow().is_some();
        if !made {
            match destination(&segment::settings(&self.inner.code_settings, &cdn_settings)) {
                #[allow(unused_mut)]
                Ok(mut made) => {
                    // The workspace's HubSpot Web (Actions) subscriptions, where the settings came
                    // from that destination.
                    #[cfg(feature = "workspace-actions")]
                    if let Some(plugin) = segment::actions_plugin(&self.inner.code_settings, &cdn_settings) {
                        let mut warnings = Vec::new();
                        if let Some(subscriptions) = crate::actions::Subscriptions::from_settings(plugin, &mut warnings)
                        {
                            made.subscribe(subscriptions);
                        }
                        warnings.iter().for_each(|w| warn(w));
                    }
                    *self.inner.destination.borrow_mut() = Some(made)
                }
                Err(error) => return Promise::reject(&error.into()),
            }
        }
        let (scripts, governed, forms) = {
            let mut destination = self.inner.destination.borrow_mut();
            let Some(destination) = destination.as_mut() else { return Promise::resolve(&JsValue::UNDEFINED) };
            destination.govern(segment::consent_categories(&cdn_settings));
            let settings = destination.settings();
            let forms = settings
                .track_form_submissions
                .then(|| (settings.form_fields.clone(), settings.identify_form_submitters));
            (Scripts::new(settings), !settings.consent_categories.is_empty(), forms)
        };
        #[cfg(feature = "form-submissions")]
        if let Some((fields, identify)) = forms {
            forms::listen(&analytics, fields, identify);
        }
        #[cfg(not(feature = "form-submissions"))]
        let _ = forms; // refused with the settings, in `destination`
        let loading = match segments_hubspot(&analytics) {
            Some(segments) => {
                let key = if segments == CLASSIC { CLASSIC } else { "'HubSpot Web (Actions)'" };
                warn(&concat(&[
                    "hubspot-wasm: Segment's ",
                    segments,
                    " destination runs here too; this one stays quiet (no event twice). ",
                    "To use hubspot-wasm instead, load analytics with { integrations: { ",
                    key,
                    ": false, 'hubspot-wasm': true } }",
                ]));
                *self.inner.destination.borrow_mut() = None;
                loader::Loading::nothing()
            }
            // Governed by consent: nothing of HubSpot's (no script, no cookie, no request) before
            // the first event whose consent passes.
            None if governed => {
                self.inner.governed.borrow_mut().waiting = Some(scripts);
                loader::Loading::nothing()
            }
            None => self.inner.start_hubspot(scripts),
        };
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
        if let Some(destination) = self.inner.destination.borrow_mut().as_mut() {
            destination.forget_pending();
        }
    }

    /// analytics' `reset()` (log-out), for the entry to pass on one made before `load()`: held
    /// traits dropped and a new visitor at HubSpot. Later ones the plugin hears itself.
    pub fn reset(&self) {
        self.inner.reset();
    }

    /// `page`: pending identity, then `setPath` and `trackPageView` (the first page's view is
    /// HubSpot's own).
    pub fn page(&self, ctx: JsValue) -> JsValue {
        if !self.inner.consents(&ctx) || self.inner.subscribed(&ctx) {
            return ctx; // no destination (before load(), beside Segment's own) or no consent
        }
        let mut reader = Reader::default();
        let value = Value::Object(reader.members(&get(&ctx, "event"), &["properties"]));
        let location = get(&global(), "location");
        let path = get(&location, "pathname").as_string().unwrap_or_default();
        let search = get(&location, "search").as_string().unwrap_or_default();
        let answer =
            self.inner.destination.borrow_mut().as_mut().map(|d| d.page(&value, &path, &search, reader.problems()));
        self.inner.deliver(answer, reader.dropped);
        ctx
    }

    /// `identify`: traits held until the next page or track.
    pub fn identify(&self, ctx: JsValue) -> JsValue {
        if !self.inner.consents(&ctx) || self.inner.subscribed(&ctx) {
            return ctx;
        }
        let mut reader = Reader::default();
        let value = Value::Object(reader.members(&get(&ctx, "event"), &["userId", "traits"]));
        let answer = self.inner.destination.borrow_mut().as_mut().map(|d| d.identify(&value, reader.problems()));
        self.inner.deliver(answer, reader.dropped);
        ctx
    }

    /// `track`: pending identity, then the custom behavioral event.
    pub fn track(&self, ctx: JsValue) -> JsValue {
        let event = get(&ctx, "event");
        // The wrapper's news of a changed choice: the consent check acts on it; HubSpot has no
        // use for it as an event.
        if !self.inner.consents(&ctx)
            || get(&event, "event").as_string().as_deref() == Some(consent::PREFERENCE_UPDATED)
            || self.inner.subscribed(&ctx)
        {
            return ctx;
        }
        let mut reader = Reader::default();
        let mut members = reader.members(&event, &["event", "userId", "properties"]);
        members.push((Cow::Borrowed("context"), Value::Object(reader.members(&get(&event, "context"), &["traits"]))));
        let value = Value::Object(members);
        let answer = self.inner.destination.borrow_mut().as_mut().map(|d| d.track(&value, reader.problems()));
        self.inner.deliver(answer, reader.dropped);
        ctx
    }

    /// `doNotTrack()` stops HubSpot tracking this visitor; `doNotTrack(false)` resumes. Only an
    /// explicit `false` resumes: a stray `null` or `0` fails safe.
    #[wasm_bindgen(js_name = doNotTrack)]
    pub fn do_not_track(&self, enabled: JsValue) {
        do_not_track(enabled != JsValue::FALSE);
    }

    /// Removes HubSpot's cookies and stops tracking until consent is given again.
    #[wasm_bindgen(js_name = revokeCookieConsent)]
    pub fn revoke_cookie_consent(&self) {
        push(HSP, &Value::Array(vec![text("revokeCookieConsent")]));
    }

    /// Passes a consent choice to HubSpot: `analytics`, `advertisement`, `functionality`
    /// (booleans; anything else is left out).
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&self, choices: JsValue) {
        let choices = Reader::default().read(&choices).unwrap_or(Value::Null);
        push(HSP, &Value::Array(vec![text("setHubSpotConsent"), mapping::consent(&choices)]));
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
                inner.reset();
            }
        });
        let _ = on.call2(analytics, &"reset".into(), &reset.into_js_value());
        self.inner.follows_reset.set(true);
    }
}

impl Inner {
    /// Whether this event may reach HubSpot: a destination exists, and Segment's consent rule
    /// passes where consent categories govern it. The first event that passes loads HubSpot; a
    /// failing one after that tells HubSpot's tracker to stop, and a passing one to go on.
    fn consents(&self, ctx: &JsValue) -> bool {
        match self.destination.borrow().as_ref() {
            Some(destination) if destination.settings().consent_categories.is_empty() => return true,
            Some(_) => {}
            None => return false,
        }
        // `context.consent`, where a getter or trap that throws makes it unreadable (and so blocks).
        let event = get(ctx, "event");
        let stamped = Reflect::get(&event, &"context".into()).and_then(|context| match context.is_object() {
            true => Reflect::get(&context, &"consent".into()),
            false => Ok(JsValue::UNDEFINED),
        });
        // One that could not be read whole (or that JSON would leave out, as a function) blocks
        // like any other malformed one.
        let mut reader = Reader::default();
        let read;
        let stamp = match stamped {
            Ok(consent) if consent.is_undefined() || consent.is_null() => Stamp::Absent,
            Ok(consent) => {
                read = reader.read(&consent);
                match &read {
                    Some(consent) if !reader.dropped => Stamp::Consent(consent),
                    _ => Stamp::Unreadable,
                }
            }
            Err(_) => Stamp::Unreadable,
        };
        // The categories looked at again after the page was read: no borrow is held across that.
        let allowed = self
            .destination
            .borrow()
            .as_ref()
            .is_some_and(|d| consent::allows(&d.settings().consent_categories, &stamp));
        let (start, tell) = {
            let mut governed = self.governed.borrow_mut();
            match allowed {
                true => (governed.waiting.take(), std::mem::take(&mut governed.withdrawn).then_some(true)),
                false if governed.waiting.is_none() && !governed.withdrawn => {
                    governed.withdrawn = true;
                    (None, Some(false))
                }
                false => (None, None),
            }
        };
        if let Some(scripts) = start {
            // The visitor's consent also lifts a do-not-track that an earlier withdrawal left in
            // HubSpot's cookie.
            if hubspot_do_not_track_cookie() {
                do_not_track(false);
            }
            let loading = self.start_hubspot(scripts);
            *self.loading.borrow_mut() = Some(loading);
        }
        if let Some(track) = tell {
            do_not_track(!track);
        }
        allowed
    }

    /// Where the workspace's subscriptions decide: the whole event through them, delivered;
    /// whether they did (the event is then done).
    fn subscribed(&self, ctx: &JsValue) -> bool {
        #[cfg(feature = "workspace-actions")]
        if self.destination.borrow().as_ref().is_some_and(Destination::has_subscriptions) {
            let mut reader = Reader::default();
            let event = reader.read(&get(ctx, "event")).unwrap_or(Value::Null);
            let location = get(&global(), "location");
            let path = get(&location, "pathname").as_string().unwrap_or_default();
            let search = get(&location, "search").as_string().unwrap_or_default();
            let answer =
                self.destination.borrow_mut().as_mut().map(|d| d.subscribed(&event, &path, &search, reader.problems()));
            self.deliver(answer, reader.dropped);
            return true;
        }
        let _ = ctx;
        false
    }

    /// HubSpot's scripts loaded and calls on their way to its tracker.
    fn start_hubspot(&self, scripts: Scripts) -> loader::Loading {
        self.delivery.start();
        loader::load(scripts)
    }

    /// analytics' `reset()`: held traits dropped and a new visitor at HubSpot (where HubSpot has
    /// been loaded at all: before consent it knows no visitor to forget).
    fn reset(&self) {
        if self.governed.borrow().waiting.is_some() {
            if let Some(destination) = self.destination.borrow_mut().as_mut() {
                destination.forget_pending();
            }
            return;
        }
        let answer = self.destination.borrow_mut().as_mut().map(Destination::reset);
        self.deliver(answer, false);
    }

    /// Warns about what the call's data had wrong, then hands its commands to HubSpot. No
    /// answer: no destination (before `load()` gave it settings, or beside Segment's own).
    fn deliver(&self, answer: Option<Answer<'_>>, dropped: bool) {
        let Some(answer) = answer else { return };
        for message in &answer.problems.messages() {
            warn(message);
        }
        #[cfg(feature = "workspace-actions")]
        answer.warnings.iter().for_each(|w| warn(w));
        if dropped {
            warn("hubspot-wasm: part of the event could not be read (a cycle, a throwing getter or a Proxy) and was dropped");
        }
        let mut entries = Vec::with_capacity(answer.commands.len());
        for command in answer.commands {
            let entry = match command {
                Command::ResetVisitor => Some(self.delivery.reset_visitor()),
                command => command.into_value().as_ref().and_then(queue::to_js),
            };
            if let Some(entry) = entry {
                entries.push(entry);
            }
        }
        self.delivery.deliver(entries, answer.hubspots_view);
    }
}
