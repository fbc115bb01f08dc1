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
mod errors;
#[cfg(feature = "form-submissions")]
mod forms;
mod loader;
mod queue;
mod read;
mod trusted_types;

use crate::consent::{self, Decision, Stamp, Tracking};
use crate::destination::{Answer, Destination};
use crate::mapping;
use crate::mapping::Command;
use crate::segment::{self, ACTIONS, CLASSIC};
use crate::value::{concat, Value};
use delivery::Delivery;
use gloo_timers::callback::Timeout;
use js_sys::{Function, Promise, Reflect};
use loader::Scripts;
use queue::{push, HSP, HSQ};
use read::{get, Reader};
use std::borrow::Cow;
use std::cell::RefCell;
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

    /// The global object, named in JavaScript `globalThis`.
    #[wasm_bindgen(js_name = globalThis)]
    type GlobalThis;
    /// `globalThis.globalThis`, the global object's own property that names it: one accessor,
    /// where `js_sys::global()` tries four, and no lazily initialized static to keep it in (a
    /// thread-local's code costs more than the read).
    #[wasm_bindgen(static_method_of = GlobalThis, js_name = globalThis, getter)]
    fn itself() -> JsValue;
}

/// The page's global object (`window`).
fn global() -> JsValue {
    GlobalThis::itself()
}

/// `document`, where there is one (not in a worker, not during server-side rendering). Unchecked:
/// the `Document` methods used are the ones whose exceptions wasm-bindgen catches.
fn document() -> Option<web_sys::Document> {
    let document = get(&global(), "document");
    document.is_object().then(|| document.unchecked_into())
}

/// The page's `location.pathname` and `location.search`.
fn location() -> (String, String) {
    let location = get(&global(), "location");
    let part = |key| get(&location, key).as_string().unwrap_or_default();
    (part("pathname"), part("search"))
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
    /// Where the plugin stands, which decides what each call does.
    state: RefCell<State>,
    /// The settings given in code, completed by the workspace's at `load()`.
    code_settings: Value<'static>,
    /// The way to `_hsq`, in order however late HubSpot's tracker starts.
    delivery: Rc<Delivery>,
    /// This plugin's mark on the analytics instance it delivers for: one plugin per instance.
    claim: JsValue,
}

/// The plugin's state: one at a time, each with what it needs. The destination (settings and
/// session) is boxed: it is large, and moves from state to state.
enum State {
    /// Before `load()`: the destination of the code's settings, or `None` until the workspace's
    /// complete them.
    AwaitingSettings(Option<Box<Destination>>),
    /// Segment's own HubSpot destination is registered on this analytics: calls are held until
    /// its own load proves it runs (ours then stays quiet) or fails (ours then loads HubSpot and
    /// delivers them). Past `loadTimeoutMs` undecided, the held calls are bounded.
    AwaitingSegments {
        destination: Box<Destination>,
        scripts: Scripts,
        segments: &'static str,
        /// An event passed a governed destination's consent meanwhile.
        consented: bool,
        _deadline: Timeout,
    },
    /// Quiet for good: Segment's own HubSpot runs, or another hubspot-wasm plugin delivers for
    /// this analytics instance.
    StandingAside,
    /// Governed by consent: nothing of HubSpot's (no script, no cookie, no request) before the
    /// first event whose consent passes.
    AwaitingConsent { destination: Box<Destination>, scripts: Scripts },
    /// HubSpot's scripts loaded (or on their way): calls go to its tracker, held by the delivery
    /// until it runs.
    Delivering { destination: Box<Destination>, loading: loader::Loading, tracking: Tracking },
}

impl State {
    fn destination(&mut self) -> Option<&mut Destination> {
        match self {
            State::AwaitingSettings(destination) => destination.as_deref_mut(),
            State::AwaitingSegments { destination, .. }
            | State::AwaitingConsent { destination, .. }
            | State::Delivering { destination, .. } => Some(destination),
            State::StandingAside => None,
        }
    }
}

/// A destination for validated settings; an `Error` naming the setting otherwise.
fn destination(code: &Value<'_>, workspace: Option<segment::Workspace<'_>>) -> Result<Box<Destination>, JsError> {
    let destination = Box::new(Destination::new(code, workspace)?);
    if destination.settings().has_server_credentials {
        warn("hubspot-wasm: apiKey/privateAppToken ignored: server credentials never go to browsers");
    }
    if !destination.settings().custom_behavioral_events {
        warn("hubspot-wasm: customBehavioralEvents: false sends trackEvent, which HubSpot no longer processes; leave it out");
    }
    Ok(destination)
}

