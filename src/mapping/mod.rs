//! Segment calls → HubSpot `_hsq` commands. Pure Rust: no browser, tested natively.
//!
//! Each rule here is one of HubSpot's or Segment's mapping rules (the README's "What reaches
//! HubSpot"); [`crate::session`] decides *when* the commands go.

mod date;
mod properties;

pub use date::{decimal, epoch_millis};
pub use properties::{
    clean_name, property_name, renamed_beyond_case, trim_text, Properties, MAX_NAME_LENGTH, MAX_PROPERTIES,
};

use crate::value::{concat, Value, MAX_DEPTH};
use std::borrow::Cow;

/// HubSpot's limit on properties of one custom behavioural event.
pub const MAX_CUSTOM_EVENT_PROPERTIES: usize = 50;

/// One command for HubSpot's `_hsq` queue, in HubSpot's own words.
#[derive(Clone, Debug, PartialEq)]
pub enum Command<'a> {
    /// `['identify', properties]`: contact properties, sent with every later tracking call.
    Identify(Properties<'a>),
    /// `['setPath', path]`: the path later requests are recorded for.
    SetPath(String),
    /// `['trackPageView']`.
    TrackPageView,
    /// `['trackEvent', { id, ...properties }]`: the legacy event HubSpot no longer processes.
    TrackEvent(Properties<'a>),
    /// `['trackCustomBehavioralEvent', { name, properties }]`.
    TrackCustomBehavioralEvent {
        /// The event's internal name, `pe{portalId}_…`.
        name: String,
        /// Its normalised properties.
        properties: Properties<'a>,
    },
    /// A new visitor with no identity (analytics `reset()`): HubSpot's tracker's `resetVisitor`,
    /// which its documented API lacks. The browser edge calls it from a function entry, only
    /// where the tracker has it.
    ResetVisitor,
}

impl<'a> Command<'a> {
    /// The command as the array HubSpot's queue takes (`['identify', {…}]`), as one value;
    /// `None` for [`Command::ResetVisitor`], which is a function entry, not an array.
    pub fn into_value(self) -> Option<Value<'a>> {
        let (name, argument) = match self {
            Command::Identify(properties) => ("identify", Some(properties.into_value())),
            Command::SetPath(path) => ("setPath", Some(Value::String(path.into()))),
            Command::TrackPageView => ("trackPageView", None),
            Command::TrackEvent(properties) => ("trackEvent", Some(properties.into_value())),
            Command::TrackCustomBehavioralEvent { name, properties } => {
                let event = vec![
                    (Cow::Borrowed("name"), Value::String(name.into())),
                    (Cow::Borrowed("properties"), properties.into_value()),
                ];
                ("trackCustomBehavioralEvent", Some(Value::Object(event)))
            }
            Command::ResetVisitor => return None,
        };
        let mut items = Vec::with_capacity(2);
        items.push(Value::String(Cow::Borrowed(name)));
        if let Some(argument) = argument {
            items.push(argument);
        }
        Some(Value::Array(items))
    }
}

