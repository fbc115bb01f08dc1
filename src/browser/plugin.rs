//! The analytics-next destination plugin object (S1).

use super::queue::{tracker_started, Queue};
use super::{loader, read::read, warn};
use crate::mapping::{self, commands_json, Problems};
use crate::session::Session;
use crate::settings::Settings;
use crate::value::Value;
use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const SETTINGS_TS: &str = r#"
/** Segment's settings object for the HubSpot destination; unknown keys are ignored. */
export interface HubSpotSettings {
  /** The Hub ID, digits only. Required. */
  portalId: string | number;
  /** HubSpot data centre; wins over enableEuropeanDataCenter. Default 'na1'. */
  region?: 'na1' | 'na2' | 'eu1' | 'ap1';
  /** EU data residency: same as region 'eu1'. */
  enableEuropeanDataCenter?: boolean;
  /** Also load the HubSpot Forms SDK (window.hbspt.forms). */
  loadFormsSdk?: boolean;
  /** Segment's spelling of loadFormsSdk. */
  loadFormsSDK?: boolean;
  /** track sends trackCustomBehavioralEvent instead of the legacy trackEvent. */
  customBehavioralEvents?: boolean;
  /** Forward the first page call too (HubSpot's code already records that view). */
  trackInitialPageView?: boolean;
  /** identify sends its traits at once, with a trackPageView. */
  flushIdentifyImmediately?: boolean;
  /** Set window.disableHubSpotCookieBanner = true before the tracker loads. */
  disableCookieBanner?: boolean;
  /** How long load() waits for the tracker, in ms. Default 10000. */
  loadTimeoutMs?: number;
  /** Override the tracking code's URL (https:, http: or relative). */
  trackerUrl?: string;
  /** Override the Forms SDK's URL (https:, http: or relative). */
  formsUrl?: string;
  /** CSP nonce set on every injected script. */
  nonce?: string;
  /** Server credential: never used in the browser; its presence is warned about. */
  apiKey?: string;
  /** Server credential: never used in the browser; its presence is warned about. */
  privateAppToken?: string;
}

/** HubSpot's consent categories, as setHubSpotConsent takes them. */
export interface HubSpotConsent {
  analytics?: boolean;
  advertisement?: boolean;
  functionality?: boolean;
}
"#;

/// The HubSpot destination plugin for analytics-next.
#[wasm_bindgen]
pub struct HubSpot {
    settings: Settings,
    session: Rc<RefCell<Session>>,
    load: RefCell<Option<Promise>>,
    /// Our `reset` listener, kept alive as long as the plugin is.
    on_reset: RefCell<Option<Closure<dyn FnMut()>>>,
}

/// Creates the plugin; throws an `Error` naming the setting when the settings are invalid.
#[wasm_bindgen(js_name = hubspotPlugin)]
pub fn hubspot_plugin(#[wasm_bindgen(unchecked_param_type = "HubSpotSettings")] settings: JsValue) -> Result<HubSpot, JsError> {
    let settings = Settings::from_value(&read(&settings, &mut Problems::default())).map_err(|m| JsError::new(&m))?;
    if settings.has_server_credentials {
        warn("hubspot-wasm: apiKey/privateAppToken are server credentials; they are ignored here and must not be shipped to browsers");
    }
    Ok(HubSpot { session: Rc::new(RefCell::new(Session::new(&settings))), settings, load: RefCell::default(), on_reset: RefCell::default() })
}