/// Segment's own HubSpot destination on this page.
enum Segments {
    /// Registered on analytics (its device-mode destinations, the ones its load options do not
    /// switch off, come before the page's plugins): it counts once its own load succeeds.
    Registered(JsValue, &'static str),
    /// Running: its code already on the page from elsewhere, or a plugin that cannot tell.
    Running(&'static str),
}

/// Segment's own HubSpot destination, where analytics runs it too, or its classic code is on
/// the page already (its tracker without HubSpot's loader).
fn segments_hubspot(analytics: &JsValue) -> Option<Segments> {
    let plugins = get(&get(analytics, "queue"), "plugins");
    let count = get(&plugins, "length").as_f64().unwrap_or(0.0).min(1000.0) as u32;
    for i in 0..count {
        let plugin = Reflect::get_u32(&plugins, i).unwrap_or_default();
        let name = get(&plugin, "name").as_string();
        for segments in [CLASSIC, ACTIONS] {
            if name.as_deref() == Some(segments) {
                let provable = get(&plugin, "ready").is_function();
                return Some(if provable {
                    Segments::Registered(plugin, segments)
                } else {
                    Segments::Running(segments)
                });
            }
        }
    }
    // HubSpot's own loader (`#hs-script-loader`, the page's embed or this plugin's) adds the
    // tracker as `#hs-analytics` too: only without it is that Segment's classic code.
    let found = |selector| document().is_some_and(|d| matches!(d.query_selector(selector), Ok(Some(_))));
    (found("#hs-analytics") && !found("#hs-script-loader")).then_some(Segments::Running(CLASSIC))
}

/// Warns of Segment's own HubSpot destination: `news` of it, then the load-time switch that
/// leaves HubSpot to this plugin, in Segment's words.
fn warn_of_segments(segments: &str, news: &str) {
    let key = if segments == CLASSIC { CLASSIC } else { "'HubSpot Web (Actions)'" };
    warn(&concat(&[
        "hubspot-wasm: Segment's ",
        segments,
        news,
        "To use hubspot-wasm, load analytics with { integrations: { ",
        key,
        ": false, 'hubspot-wasm': true } }",
    ]));
}

/// `emitter.on(event, listener)` on one of analytics-next's emitters (its instance, its queue);
/// nothing where it has no `on`.
fn on(emitter: &JsValue, event: &str, listener: JsValue) {
    if let Ok(on) = get(emitter, "on").dyn_into::<Function>() {
        let _ = on.call2(emitter, &event.into(), &listener);
    }
}

/// Where Segment's own HubSpot destination runs: ours stays quiet.
const RUNS_BESIDE: &str = " destination runs here too; this one stays quiet. ";

/// The property of analytics' instance that names the hubspot-wasm plugin delivering for it.
const CLAIM: &str = "__hubspotWasm";

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
    let cookies = get(&get(&global(), "document"), "cookie").as_string().unwrap_or_default();
    // `document.cookie` separates cookies with "; " (ASCII whitespace, as all of cookie syntax).
    cookies.as_bytes().split(|&b| b == b';').any(|cookie| cookie.trim_ascii_start().starts_with(b"__hs_do_not_track="))
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
        crate::settings::misspelt(&code_settings, warn);
        // Not an object: validated now, so the error comes at once.
        let from_workspace = matches!(code_settings, Value::Object(_)) && !segment::names_portal(&code_settings);
        let destination = if from_workspace { None } else { Some(destination(&code_settings, None)?) };
        let inner = Inner {
            state: RefCell::new(State::AwaitingSettings(destination)),
            code_settings,
            delivery: Delivery::new(),
            claim: js_sys::Object::new().into(),
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
    /// destination is registered too, or another hubspot-wasm plugin, it loads nothing yet and
    /// resolves (see [`State`]).
    pub fn load(&self, analytics: JsValue) -> Promise {
        let made = match &*self.inner.state.borrow() {
            State::AwaitingSettings(made) => made.is_some(),
            _ => return self.inner.loaded(),
        };
        // The settings, completed from the workspace's when the code names no portal, and its
        // consent categories when the code names none. Read under short borrows: loading calls
        // into the page after.
        let cdn_settings = workspace_hubspot(&analytics);
        let made = match made {
            true => None,
            false => match destination(
                &self.inner.code_settings,
                segment::workspace_settings(&self.inner.code_settings, &cdn_settings),
            ) {
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
                    Some(made)
                }
                Err(error) => return Promise::reject(&error.into()),
            },
        };
        let mut destination = match (made, self.inner.state.replace(State::StandingAside)) {
            (Some(made), _) | (None, State::AwaitingSettings(Some(made))) => made,
            (None, _) => return self.inner.loaded(), // (not reached: checked above)
        };
        destination.govern(segment::consent_categories(&cdn_settings));
        let settings = destination.settings();
        let scripts = Scripts::new(settings);
        let timeout_ms = settings.load_timeout_ms;
        #[cfg(feature = "form-submissions")]
        if settings.track_form_submissions {
            forms::listen(&analytics, settings.form_fields.clone(), settings.identify_form_submitters);
        }
        self.follow_reset(&analytics);
        let state = if !self.inner.claim(&analytics) {
            warn("hubspot-wasm: another hubspot-wasm plugin delivers for this analytics; this one stays quiet. Register hubspotPlugin() once, at module scope");
            State::StandingAside
        } else {
            match segments_hubspot(&analytics) {
                Some(Segments::Running(segments)) => {
                    warn_of_segments(segments, RUNS_BESIDE);
                    State::StandingAside
                }
                Some(Segments::Registered(plugin, segments)) => {
                    self.watch_segments(&analytics, &plugin);
                    let delivery = Rc::downgrade(&self.inner.delivery);
                    let _deadline = Timeout::new(timeout_ms, move || {
                        if let Some(delivery) = delivery.upgrade() {
                            delivery.bound();
                        }
                    });
                    State::AwaitingSegments { destination, scripts, segments, consented: false, _deadline }
                }
                None => self.inner.go_ahead(destination, scripts),
            }
        };
        *self.inner.state.borrow_mut() = state;
        self.inner.loaded()
    }

    /// Settles once the tracker and the Forms SDK have each loaded, failed or timed out; never
    /// rejects. analytics-next's `analytics.ready()` waits for it, so `hbspt.forms.create` is
    /// usable there.
    pub fn ready(&self) -> Promise {
        match &*self.inner.state.borrow() {
            State::Delivering { loading, .. } => loading.ready.clone(),
            _ => Promise::resolve(&JsValue::UNDEFINED),
        }
    }

    /// Drops held identify traits (HubSpot's code cannot be removed from a page) and gives up
    /// this plugin's claim on `analytics`, so that one registered after it delivers.
    pub fn unload(&self, _ctx: JsValue, analytics: JsValue) {
        if let Some(destination) = self.inner.state.borrow_mut().destination() {
            destination.forget_pending();
        }
        if get(&analytics, CLAIM) == self.inner.claim {
            let _ = Reflect::set(&analytics, &CLAIM.into(), &JsValue::UNDEFINED);
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
        self.inner.event(&ctx, Call::Page);
        ctx
    }

    /// `identify`: traits held until the next page or track.
    pub fn identify(&self, ctx: JsValue) -> JsValue {
        self.inner.event(&ctx, Call::Identify);
        ctx
    }

    /// `track`: pending identity, then the custom behavioral event.
    pub fn track(&self, ctx: JsValue) -> JsValue {
        self.inner.event(&ctx, Call::Track);
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
    /// A listener for analytics-next to keep: it may call it after this plugin is freed, so it
    /// reaches the plugin through a weak reference, and does nothing once it is gone.
    fn listener(&self, act: fn(&Inner, JsValue)) -> Closure<dyn FnMut(JsValue)> {
        let inner: Weak<Inner> = Rc::downgrade(&self.inner);
        Closure::new(move |value: JsValue| {
            if let Some(inner) = inner.upgrade() {
                act(&inner, value);
            }
        })
    }

    /// One user's identity must never ride the next user's events: analytics' `reset()` drops
    /// held traits. Subscribed once, at the `load()` that leaves [`State::AwaitingSettings`].
    fn follow_reset(&self, analytics: &JsValue) {
        on(analytics, "reset", self.listener(|inner, _| inner.reset()).into_js_value());
    }

    /// Waits for Segment's own destination to prove itself: its `ready()` resolves once its load
    /// succeeded (to `false` for an Actions destination whose load failed), and analytics-next
    /// reports a destination whose load failed (`initialization_failure`) as it drops it.
    fn watch_segments(&self, analytics: &JsValue, plugin: &JsValue) {
        let failed = self.listener(Inner::segments_failed).into_js_value();
        on(&get(analytics, "queue"), "initialization_failure", failed);
        let ran = self.listener(|inner, value| inner.segments_settled(value != JsValue::FALSE));
        let ready = get(plugin, "ready").unchecked_into::<Function>().call0(plugin);
        // A `ready()` that throws proves nothing: the failure report still comes.
        if let Ok(ready) = ready {
            let _ = Promise::resolve(&ready).then(&ran);
        }
        let _ = ran.into_js_value(); // the promise's from now on
    }
}

/// The analytics calls HubSpot has commands for.
#[derive(Clone, Copy, PartialEq)]
enum Call {
    Page,
    Identify,
    Track,
}

impl Inner {
    /// `load()`'s promise: the scripts' outcome where HubSpot is being loaded, else resolved.
    fn loaded(&self) -> Promise {
        match &*self.state.borrow() {
            State::Delivering { loading, .. } => loading.loaded.clone(),
            _ => Promise::resolve(&JsValue::UNDEFINED),
        }
    }

    /// Claims `analytics` for this plugin; false where another hubspot-wasm plugin (of this page's
    /// wasm or an earlier copy of the module) delivers for it already.
    fn claim(&self, analytics: &JsValue) -> bool {
        let holder = get(analytics, CLAIM);
        if holder.is_object() && holder != self.claim {
            return false;
        }
        if analytics.is_object() {
            let _ = Reflect::set(analytics, &CLAIM.into(), &self.claim);
        }
        true
    }

    /// analytics-next dropped a destination whose load failed: where it is Segment's own HubSpot
    /// that ours waits for, that settles it.
    fn segments_failed(&self, failed: JsValue) {
        let name = get(&failed, "name").as_string();
        if matches!(&*self.state.borrow(), State::AwaitingSegments { segments, .. } if name.as_deref() == Some(*segments))
        {
            self.segments_settled(false);
        }
    }

    /// Segment's own destination proved to run (ours stands aside, its held calls dropped: Segment's
    /// delivered them) or failed (ours loads HubSpot and delivers them, once, in order).
    fn segments_settled(&self, runs: bool) {
        let state = self.state.replace(State::StandingAside);
        let State::AwaitingSegments { destination, scripts, segments, consented, .. } = state else {
            *self.state.borrow_mut() = state;
            return;
        };
        if runs {
            warn_of_segments(segments, RUNS_BESIDE);
            self.delivery.discard();
            return;
        }
        warn_of_segments(segments, " destination could not load; this one delivers instead. ");
        // HubSpot loads now, or with the first event whose consent passes, as if Segment's had
        // never been there.
        let next = self.go_ahead(destination, scripts);
        let governed = matches!(next, State::AwaitingConsent { .. });
        *self.state.borrow_mut() = next;
        if governed && consented {
            self.consent_given();
        }
    }

    /// The state of a destination that HubSpot's scripts are for: awaiting consent where consent
    /// categories govern it, else delivering (HubSpot loads now).
    fn go_ahead(&self, destination: Box<Destination>, scripts: Scripts) -> State {
        match destination.settings().consent_categories.is_empty() {
            true => self.start_hubspot(destination, scripts),
            false => State::AwaitingConsent { destination, scripts },
        }
    }

    /// Whether this event may reach HubSpot: a destination delivers or may, and Segment's consent
    /// rule passes where consent categories govern it. The core decides; here is the act: the
    /// first event that passes loads HubSpot, a failing one after that tells HubSpot's tracker to
    /// stop, and a passing one to go on.
    fn admits(&self, ctx: &JsValue) -> bool {
        let (categories, tracking) = match &mut *self.state.borrow_mut() {
            State::Delivering { destination, tracking, .. } => {
                (destination.settings().consent_categories.clone(), *tracking)
            }
            state => match state.destination() {
                Some(destination) => (destination.settings().consent_categories.clone(), Tracking::NotLoaded),
                None => return false,
            },
        };
        if categories.is_empty() {
            return true;
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
        match consent::decide(&categories, &stamp, tracking) {
            Decision::Block { stop_tracking } => {
                if stop_tracking {
                    self.set_tracking(Tracking::Stopped);
                    do_not_track(true);
                }
                false
            }
            Decision::Deliver { load_hubspot, resume_tracking } => {
                if resume_tracking {
                    self.set_tracking(Tracking::On);
                    do_not_track(false);
                }
                if load_hubspot {
                    self.consent_given();
                }
                true
            }
        }
    }

    /// One `page`, `identify` or `track`: the parts of `ctx.event` it needs, read, mapped and
    /// delivered. Nothing without a destination (before `load()`, standing aside) or consent.
    fn event(&self, ctx: &JsValue, call: Call) {
        let event = get(ctx, "event");
        // The wrapper's news of a changed choice: the consent check acts on it; HubSpot has no
        // use for it as an event.
        if !self.admits(ctx)
            || call == Call::Track && get(&event, "event").as_string().as_deref() == Some(consent::PREFERENCE_UPDATED)
            || self.subscribed(ctx)
        {
            return;
        }
        let mut reader = Reader::default();
        let keys: &[&str] = match call {
            Call::Page => &["properties"],
            Call::Identify => &["userId", "traits"],
            Call::Track => &["event", "userId", "properties"],
        };
        let mut members = reader.members(&event, keys);
        if call == Call::Track {
            members
                .push((Cow::Borrowed("context"), Value::Object(reader.members(&get(&event, "context"), &["traits"]))));
        }
        let value = Value::Object(members);
        let (path, search) = if call == Call::Page { location() } else { Default::default() };
        let problems = reader.problems();
        let answer = self.state.borrow_mut().destination().map(|d| match call {
            Call::Page => d.page(&value, &path, &search, problems),
            Call::Identify => d.identify(&value, problems),
            Call::Track => d.track(&value, problems),
        });
        self.deliver(answer, reader.dropped);
    }

    /// The tracker's consent state, where HubSpot is loaded.
    fn set_tracking(&self, now: Tracking) {
        if let State::Delivering { tracking, .. } = &mut *self.state.borrow_mut() {
            *tracking = now;
        }
    }

    /// The first event whose consent passes: HubSpot loads (the visitor's consent also lifts a
    /// do-not-track that an earlier withdrawal left in HubSpot's cookie). Beside Segment's own
    /// HubSpot it is only noted, for when that fails.
    fn consent_given(&self) {
        let next = match self.state.replace(State::StandingAside) {
            State::AwaitingConsent { destination, scripts } => {
                if hubspot_do_not_track_cookie() {
                    do_not_track(false);
                }
                self.start_hubspot(destination, scripts)
            }
            mut other => {
                if let State::AwaitingSegments { consented, .. } = &mut other {
                    *consented = true;
                }
                other
            }
        };
        *self.state.borrow_mut() = next;
    }

    /// Where the workspace's subscriptions decide: the whole event through them, delivered;
    /// whether they did (the event is then done).
    fn subscribed(&self, ctx: &JsValue) -> bool {
        #[cfg(feature = "workspace-actions")]
        if self.state.borrow_mut().destination().is_some_and(|d| d.has_subscriptions()) {
            let mut reader = Reader::default();
            let event = reader.read(&get(ctx, "event")).unwrap_or(Value::Null);
            let (path, search) = location();
            let answer =
                self.state.borrow_mut().destination().map(|d| d.subscribed(&event, &path, &search, reader.problems()));
            self.deliver(answer, reader.dropped);
            return true;
        }
        let _ = ctx;
        false
    }

    /// HubSpot's scripts loaded and calls on their way to its tracker: delivering.
    fn start_hubspot(&self, destination: Box<Destination>, scripts: Scripts) -> State {
        self.delivery.start();
        let loading = loader::load(scripts, Rc::downgrade(&self.delivery));
        State::Delivering { destination, loading, tracking: Tracking::On }
    }

    /// analytics' `reset()`: held traits dropped and a new visitor at HubSpot (where HubSpot may
    /// have been told of this visitor: before consent it knows none to forget).
    fn reset(&self) {
        let answer = match &mut *self.state.borrow_mut() {
            State::AwaitingConsent { destination, .. } => {
                destination.forget_pending();
                None
            }
            state => state.destination().map(Destination::reset),
        };
        self.deliver(answer, false);
    }

    /// Warns about what the call's data had wrong, then hands its commands to HubSpot, or holds
    /// them while Segment's own HubSpot may deliver them. No answer: no destination (before
    /// `load()` gave it settings, or standing aside).
    fn deliver(&self, answer: Option<Answer<'_>>, dropped: bool) {
        let Some(answer) = answer else { return };
        answer.problems.warn(warn);
        #[cfg(feature = "workspace-actions")]
        answer.warnings.iter().for_each(|w| warn(w));
        if dropped {
            warn("hubspot-wasm: part of the event could not be read and was dropped");
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
        match matches!(*self.state.borrow(), State::AwaitingSegments { .. }) {
            true => self.delivery.hold(entries, answer.hubspots_view),
            false => self.delivery.deliver(entries, answer.hubspots_view),
        }
    }
}
