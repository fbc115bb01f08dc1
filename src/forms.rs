//! HubSpot form submissions forwarded to analytics (S10), in plain Rust: which announcements to
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
    ["hsforms.net", "hsforms.com"]
        .iter()
        .any(|domain| host.strip_suffix(domain).is_some_and(|sub| sub.is_empty() || sub.ends_with('.')))
}

/// Whether the form's field `name` is the one listed as `listed`: the same name, or the newer
/// embed's `<object type>/<name>` (`0-1/email` is `email`).
fn is_field(name: &str, listed: &str) -> bool {
    name.strip_suffix(listed).is_some_and(|head| head.is_empty() || head.ends_with('/'))
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

/// What one submission becomes: the `Form Submitted` properties (`form_id`, the newer embed's
/// `form_instance_id`, then each field of `listed` (the `formFields` setting) that has a value,
/// under its listed name) and, when `identify` is asked and the form has an email, the traits
/// `{ email }`. `None` without a form id.
pub fn form_submitted<'a>(
    form_id: Option<Value<'a>>,
    instance_id: Option<Value<'a>>,
    values: &Value<'a>,
    listed: &[Value<'a>],
    identify: bool,
) -> Option<(Value<'a>, Option<Value<'a>>)> {
    let form_id = form_id.filter(|id| id.as_text().is_some_and(|id| !id.is_empty()))?;
    let mut properties = vec![(Cow::Borrowed("form_id"), form_id)];
    if let Some(id) = instance_id.filter(|id| id.as_text().is_some()) {
        properties.push((Cow::Borrowed("form_instance_id"), id));
    }
    for name in listed.iter().filter_map(Value::as_text) {
        if let Some(value) = field(values, name) {
            properties.push((Cow::Owned(name.into()), value.clone()));
        }
    }
    let email = field(values, "email").and_then(Value::as_text).map(trim_text).filter(|email| identify && is_email(email));
    let traits = email.map(|email| Value::Object(vec![(Cow::Borrowed("email"), Value::String(Cow::Owned(email.into())))]));
    Some((Value::Object(properties), traits))
}

/// The options of the forwarded calls: kept from every HubSpot destination, since HubSpot recorded
/// the submission itself. Other destinations get them.
pub fn kept_from_hubspot() -> Value<'static> {
    let off = |name| (Cow::Borrowed(name), Value::Bool(false));
    Value::Object(vec![(Cow::Borrowed("integrations"), Value::Object(vec![off(PLUGIN_NAME), off(CLASSIC), off(ACTIONS)]))])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> Value<'_> {
        Value::parse(json, &mut false).unwrap()
    }

    fn submitted(values: &str, listed: &[&str], identify: bool) -> Option<(String, Option<String>)> {
        let listed: Vec<Value> = listed.iter().map(|name| Value::String((*name).into())).collect();
        let id = Some(Value::String("f-1".into()));
        form_submitted(id, None, &value(values), &listed, identify).map(|(p, t)| (p.to_json(), t.map(|t| t.to_json())))
    }

    const LEGACY: &str = r#"{"email":" ada@example.com ","firstname":"Ada","message":"secret"}"#;
    const NEWER: &str = r#"[{"name":"0-1/email","value":"ada@example.com"},{"name":"0-1/firstname","value":"Ada"},{"name":"0-1/message","value":"secret"}]"#;

    #[test]
    fn no_field_value_leaves_the_form_unless_listed() {
        for values in [LEGACY, NEWER] {
            assert_eq!(submitted(values, &[], false), Some((r#"{"form_id":"f-1"}"#.into(), None)), "{values}");
            assert_eq!(submitted(values, &["firstname"], false).unwrap().0, r#"{"form_id":"f-1","firstname":"Ada"}"#);
        }
        assert_eq!(submitted(NEWER, &["0-1/firstname", "phone"], false).unwrap().0, r#"{"form_id":"f-1","0-1/firstname":"Ada"}"#);
        // `name` is not `firstname`: only a whole name (or the part after the object type) matches.
        assert_eq!(submitted(LEGACY, &["name"], false).unwrap().0, r#"{"form_id":"f-1"}"#);
    }

    #[test]
    fn the_email_is_an_identify_only_when_asked() {
        assert_eq!(submitted(LEGACY, &[], true).unwrap().1.as_deref(), Some(r#"{"email":"ada@example.com"}"#));
        assert_eq!(submitted(NEWER, &[], true).unwrap().1.as_deref(), Some(r#"{"email":"ada@example.com"}"#));
        assert_eq!(submitted(LEGACY, &[], false).unwrap().1, None);
        assert_eq!(submitted(r#"{"email":"not an email"}"#, &[], true).unwrap().1, None);
        assert_eq!(submitted(r#"{"firstname":"Ada"}"#, &[], true).unwrap().1, None);
    }

    #[test]
    fn instance_ids_and_missing_form_ids() {
        let listed = [];
        let (properties, _) =
            form_submitted(Some(Value::String("f".into())), Some(Value::String("i".into())), &Value::Null, &listed, true).unwrap();
        assert_eq!(properties.to_json(), r#"{"form_id":"f","form_instance_id":"i"}"#);
        for id in [None, Some(Value::Null), Some(Value::String("".into())), Some(value("{}"))] {
            assert!(form_submitted(id, None, &Value::Null, &listed, true).is_none());
        }
    }

    #[test]
    fn messages_are_believed_from_the_page_and_hubspot_forms_only() {
        let page = "https://shop.example";
        for origin in [page, "https://forms.hsforms.com", "https://js-eu1.hsforms.net", "https://hsforms.com"] {
            assert!(trusted_origin(origin, page), "{origin}");
        }
        for origin in ["https://evil.example", "https://evilhsforms.com", "http://forms.hsforms.com", "https://hsforms.com.evil.example", "null", ""] {
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
