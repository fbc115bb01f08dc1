//! HubSpot form submissions into analytics (S10, `trackFormSubmissions`): HubSpot's forms announce
//! each submission on `window`, and every one becomes `analytics.track('Form Submitted', …)` (with
//! an identify first, when asked) as [`crate::forms`] decides, kept from HubSpot itself.
//!
//! Two announcements, one per kind of embed, so a submission is forwarded once:
//! - the legacy embed and `hbspt.forms.create` post an `hsFormCallback` message; only its
//!   `onFormSubmitted` (sent after HubSpot accepted the submission) counts;
//! - the newer embed dispatches `hs-form-event:on-submission:success`, whose field values come
//!   from `HubSpotFormsV4.getFormFromEvent(event).getFormFieldValues()`, asked only when needed.

use super::queue::to_js;
use super::read::{get, Reader};
use super::global;
use crate::forms::{form_submitted, kept_from_hubspot, trusted_origin, FORM_SUBMITTED};
use crate::settings::Settings;
use crate::value::Value;
use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Where submissions go, and what of them.
struct Forwarder {
    analytics: JsValue,
    fields: Vec<Value<'static>>,
    identify: bool,
}

/// `target.name(arg)`, or `None` when it is no function or throws.
fn call(target: &JsValue, name: &str, arg: &JsValue) -> Option<JsValue> {
    get(target, name).dyn_into::<Function>().ok()?.call1(target, arg).ok()
}

/// A string member as text, for comparing.
fn text(target: &JsValue, key: &str) -> String {
    get(target, key).as_string().unwrap_or_default()
}

impl Forwarder {
    /// One submission to analytics: identify (when asked and there is an email), then track.
    fn forward(&self, form_id: Option<Value<'static>>, instance_id: Option<Value<'static>>, values: &Value<'static>) {
        let Some((properties, traits)) = form_submitted(form_id, instance_id, values, &self.fields, self.identify) else { return };
        let options = to_js(&kept_from_hubspot()).unwrap_or_default();
        let method = |name| get(&self.analytics, name).dyn_into::<Function>().ok();
        if let (Some(traits), Some(identify)) = (traits.and_then(|t| to_js(&t)), method("identify")) {
            let _ = identify.call2(&self.analytics, &traits, &options);
        }
        if let (Some(properties), Some(track)) = (to_js(&properties), method("track")) {
            let _ = track.call3(&self.analytics, &FORM_SUBMITTED.into(), &properties, &options);
        }
    }

    /// The legacy embed's `message`, from the page or HubSpot's forms hosts only.
    fn message(&self, event: &JsValue) {
        let data = get(event, "data");
        if text(&data, "type") != "hsFormCallback" || text(&data, "eventName") != "onFormSubmitted" {
            return;
        }
        if !trusted_origin(&text(event, "origin"), &text(&get(&global(), "location"), "origin")) {
            return;
        }
        let mut reader = Reader::default();
        let form_id = reader.read(&get(&data, "id"));
        let values = reader.read(&get(&get(&data, "data"), "submissionValues")).unwrap_or(Value::Null);
        self.forward(form_id, None, &values);
    }

    /// The newer embed's success event; its values are fetched from the form only when a field
    /// or the email is wanted. Should that fail, the submission still goes, without them.
    fn success(self: &Rc<Self>, event: &JsValue) {
        let detail = get(event, "detail");
        let mut reader = Reader::default();
        let (form_id, instance_id) = (reader.read(&get(&detail, "formId")), reader.read(&get(&detail, "instanceId")));
        let values = (!self.fields.is_empty() || self.identify)
            .then(|| call(&call(&get(&global(), "HubSpotFormsV4"), "getFormFromEvent", event)?, "getFormFieldValues", &JsValue::UNDEFINED))
            .flatten();
        let Some(values) = values else { return self.forward(form_id, instance_id, &Value::Null) };
        // One handler for both outcomes (a rejection's reason holds no `{ name, value }` fields),
        // of the listeners' own closure type.
        let this = self.clone();
        let settled = Closure::<dyn Fn(JsValue)>::new(move |values: JsValue| {
            let values = Reader::default().read(&values).unwrap_or(Value::Null);
            this.forward(form_id.clone(), instance_id.clone(), &values);
        })
        .into_js_value();
        let promise: JsValue = Promise::resolve(&values).into();
        if let Ok(then) = get(&promise, "then").dyn_into::<Function>() {
            let _ = then.call2(&promise, &settled, &settled);
        }
    }
}

/// Listens on `window` for HubSpot's form announcements, for the life of the page.
pub fn listen(analytics: &JsValue, settings: &Settings) {
    let window = global();
    let Ok(add) = get(&window, "addEventListener").dyn_into::<Function>() else { return };
    let forwarder =
        Rc::new(Forwarder { analytics: analytics.clone(), fields: settings.form_fields.clone(), identify: settings.identify_form_submitters });
    let legacy = forwarder.clone();
    let on_message = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| legacy.message(&event));
    let on_success = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| forwarder.success(&event));
    let _ = add.call2(&window, &"message".into(), &on_message.into_js_value());
    let _ = add.call2(&window, &"hs-form-event:on-submission:success".into(), &on_success.into_js_value());
}
