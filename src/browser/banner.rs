//! HubSpot's cookie banner as the page's consent source for Segment (`hubspotBannerConsent`):
//! the visitor's choice in the banner, heard through `_hsp`'s `addPrivacyConsentListener`,
//! becomes the Segment categories a consent wrapper stamps on every event
//! (`@segment/analytics-consent-tools`' `getCategories`), and every later change is reported to
//! the wrapper (`registerOnConsentChanged`), which sends `Segment Consent Preference Updated`.
//! The banner comes with HubSpot's tracking code, so that code loads at once here: HubSpot
//! governs its own collection by the same choice.

use super::loader::{deferred, inject_tracker, Watch};
use super::queue::{push_entries, taken_over, to_js, HSP};
use super::read::Reader;
use super::warn;
use crate::consent::BannerMapping;
use crate::mapping::decimal;
use crate::settings::Settings;
use crate::value::{concat, Value};
use js_sys::{Array, Function, Object, Promise};
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
    /// Settles at the banner's first answer: what `getCategories()` gives until then.
    first: Promise,
    state: RefCell<State>,
}

/// What the banner has said, and who waits for it.
struct State {
    /// The Segment categories of the latest choice; `None` until the banner has answered.
    categories: Option<Value<'static>>,
    /// Resolves `first` (at the banner's first answer).
    answer_first: Option<Function>,
    /// The wrapper's callbacks for changes.
    listeners: Vec<Function>,
    /// Watching for the banner to run, and the time limit.
    watch: Option<Watch>,
}

#[wasm_bindgen]
impl HubSpotBannerConsent {
    /// `{ portalId, region?, trackerUrl?, nonce?, categories: { analytics, advertisement,
    /// functionality, necessary } → Segment category id(s) }`: loads HubSpot's tracking code
    /// (with its banner) and listens to the visitor's choice. Throws an `Error` naming a bad setting.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &JsValue) -> Result<HubSpotBannerConsent, JsError> {
        let options = Reader::default().read(options).unwrap_or(Value::Null);
        let settings = Settings::from_value(&options)?;
        let mapping = BannerMapping::from_value(options.get("categories").unwrap_or(&Value::Null))?;
        let (first, answer_first, _) = deferred();
        let state = State { categories: None, answer_first: Some(answer_first), listeners: Vec::new(), watch: None };
        let banner = Rc::new(Banner { mapping, first, state: RefCell::new(state) });
        inject_tracker(&settings);

        let heard = Rc::downgrade(&banner);
        let listener = Closure::<dyn FnMut(JsValue)>::new(move |choice: JsValue| {
            if let Some(banner) = heard.upgrade() {
                banner.answer(Some(&Reader::default().read(&choice).unwrap_or(Value::Null)));
            }
        });
        let listen = Array::of2(&"addPrivacyConsentListener".into(), &listener.into_js_value());
        push_entries(HSP, &[listen.into()]);

        let watched = Rc::downgrade(&banner);
        let watch = Watch::new(
            BANNER_TIMEOUT_MS,
            Rc::new(move |timed_out| {
                if let Some(banner) = watched.upgrade() {
                    banner.watched(timed_out);
                }
            }),
        );
        if banner.state.borrow().categories.is_none() {
            banner.state.borrow_mut().watch = Some(watch);
        }
        Ok(HubSpotBannerConsent { inner: banner })
    }

    /// The Segment categories of the visitor's choice in HubSpot's banner,
    /// `{ [categoryId]: boolean }`; waits for the banner's first answer.
    #[wasm_bindgen(js_name = getCategories)]
    pub fn get_categories(&self) -> Promise {
        match self.inner.state.borrow().categories.as_ref() {
            Some(categories) => Promise::resolve(&to_js(categories).unwrap_or_default()),
            None => self.inner.first.clone(),
        }
    }

    /// Calls `callback(categories)` whenever the visitor changes their choice in the banner.
    #[wasm_bindgen(js_name = onConsentChanged)]
    pub fn on_consent_changed(&self, callback: Function) {
        self.inner.state.borrow_mut().listeners.push(callback);
    }
}

impl Banner {
    /// The banner's answer: `Some(choice)` from its listener; `None` where it has none to give
    /// (it runs without a choice yet, opt-in before a click, or never ran): nothing granted then,
    /// so that events are not held forever, and never in place of a choice. The first answer
    /// settles `getCategories()`; a later different one is reported to the wrapper.
    fn answer(&self, choice: Option<&Value<'_>>) {
        let categories = self.mapping.categories(choice.unwrap_or(&Value::Null));
        let js = to_js(&categories);
        let (answer_first, listeners) = {
            let mut state = self.state.borrow_mut();
            state.watch = None;
            let first = state.categories.is_none();
            if choice.is_none() && !first {
                return;
            }
            let changed = state.categories.as_ref() != Some(&categories);
            state.categories = Some(categories);
            match first {
                true => (state.answer_first.take(), 0),
                false => (None, if changed { state.listeners.len() } else { 0 }),
            }
        };
        if let Some(answer_first) = answer_first {
            let _ = answer_first.call1(&JsValue::UNDEFINED, &js.clone().unwrap_or_else(|| Object::new().into()));
        }
        let Some(js) = js else { return };
        // The listeners registered when the choice came, each looked up without a borrow held
        // while it runs (it may register another).
        for i in 0..listeners {
            let listener = self.state.borrow().listeners[i].clone();
            let _ = listener.call1(&JsValue::UNDEFINED, &js);
        }
    }

    /// Every [`POLL_MS`](super::loader) whether the banner runs (then it has no choice yet:
    /// opt-in, before a click), and at the time limit (it never ran: blocked).
    fn watched(&self, timed_out: bool) {
        if !timed_out && !taken_over(HSP) {
            return;
        }
        if timed_out && self.state.borrow().categories.is_none() {
            warn(&concat(&[
                "hubspot-wasm: HubSpot's cookie banner has not answered within ",
                &decimal((BANNER_TIMEOUT_MS / 1000).into()),
                " s; no consent category is granted until it does",
            ]));
        }
        self.answer(None);
    }
}