/// Commands as one array (a reset as the string `"resetVisitor"`): the form tests check.
#[cfg(test)]
pub fn commands_value(commands: &[Command<'_>]) -> Value<'static> {
    let values = commands.iter().map(|c| c.clone().into_value().unwrap_or(Value::String("resetVisitor".into())));
    Value::Array(values.collect()).into_owned()
}

/// [`commands_value`] as JSON text: the form tests compare.
#[cfg(test)]
pub fn commands_json(commands: &[Command<'_>]) -> String {
    commands_value(commands).to_json()
}

/// What was wrong with a call's data, gathered so that each kind is warned about once per call
/// (and each renamed or dropped property name once per page: see [`crate::destination`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems {
    /// Nesting deeper than [`crate::value::MAX_DEPTH`] was dropped.
    pub too_deep: bool,
    /// Keys `__proto__`, `constructor` or `prototype` were dropped.
    pub forbidden_key: bool,
    /// Traits or properties were not an object (an array or a primitive) and were ignored.
    pub not_an_object: bool,
    /// More than [`MAX_PROPERTIES`] properties; the rest were dropped.
    pub too_many: bool,
    /// `track` without a usable event name was skipped.
    pub no_event_name: bool,
    /// Custom event properties past HubSpot's 50, by name.
    pub over_custom_limit: Vec<String>,
    /// Keys worth a warning, once each: (key, HubSpot's name) for a key sent under another name
    /// than lower-casing alone gives, (key, `None`) for a key no HubSpot name could be made of.
    pub names: Vec<(String, Option<String>)>,
}

impl Problems {
    /// `key` as HubSpot's internal name ([`property_name`]), noting a rename or a drop.
    pub fn name<'a>(&mut self, key: &Cow<'a, str>) -> Option<Cow<'a, str>> {
        let name = property_name(key);
        let worth_a_warning = name.as_ref().is_none_or(|name| renamed_beyond_case(key, name));
        if worth_a_warning && !self.names.iter().any(|(k, _)| k == key) {
            self.names.push((String::from(&**key), name.as_deref().map(String::from)));
        }
        name
    }

    /// One warning per kind of problem, worded for the developer reading the console, each
    /// handed to `warn` as it is worded.
    pub fn warn(&self, mut warn: impl FnMut(&str)) {
        // The limits as the constants set them.
        let limit = |n: usize| decimal(n as i64);
        if self.too_deep {
            warn(&concat(&["hubspot-wasm: values nested past ", &limit(MAX_DEPTH), " levels were dropped"]));
        }
        if self.forbidden_key {
            warn("hubspot-wasm: keys __proto__, constructor and prototype were dropped");
        }
        if self.not_an_object {
            warn("hubspot-wasm: traits or properties that were not an object were dropped");
        }
        if self.too_many {
            warn(&concat(&["hubspot-wasm: properties past ", &limit(MAX_PROPERTIES), " in one call were dropped"]));
        }
        if self.no_event_name {
            warn("hubspot-wasm: track without an event name was skipped");
        }
        if !self.over_custom_limit.is_empty() {
            // The first few by name: a 10,000-key object must not make a 10,000-name warning.
            let mut message = concat(&[
                "hubspot-wasm: custom event properties past ",
                &limit(MAX_CUSTOM_EVENT_PROPERTIES),
                " were dropped:",
            ]);
            for name in self.over_custom_limit.iter().take(NAMED_DROPS) {
                message.push(' ');
                message.push_str(name);
            }
            if let Some(more) = self.over_custom_limit.len().checked_sub(NAMED_DROPS).filter(|more| *more > 0) {
                message.push_str(&concat(&[" and ", &decimal(more as i64), " more"]));
            }
            warn(&message);
        }
        if self.names.is_empty() {
            return;
        }
        // HubSpot's rule for internal property names, as the warnings quote it.
        let rule = concat(&[
            " (HubSpot names: a-z, 0-9 and _, a letter first, at most ",
            &limit(MAX_NAME_LENGTH),
            " characters)",
        ]);
        // Renamed keys first, then dropped ones.
        for dropped in [false, true] {
            for (key, name) in self.names.iter().filter(|(_, name)| name.is_none() == dropped) {
                let outcome = match name {
                    Some(name) => concat(&["sent as \"", name, "\""]),
                    None => String::from("dropped"),
                };
                warn(&concat(&["hubspot-wasm: property \"", key, "\" ", &outcome, &rule]));
            }
        }
    }

    /// The warnings [`Problems::warn`] gives, as a list.
    #[cfg(test)]
    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.warn(|message| out.push(String::from(message)));
        out
    }
}

/// How many of the custom event properties past HubSpot's limit a warning names.
const NAMED_DROPS: usize = 10;

/// The members of traits or properties: none for null (and so undefined), none and a
/// `not_an_object` problem for an array or a primitive.
fn members_of<'v, 'a>(value: &'v Value<'a>, problems: &mut Problems) -> &'v [(Cow<'a, str>, Value<'a>)] {
    match value {
        Value::Object(members) => members,
        Value::Null => &[],
        _ => {
            problems.not_an_object = true;
            &[]
        }
    }
}

/// The contact properties of an identify, or `None` when there is no email to send.
pub fn identify_properties<'a>(
    user_id: Option<&'a str>,
    traits: &Value<'a>,
    problems: &mut Problems,
) -> Option<Properties<'a>> {
    let members = members_of(traits, problems);
    let mut out = Properties::with_capacity(members.len() + 2); // and the id and email
    for (key, value) in members {
        let Some(name) = problems.name(key) else { continue };
        match (&*name, value) {
            // A company object is sent as its name alone (HubSpot's `company` is text).
            ("company", Value::Object(_)) => {
                if let Some(company) = value.get("name") {
                    out.flatten_named(name, company, problems);
                }
            }
            ("address", Value::Object(parts)) => {
                for (part, value) in parts {
                    let Some(part) = problems.name(part) else { continue };
                    let target = match &*part {
                        "street" => "address".into(),
                        "city" | "state" | "country" => part,
                        "postalcode" | "postal_code" => "zip".into(),
                        _ => concat(&["address_", &part]).into(),
                    };
                    out.flatten(&target, value, problems);
                }
            }
            ("first_name", _) => out.flatten_named("firstname".into(), value, problems),
            ("last_name", _) => out.flatten_named("lastname".into(), value, problems),
            _ => out.flatten_named(name, value, problems),
        }
    }
    // Cleaned like every other string: a zero-width character must not start a contact's email.
    let user_id = user_id.map(trim_text).filter(|id| !id.is_empty());
    let has_email = matches!(out.get("email"), Some(Value::String(e)) if !e.is_empty());
    let email = if has_email { None } else { Some(user_id.filter(|id| is_email(id))?) };
    let missing = usize::from(user_id.is_some() && out.get("id").is_none())
        + usize::from(email.is_some() && out.get("email").is_none());
    make_room(&mut out, missing, problems);
    if let Some(id) = user_id {
        out.set("id".into(), Value::String(id.into()), problems);
    }
    if let Some(email) = email {
        out.set("email".into(), Value::String(email.into()), problems);
    }
    Some(out)
}