#[wasm_bindgen]
impl HubSpot {
    /// `HubSpot`: the key for `integrations: { HubSpot: false }`.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        "HubSpot".into()
    }

    /// `destination`.
    #[wasm_bindgen(getter = type)]
    pub fn kind(&self) -> String {
        "destination".into()
    }

    /// The crate's version.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").into()
    }

    /// Whether HubSpot's tracking code is running now.
    #[wasm_bindgen(js_name = isLoaded)]
    pub fn is_loaded(&self) -> bool {
        tracker_started()
    }

    /// Loads HubSpot's tracking code (once); resolves when it runs, rejects with an `Error`
    /// naming the URL when its script fails or it does not start within `loadTimeoutMs`.
    pub fn load(&self, _ctx: JsValue, analytics: JsValue) -> Promise {
        self.listen_for_reset(&analytics);
        self.load.borrow_mut().get_or_insert_with(|| loader::load(&self.settings)).clone()
    }

    /// Drops pending identify traits; HubSpot's code itself cannot be unloaded from a page.
    pub fn unload(&self) {
        self.session.borrow_mut().reset();
    }

    /// `setPath` + `trackPageView` (the first page is HubSpot's own view).
    pub fn page(&self, ctx: JsValue) -> JsValue {
        let location = web_sys::window().map(|w| w.location());
        let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_default();
        let search = location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
        self.deliver(&ctx, |session, event, _| session.page(event, &path, &search));
        ctx
    }

    /// Holds the traits until the next page or track.
    pub fn identify(&self, ctx: JsValue) -> JsValue {
        self.deliver(&ctx, Session::identify);
        ctx
    }

    /// `trackEvent` or `trackCustomBehavioralEvent`, after any pending identity.
    pub fn track(&self, ctx: JsValue) -> JsValue {
        self.deliver(&ctx, Session::track);
        ctx
    }

    /// No browser call exists: HubSpot takes groups server-side only.
    pub fn group(&self, ctx: JsValue) -> JsValue {
        ctx
    }

    /// No browser call exists in HubSpot's tracking code.
    pub fn alias(&self, ctx: JsValue) -> JsValue {
        ctx
    }

    /// No browser call exists in HubSpot's tracking code.
    pub fn screen(&self, ctx: JsValue) -> JsValue {
        ctx
    }

    /// `doNotTrack()` stops HubSpot tracking this visitor; `doNotTrack(false)` resumes it.
    #[wasm_bindgen(js_name = doNotTrack)]
    pub fn do_not_track(&self, enabled: Option<bool>) {
        let command = if enabled.unwrap_or(true) { r#"[["doNotTrack"]]"# } else { r#"[["doNotTrack",{"track":true}]]"# };
        Queue::Tracking.ensure();
        Queue::Tracking.push_json(command);
    }

    /// Removes HubSpot's cookies and stops tracking until consent is given again.
    #[wasm_bindgen(js_name = revokeCookieConsent)]
    pub fn revoke_cookie_consent(&self) {
        Queue::Privacy.push_json(r#"[["revokeCookieConsent"]]"#);
    }

    /// Passes a consent decision to HubSpot: only `analytics`, `advertisement`, `functionality`.
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&self, #[wasm_bindgen(unchecked_param_type = "HubSpotConsent")] choices: JsValue) {
        let choices = mapping::consent(&read(&choices, &mut Problems::default()));
        let mut command = String::from(r#"[["setHubSpotConsent","#);
        crate::value::write_json_object(choices.members(), &mut command);
        command.push_str("]]");
        Queue::Privacy.push_json(&command);
    }
}

impl HubSpot {
    /// Event → session → commands → `_hsq`, warning once per kind of problem found.
    fn deliver(&self, ctx: &JsValue, call: impl FnOnce(&mut Session, &Value, &mut Problems) -> Vec<mapping::Command>) {
        let mut problems = Problems::default();
        let event = Reflect::get(ctx, &"event".into()).unwrap_or(JsValue::UNDEFINED);
        let event = read(&event, &mut problems);
        let commands = match self.session.try_borrow_mut() {
            Ok(mut session) => commands_json(&call(&mut session, &event, &mut problems)),
            Err(_) => return,
        };
        for message in problems.messages() {
            warn(&message);
        }
        Queue::Tracking.push_json(&commands);
    }

    /// analytics `reset()` must drop pending traits: one user's identity never rides the next
    /// user's events. analytics-next announces it with a `reset` event.
    fn listen_for_reset(&self, analytics: &JsValue) {
        if self.on_reset.borrow().is_some() || !analytics.is_object() {
            return;
        }
        let Ok(on) = Reflect::get(analytics, &"on".into()).and_then(|f| f.dyn_into::<Function>()) else { return };
        let session = self.session.clone();
        let listener = Closure::<dyn FnMut()>::new(move || {
            if let Ok(mut session) = session.try_borrow_mut() {
                session.reset();
            }
        });
        let _ = on.call2(analytics, &"reset".into(), listener.as_ref());
        *self.on_reset.borrow_mut() = Some(listener);
    }
}
