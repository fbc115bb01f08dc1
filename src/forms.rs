//! HubSpot form submissions forwarded to analytics, in plain Rust: which announcements to
//! believe, and the `Form Submitted` event (and, when asked, the identify) a submission becomes.
//!
//! Privacy by default: a field's value leaves the form only when the settings list that field.

use crate::mapping::{is_email, trim_text};
use crate::segment::{ACTIONS, CLASSIC};
use crate::value::Value;
use std::borrow::Cow;

/// The event a submission becomes.
pub const FORM_SUBMITTED: &str = "Form Submitted";

/// The plugin's name in analytics-next, and so its key in `integrations`.
pub const PLUGIN_NAME: &str = "hubspot-wasm";

/// Whether a `message` from `origin` may speak for a HubSpot form: the page itself (forms rendered
/// in it post to it) or HubSpot's forms hosts (a form in HubSpot's iframe). Any other frame could
/// invent submissions.
pub fn trusted_origin(origin: &str, page_origin: &str) -> bool {
    if origin == page_origin {
        return true;
    }
    let Some(host) = origin.strip_prefix("https://") else { return false };
    for domain in &["hsforms.net", "hsforms.com"] {
        if is_or_ends_in(host, domain, ".") {
            return true;
        }
    }
    false
}

/// Whether `text` is `last`, or ends in `separator` and `last` (`js.hsforms.net` in
/// `hsforms.net`, `0-1/email` in `email`).
fn is_or_ends_in(text: &str, last: &str, separator: &str) -> bool {
    text.strip_suffix(last).is_some_and(|head| head.is_empty() || head.ends_with(separator))
}

/// Whether the form's field `name` is the one listed as `listed`: the same name, or the newer
/// embed's `<object type>/<name>` (`0-1/email` is `email`).
fn is_field(name: &str, listed: &str) -> bool {
    is_or_ends_in(name, listed, "/")
}

/// The value of the field listed as `listed` in a submission's `values`: the legacy embed's
/// `{ name: value }`, or the `[{ name, value }]` list of the newer embed (and of `onFormSubmit`).
fn field<'v, 'a>(values: &'v Value<'a>, listed: &str) -> Option<&'v Value<'a>> {
    match values {
        Value::Object(members) => members.iter().find(|(name, _)| is_field(name, listed)).map(|(_, value)| value),
        Value::Array(items) => items
            .iter()
            .find(|item| item.get("name").and_then(Value::as_text).is_some_and(|name| is_field(name, listed)))
            .and_then(|item| item.get("value")),
        _ => None,
    }
}

/// How a HubSpot embed announced a submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Announcement {
    /// A `message` event's data: the legacy embed's `hsFormCallback`, of which only
    /// `onFormSubmitted` counts (`onFormSubmit` comes before HubSpot accepted the submission).
    Callback,
    /// The `detail` of the newer embed's success event.
    SuccessEvent,
}

/// A submission, as an announcement tells of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Submission<'a> {
    /// The form's id.
    pub form_id: Value<'a>,
    /// The field values, when the announcement carries them; `None`: they are the form's to give.
    pub values: Option<Value<'a>>,
}

/// The submission `announcement` tells of; `None` for anything else, or without a form id.
pub fn submission<'a>(kind: Announcement, announcement: &Value<'a>) -> Option<Submission<'a>> {
    let text = |key| announcement.get(key).and_then(Value::as_text);
    let (id, values) = match kind {
        Announcement::Callback => {
            if text("type") != Some("hsFormCallback") || text("eventName") != Some("onFormSubmitted") {
                return None;
            }
            let values = announcement.get("data").and_then(|data| data.get("submissionValues"));
            ("id", Some(values.cloned().unwrap_or(Value::Null)))
        }
        Announcement::SuccessEvent => ("formId", None),
    };
    let form_id = announcement.get(id).filter(|id| matches!(id, Value::String(text) if !text.is_empty()))?;
    Some(Submission { form_id: form_id.clone(), values })
}

/// The analytics calls one submission becomes, as (method, arguments): when `identify` is asked
/// and the form has an email, `identify({ email })`; then `track('Form Submitted', { form_id, …each
/// field of `listed` (the `formFields` setting) that has a value, under its listed name })`. Both
/// kept from HubSpot, which recorded the submission itself.
pub fn calls<'a>(
    form_id: Value<'a>,
    values: &Value<'a>,
    listed: &[String],
    identify: bool,
) -> Vec<(&'static str, Value<'a>)> {
    let mut properties = vec![(Cow::Borrowed("form_id"), form_id)];
    for name in listed {
        if let Some(value) = field(values, name) {
            properties.push((Cow::Owned(name.into()), value.clone()));
        }
    }
    let mut calls = Vec::new();
    let email =
        field(values, "email").and_then(Value::as_text).map(trim_text).filter(|email| identify && is_email(email));
    if let Some(email) = email {
        let traits = Value::Object(vec![(Cow::Borrowed("email"), Value::String(Cow::Owned(email.into())))]);
        calls.push(("identify", Value::Array(vec![traits, kept_from_hubspot()])));
    }
    let track = vec![Value::String(Cow::Borrowed(FORM_SUBMITTED)), Value::Object(properties), kept_from_hubspot()];
    calls.push(("track", Value::Array(track)));
    calls
}