/// A full map (a hostile 10,000-key object) gives up its last properties for the `count` that
/// must be sent: a contact's `id` and `email`, an event's `id`.
fn make_room(out: &mut Properties<'_>, count: usize, problems: &mut Problems) {
    if out.len() + count > MAX_PROPERTIES {
        out.truncate(MAX_PROPERTIES - count);
        problems.too_many = true;
    }
}

/// `local@domain.tld`, nothing more: enough to tell an email-shaped userId from an opaque one.
pub fn is_email(text: &str) -> bool {
    // Characters searched for as `[c]`, as everywhere in the crate: one searcher in the wasm,
    // where a bare `char` adds std's memchr one (docs/size.md).
    let Some((local, domain)) = text.split_once(['@']) else { return false };
    !local.is_empty()
        && domain.contains(['.'])
        && !domain.starts_with(".")
        && !domain.ends_with(".")
        && !domain.contains(['@'])
        && !text.contains([','])
        && !text.contains(char::is_whitespace)
}

/// Event properties as HubSpot takes them: names HubSpot's, objects flattened, arrays joined.
fn event_properties<'a>(properties: &Value<'a>, problems: &mut Problems) -> Properties<'a> {
    let members = members_of(properties, problems);
    let mut out = Properties::with_capacity(members.len());
    for (key, value) in members {
        out.flatten(key, value, problems);
    }
    out
}

/// The legacy `trackEvent` (only when `customBehavioralEvents: false`), in HubSpot's documented
/// object form: `id` is the event, so `properties.id` becomes `_id`; `revenue` becomes `value`,
/// the field HubSpot added to the contact's revenue.
pub fn track_event<'a>(name: &str, properties: &Value<'a>, problems: &mut Problems) -> Command<'a> {
    let properties = event_properties(properties, problems);
    let mut legacy = Properties::with_capacity(properties.len() + 1);
    for (key, value) in properties.into_members() {
        let key = match &*key {
            "id" => "_id".into(),
            "revenue" => "value".into(),
            _ => key,
        };
        legacy.set(key, value, problems);
    }
    make_room(&mut legacy, 1, problems);
    legacy.set("id".into(), Value::String(String::from(name).into()), problems);
    Command::TrackEvent(legacy)
}

/// A custom behavioral event: name `pe{portalId}_…`, properties with HubSpot's names, flat, at
/// most 50. `None` when nothing of the name can be sent.
pub fn custom_behavioral_event<'a>(
    portal_id: &str,
    name: &str,
    properties_value: &Value<'a>,
    problems: &mut Problems,
) -> Option<Command<'a>> {
    let name = custom_event_name(portal_id, name)?;
    let mut properties = event_properties(properties_value, problems);
    problems.over_custom_limit = properties.truncate(MAX_CUSTOM_EVENT_PROPERTIES);
    for value in properties.values_mut() {
        // HubSpot's tracker sends `0` and `false` (its "empty" values) as nothing at all: as text
        // they arrive.
        match value {
            Value::Number(n) if n == "0" || n == "-0" => *value = Value::String("0".into()),
            Value::Bool(false) => *value = Value::String("false".into()),
            _ => {}
        }
    }
    Some(Command::TrackCustomBehavioralEvent { name, properties })
}

/// A name already in HubSpot's `pe<digits>_` form is kept; any other becomes `pe{portalId}_` +
/// the name in HubSpot's characters ([`clean_name`]). `None` when nothing is left of it.
pub fn custom_event_name(portal_id: &str, name: &str) -> Option<String> {
    let internal = name
        .strip_prefix("pe")
        .and_then(|rest| rest.split_once(['_']))
        .is_some_and(|(portal, _)| !portal.is_empty() && portal.bytes().all(|b| b.is_ascii_digit()));
    if internal {
        return Some(name.into());
    }
    let name = clean_name(name);
    (!name.is_empty()).then(|| concat(&["pe", portal_id, "_", &name]))
}

/// The path HubSpot records a page view for: `properties.path` + `properties.search`, each
/// falling back to the browser's location.
pub fn page_path(properties: &Value<'_>, location_path: &str, location_search: &str) -> String {
    let text = |key, fallback| match properties.get(key) {
        Some(Value::String(s)) => trim_text(s).to_string(),
        _ => String::from(fallback),
    };
    let mut path = text("path", location_path);
    if path.is_empty() {
        path.push('/');
    }
    let search = text("search", location_search);
    if !search.is_empty() && !search.starts_with("?") {
        path.push('?');
    }
    path + &search
}

/// The consent object HubSpot's `setHubSpotConsent` takes: only its three boolean keys.
pub fn consent(choices: &Value<'_>) -> Value<'static> {
    let mut out = Vec::new();
    for &key in &["analytics", "advertisement", "functionality"] {
        if let Some(Value::Bool(b)) = choices.get(key) {
            out.push((Cow::Borrowed(key), Value::Bool(*b)));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;
