//! HubSpot's cookie banner as the page's consent source for Segment (`hubspotBannerConsent`):
//! the visitor's choice in the banner, heard through `_hsp`'s `addPrivacyConsentListener`,
//! becomes the Segment categories a consent wrapper stamps on every event
//! (`@segment/analytics-consent-tools`' `getCategories`), and every later change is reported to
//! the wrapper (`registerOnConsentChanged`), which sends `Segment Consent Preference Updated`.
//! The banner comes with HubSpot's tracking code, so that code loads at once here: HubSpot
//! governs its own collection by the same choice.

use super::loader::inject_tracker;
use super::queue::{push_entries, taken_over, HSP};
use super::read::Reader;
use super::warn;
use crate::consent::BannerMapping;
use crate::settings::Settings;
use crate::value::Value;
use gloo_timers::callback::{Interval, Timeout};
use js_sys::{Array, Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// How long `getCategories()` waits for HubSpot's banner before it answers "nothing granted".
const BANNER_TIMEOUT_MS: u32 = 10_000;

/// HubSpot's cookie banner as a consent source for Segment's consent wrapper.
#[wasm_bindgen]
pub struct HubSpotBannerConsent {
    inner: Rc<Banner>,
}

struct Banner {
    mapping: BannerMapping,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    /// The Segment categories of the latest choice; `None` until the banner has answered.
    categories: Option<Value<'static>>,
    /// `getCategories()` calls waiting for the banner's first answer.
    waiting: Vec<Function>,
    /// The wrapper's callbacks for changes.
    listeners: Vec<Function>,
    /// Watching for the banner to run, and the time limit.
    watch: Option<(Interval, Timeout)>,
}

#[wasm_bindgen]
impl HubSpotBannerConsent {
    /// `{ portalId, region?, trackerUrl?, nonce?, categories: { analytics, advertisement,
    /// functionality, necessary } → Segment category id(s) }`: loads HubSpot's tracking code
    /// (with its banner) and listens to the visitor's choice. Throws an `Error` naming a bad setting.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &JsValue) -> Result<HubSpotBannerConsent, js_sys::Error> {
        let options = Reader::default().read(options).unwrap_or(Value::Null);
        let settings = Settings::from_value(&options).map_err(|message| js_sys::Error::new(&message))?;
        let mapping = BannerMapping::from_value(options.get("categories").unwrap_or(&Value::Null))
            .map_err(|message| js_sys::Error::new(&message))?;
        let banner = Rc::new(Banner { mapping, state: RefCell::default() });
        inject_tracker(&settings);

        let heard = Rc::downgrade(&banner);
        let listener = Closure::<dyn FnMut(JsValue)>::new(move |choice: JsValue| {
            if let Some(banner) = heard.upgrade() {
                banner.chose(&Reader::default().read(&choice).unwrap_or(Value::Null));
            }
        });
        let listen = Array::of2(&"addPrivacyConsentListener".into(), &listener.into_js_value());
        push_entries(HSP, &[listen.into()]);

        // A banner that has run and not called the listener has no choice yet (opt-in, before a
        // click): nothing is granted then. One that never runs (blocked) is waited for so long.
        let (ran, late) = (Rc::downgrade(&banner), Rc::downgrade(&banner));
        let watch = Interval::new(20, move || {
            if let Some(banner) = ran.upgrade().filter(|_| taken_over(HSP)) {
                banner.answer_without_choice();
            }
        });
        let deadline = Timeout::new(BANNER_TIMEOUT_MS, move || {
            if let Some(banner) = late.upgrade() {
                if banner.state.borrow().categories.is_none() {
                    warn("hubspot-wasm: HubSpot's cookie banner has not answered within 10 s; no consent category is granted until it does");
                }
                banner.answer_without_choice();
            }
        });
        if banner.state.borrow().categories.is_none() {
            banner.state.borrow_mut().watch = Some((watch, deadline));
        }
        Ok(HubSpotBannerConsent { inner: banner })
    }

    /// The Segment categories of the visitor's choice in HubSpot's banner,
    /// `{ [categoryId]: boolean }`; waits for the banner's first answer.
    #[wasm_bindgen(js_name = getCategories)]
    pub fn get_categories(&self) -> Promise {
        let known = self.inner.state.borrow().categories.as_ref().and_then(super::queue::to_js);
        if let Some(categories) = known {
            return Promise::resolve(&categories);
        }
        let inner = self.inner.clone();
        Promise::new(&mut |resolve, _| inner.state.borrow_mut().waiting.push(resolve))
    }

    /// Calls `callback(categories)` whenever the visitor changes their choice in the banner.
    #[wasm_bindgen(js_name = onConsentChanged)]
    pub fn on_consent_changed(&self, callback: Function) {
        self.inner.state.borrow_mut().listeners.push(callback);
    }
}

impl Banner {
    /// A choice from the banner: the first answers `getCategories()`, a later different one is
    /// reported to the wrapper.
    fn chose(&self, choice: &Value<'_>) {
        let categories = self.mapping.categories(choice);
        let (first, listeners) = {
            let mut state = self.state.borrow_mut();
            let changed = state.categories.as_ref() != Some(&categories);
            let first = state.categories.is_none();
            state.categories = Some(categories.clone());
            state.watch = None;
            let listeners = if changed && !first { state.listeners.clone() } else { Vec::new() };
            (first, listeners)
        };
        if first {
            self.answer_waiting();
        }
        if let Some(categories) = super::queue::to_js(&categories) {
            for listener in listeners {
                let _ = listener.call1(&JsValue::UNDEFINED, &categories);
            }
        }
    }

    /// No choice to be had (yet): nothing granted, so that events are not held forever.
    fn answer_without_choice(&self) {
        {
            let mut state = self.state.borrow_mut();
            state.watch = None;
            if state.categories.is_some() {
                return;
            }
            state.categories = Some(self.mapping.categories(&Value::Null));
        }
        self.answer_waiting();
    }

    fn answer_waiting(&self) {
        let (waiting, categories) = {
            let mut state = self.state.borrow_mut();
            (std::mem::take(&mut state.waiting), state.categories.as_ref().and_then(super::queue::to_js))
        };
        let categories = categories.unwrap_or_else(|| js_sys::Object::new().into());
        for resolve in waiting {
            let _ = resolve.call1(&JsValue::UNDEFINED, &categories);
        }
    }
}