/// The options of the forwarded calls: kept from every HubSpot destination, since HubSpot recorded
/// the submission itself. Other destinations get them.
pub fn kept_from_hubspot() -> Value<'static> {
    let off = |name| (Cow::Borrowed(name), Value::Bool(false));
    Value::Object(vec![(
        Cow::Borrowed("integrations"),
        Value::Object(vec![off(PLUGIN_NAME), off(CLASSIC), off(ACTIONS)]),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> Value<'_> {
        Value::parse(json, &mut false).unwrap()
    }

    /// The calls as JSON, `[[method, ...arguments], …]`, without the options every call carries.
    fn submitted(values: &str, listed: &[&str], identify: bool) -> String {
        let listed: Vec<String> = listed.iter().map(|name| String::from(*name)).collect();
        let calls = calls(Value::String("f-1".into()), &value(values), &listed, identify);
        let calls = calls.into_iter().map(|(method, args)| {
            let Value::Array(mut args) = args else { panic!("arguments are a list") };
            assert_eq!(args.pop(), Some(kept_from_hubspot()), "{method} is not kept from HubSpot");
            args.insert(0, Value::String(method.into()));
            Value::Array(args)
        });
        Value::Array(calls.collect()).to_json()
    }

    const LEGACY: &str = r#"{"email":" ada@example.com ","firstname":"Ada","message":"secret"}"#;
    const NEWER: &str = r#"[{"name":"0-1/email","value":"ada@example.com"},{"name":"0-1/firstname","value":"Ada"},{"name":"0-1/message","value":"secret"}]"#;

    #[test]
    fn no_field_value_leaves_the_form_unless_listed() {
        for values in [LEGACY, NEWER] {
            assert_eq!(submitted(values, &[], false), r#"[["track","Form Submitted",{"form_id":"f-1"}]]"#, "{values}");
            assert_eq!(
                submitted(values, &["firstname"], false),
                r#"[["track","Form Submitted",{"form_id":"f-1","firstname":"Ada"}]]"#
            );
        }
        assert_eq!(
            submitted(NEWER, &["0-1/firstname", "phone"], false),
            r#"[["track","Form Submitted",{"form_id":"f-1","0-1/firstname":"Ada"}]]"#
        );
        // `name` is not `firstname`: only a whole name (or the part after the object type) matches.
        assert_eq!(submitted(LEGACY, &["name"], false), r#"[["track","Form Submitted",{"form_id":"f-1"}]]"#);
        assert_eq!(submitted("null", &["email"], true), r#"[["track","Form Submitted",{"form_id":"f-1"}]]"#);
    }

    #[test]
    fn the_email_is_an_identify_first_only_when_asked() {
        let identified = r#"[["identify",{"email":"ada@example.com"}],["track","Form Submitted",{"form_id":"f-1"}]]"#;
        assert_eq!(submitted(LEGACY, &[], true), identified);
        assert_eq!(submitted(NEWER, &[], true), identified);
        assert_eq!(submitted(LEGACY, &[], false), r#"[["track","Form Submitted",{"form_id":"f-1"}]]"#);
        assert_eq!(
            submitted(r#"{"email":"not an email"}"#, &[], true),
            r#"[["track","Form Submitted",{"form_id":"f-1"}]]"#
        );
    }

    #[test]
    fn announcements_of_a_submission() {
        use Announcement::{Callback, SuccessEvent};
        let message = value(
            r#"{"type":"hsFormCallback","eventName":"onFormSubmitted","id":"f-1","data":{"submissionValues":{"email":"a@b.co"}}}"#,
        );
        let Submission { form_id, values } = submission(Callback, &message).unwrap();
        assert_eq!(
            (form_id.to_json(), values.map(|v| v.to_json())),
            (r#""f-1""#.into(), Some(r#"{"email":"a@b.co"}"#.into()))
        );
        // The values of an onFormSubmitted without them are none, not the form's to ask.
        let bare = value(r#"{"type":"hsFormCallback","eventName":"onFormSubmitted","id":"f-1"}"#);
        assert_eq!(submission(Callback, &bare).unwrap().values, Some(Value::Null));
        let Submission { form_id, values } =
            submission(SuccessEvent, &value(r#"{"formId":"f-2","instanceId":"i-2"}"#)).unwrap();
        assert_eq!((form_id.to_json(), values), (r#""f-2""#.into(), None));
        for (kind, text) in [
            (Callback, r#"{"type":"hsFormCallback","eventName":"onFormSubmit","id":"f-1","data":[]}"#),
            (Callback, r#"{"type":"hsFormCallback","eventName":"onFormSubmitted"}"#),
            (Callback, r#"{"type":"hsFormCallback","eventName":"onFormSubmitted","id":""}"#),
            (Callback, r#"{"type":"other","eventName":"onFormSubmitted","id":"f-1"}"#),
            (Callback, r#"{"formId":"f-2"}"#),
            (SuccessEvent, r#"{"formId":7}"#),
            (SuccessEvent, r#"{"type":"hsFormCallback","eventName":"onFormSubmitted","id":"f-1"}"#),
            (SuccessEvent, "null"),
        ] {
            assert!(submission(kind, &value(text)).is_none(), "{text}");
        }
    }

    #[test]
    fn messages_are_believed_from_the_page_and_hubspot_forms_only() {
        let page = "https://shop.example";
        for origin in [page, "https://forms.hsforms.com", "https://js-eu1.hsforms.net", "https://hsforms.com"] {
            assert!(trusted_origin(origin, page), "{origin}");
        }
        for origin in [
            "https://evil.example",
            "https://evilhsforms.com",
            "http://forms.hsforms.com",
            "https://hsforms.com.evil.example",
            "null",
            "",
        ] {
            assert!(!trusted_origin(origin, page), "{origin}");
        }
    }

    #[test]
    fn forwarded_calls_are_kept_from_every_hubspot_destination() {
        assert_eq!(
            kept_from_hubspot().to_json(),
            r#"{"integrations":{"hubspot-wasm":false,"HubSpot":false,"HubSpot Web (Actions)":false}}"#
        );
    }
}
