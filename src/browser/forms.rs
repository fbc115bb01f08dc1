//! HubSpot form submissions into analytics (`trackFormSubmissions`): HubSpot's forms announce
//! each submission on `window`, and every one becomes `analytics.track('Form Submitted', …)` (with
//! an identify first, when asked) as [`crate::forms`] decides, kept from HubSpot itself.
//!
//! Two announcements, one per kind of embed, so a submission is forwarded once:
//! - the legacy embed and `hbspt.forms.create` post an `hsFormCallback` message; only its
//!   `onFormSubmitted` (sent after HubSpot accepted the submission) counts;
//! - the newer embed dispatches `hs-form-event:on-submission:success`, whose field values come
//!   from `HubSpotFormsV4.getFormFromEvent(event).getFormFieldValues()`, asked only when needed.

use super::global;
use super::queue::to_js;
use super::read::{get, Reader};
use crate::forms::{calls, submission, trusted_origin, Announcement, Submission};
use crate::value::Value;
use js_sys::{Function, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

/// The event the newer embed dispatches on `window` for a successful submission.
const SUCCESS: &str = "hs-form-event:on-submission:success";

/// Where submissions go, and what of them.
struct Forwarder {
    analytics: JsValue,
    fields: Vec<String>,
    identify: bool,
}

/// A string member as text, for comparing.
fn text(target: &JsValue, key: &str) -> String {
    get(target, key).as_string().unwrap_or_default()
}

/// `target.name(arg)`, or `None` when it is no function or throws.
fn call(target: &JsValue, name: &str, arg: &JsValue) -> Option<JsValue> {
    get(target, name).dyn_into::<Function>().ok()?.call1(target, arg).ok()
}

impl Forwarder {
    /// One submission to analytics, as `crate::forms::calls` says.
    fn forward(&self, form_id: Value<'static>, values: &Value<'static>) {
        for (method, arguments) in &calls(form_id, values, &self.fields, self.identify) {
            if let (Ok(method), Some(arguments)) =
                (get(&self.analytics, method).dyn_into::<Function>(), to_js(arguments))
            {
                let _ = Reflect::apply(&method, &self.analytics, arguments.unchecked_ref());
            }
        }
    }

    /// A `message` (the legacy embed's, from the page or HubSpot's forms hosts only) or the newer
    /// embed's success event, whose values are asked of the form only when a field or the email is
    /// wanted. Should that fail, the submission still goes, without them.
    fn announced(self: &Rc<Self>, event: &JsValue) {
        let message = text(event, "type") == "message";
        let announcement = get(event, if message { "data" } else { "detail" });
        // Other scripts' messages are not read: they can be large, and are none of ours.
        if message
            && (text(&announcement, "type") != "hsFormCallback"
                || !trusted_origin(&text(event, "origin"), &text(&get(&global(), "location"), "origin")))
        {
            return;
        }
        let read = |value: &JsValue| Reader::default().read(value).unwrap_or(Value::Null);
        let kind = if message { Announcement::Callback } else { Announcement::SuccessEvent };
        let Some(Submission { form_id, values }) = submission(kind, &read(&announcement)) else { return };
        let asked = (values.is_none() && (!self.fields.is_empty() || self.identify))
            .then(|| {
                call(
                    &call(&get(&global(), "HubSpotFormsV4"), "getFormFromEvent", event)?,
                    "getFormFieldValues",
                    &JsValue::UNDEFINED,
                )
            })
            .flatten();
        let Some(asked) = asked else { return self.forward(form_id, &values.unwrap_or(Value::Null)) };
        // One handler for both outcomes (a rejection's reason holds no `{ name, value }` fields):
        // with none for a rejection, it would reach the page as unhandled.
        let this = self.clone();
        let settled =
            Closure::<dyn FnMut(JsValue)>::new(move |values: JsValue| this.forward(form_id.clone(), &read(&values)))
                .into_js_value();
        let promise: JsValue = Promise::resolve(&asked).into();
        if let Ok(then) = get(&promise, "then").dyn_into::<Function>() {
            let _ = then.call2(&promise, &settled, &settled);
        }
    }
}

/// Listens on `window` for HubSpot's form announcements, for the life of the page.
/// `fields`: the form fields whose values go with `Form Submitted`; `identify`: a submitted email
/// becomes an identify.
pub fn listen(analytics: &JsValue, fields: Vec<String>, identify: bool) {
    let window: EventTarget = global().unchecked_into();
    let forwarder = Rc::new(Forwarder { analytics: analytics.clone(), fields, identify });
    let announced =
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| forwarder.announced(&event)).into_js_value();
    for name in &["message", SUCCESS] {
        let _ = window.add_event_listener_with_callback(name, announced.unchecked_ref());
    }
}
