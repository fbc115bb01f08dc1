//! Segment calls → HubSpot `_hsq` commands. Pure Rust: no browser, tested natively.
//!
//! Each rule here is one line of SPEC S4–S6; [`crate::session`] decides *when* the commands go.

mod date;
mod properties;

pub use date::{decimal, epoch_millis};
pub use properties::{blank, property_name, trim_text, Properties, MAX_PROPERTIES};

use crate::value::{concat, digits, has, split_once, Value};
use std::borrow::Cow;

/// HubSpot's limit on properties of one custom behavioural event.
pub const MAX_CUSTOM_EVENT_PROPERTIES: usize = 50;

/// One command for HubSpot's `_hsq` queue, in HubSpot's own words.
#[derive(Clone, Debug, PartialEq)]
pub enum Command<'a> {
    /// `['identify', properties]`: contact properties, sent with the next tracking call.
    Identify(Properties<'a>),
    /// `['setPath', path]`: the path the next page view is recorded for.
    SetPath(String),
    /// `['trackPageView']`.
    TrackPageView,
    /// `['trackEvent', { id, ...properties }]`: a legacy behavioural event.
    TrackEvent(Properties<'a>),
    /// `['trackCustomBehavioralEvent', { name, properties }]`.
    TrackCustomBehavioralEvent {
        /// The event's internal name, `pe{portalId}_…`.
        name: String,
        /// Its normalised properties.
        properties: Properties<'a>,
    },
}

impl Command<'_> {
    /// Appends the command as the JSON array HubSpot's queue takes.
    pub fn write_json(&self, out: &mut String) {
        self.clone().into_value().write_json(out);
    }
}

impl<'a> Command<'a> {
    /// The command as the array HubSpot's queue takes (`['identify', {…}]`), as one value: the
    /// browser edge hands every command to `_hsq` through one value writer.
    pub fn into_value(self) -> Value<'a> {
        let call = |name: &'static str, argument: Option<Value<'a>>| {
            let mut items = Vec::with_capacity(2);
            items.push(Value::String(Cow::Borrowed(name)));
            if let Some(argument) = argument {
                items.push(argument);
            }
            Value::Array(items)
        };
        match self {
            Command::Identify(properties) => call("identify", Some(properties.into_value())),
            Command::SetPath(path) => call("setPath", Some(Value::String(path.into()))),
            Command::TrackPageView => call("trackPageView", None),
            Command::TrackEvent(properties) => call("trackEvent", Some(properties.into_value())),
            Command::TrackCustomBehavioralEvent { name, properties } => {
                let event = vec![
                    (Cow::Borrowed("name"), Value::String(name.into())),
                    (Cow::Borrowed("properties"), properties.into_value()),
                ];
                call("trackCustomBehavioralEvent", Some(Value::Object(event)))
            }
        }
    }
}

/// Writes commands as one JSON array: their text form, which the tests compare.
pub fn commands_json(commands: &[Command<'_>]) -> String {
    let mut out = String::new();
    write_commands(commands, &mut out);
    out
}

/// Appends commands as one JSON array.
pub fn write_commands(commands: &[Command<'_>], out: &mut String) {
    out.push('[');
    for (i, command) in commands.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        command.write_json(out);
    }
    out.push(']');
}

/// What was wrong with a call's data, gathered so that each kind is warned about once per call.
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
}

impl Problems {
    /// Whether there is anything to warn about.
    pub fn any(&self) -> bool {
        let Problems { too_deep, forbidden_key, not_an_object, too_many, no_event_name, over_custom_limit } = self;
        *too_deep || *forbidden_key || *not_an_object || *too_many || *no_event_name || !over_custom_limit.is_empty()
    }

    /// One warning per kind of problem, worded for the developer reading the console.
    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut say = |cond: bool, text: &str| {
            if cond {
                out.push(concat(&["hubspot-wasm: ", text]));
            }
        };
        say(self.too_deep, "values nested more than 32 levels deep were dropped");
        say(self.forbidden_key, "keys __proto__, constructor and prototype were dropped");
        say(self.not_an_object, "traits and properties must be objects; a non-object was ignored");
        say(self.too_many, "more than 1000 properties in one call; the rest were dropped");
        say(self.no_event_name, "track without an event name was skipped");
        if !self.over_custom_limit.is_empty() {
            let mut message =
                String::from("hubspot-wasm: HubSpot takes at most 50 properties per custom behavioral event; dropped:");
            for name in &self.over_custom_limit {
                message.push(' ');
                message.push_str(name);
            }
            out.push(message);
        }
        out
    }
}

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

/// S4: the contact properties of an identify, or `None` when there is no email to send.
pub fn identify_properties<'a>(
    user_id: Option<&'a str>,
    traits: &Value<'a>,
    problems: &mut Problems,
) -> Option<Properties<'a>> {
    let members = members_of(traits, problems);
    let mut out = Properties::with_capacity(members.len() + 2); // and the id and email
    for (key, value) in members {
        let name = property_name(key);
        match (&*name, value) {
            // A company object is sent as its name alone (HubSpot's `company` is text).
            ("company", Value::Object(_)) => {
                if let Some(company) = value.get("name") {
                    out.flatten(name, company, problems);
                }
            }
            ("address", Value::Object(parts)) => {
                for (part, value) in parts {
                    let part = property_name(part);
                    let target = match &*part {
                        "street" => "address".into(),
                        "city" | "state" | "country" => part,
                        "postalcode" | "postal_code" => "zip".into(),
                        _ => concat(&["address_", &part]).into(),
                    };
                    out.flatten(target, value, problems);
                }
            }
            ("first_name", _) => out.flatten("firstname".into(), value, problems),
            ("last_name", _) => out.flatten("lastname".into(), value, problems),
            _ => out.flatten(name, value, problems),
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
    let Some((local, domain)) = split_once(text, b'@') else { return false };
    let bytes = text.as_bytes();
    let spaced = (0..bytes.len()).any(|at| bytes.get(at..).and_then(|rest| blank(rest, false, false)).is_some());
    !local.is_empty()
        && has(domain, b'.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !has(domain, b'@')
        && !has(text, b',')
        && !spaced
}

/// S5 (default): `trackEvent` in HubSpot's documented object form. `properties.id` becomes `_id`
/// (`id` is the event), `revenue` becomes `value`; keys are otherwise left as the page wrote them.
pub fn track_event<'a>(name: &str, properties: &Value<'a>, problems: &mut Problems) -> Command<'a> {
    let members = members_of(properties, problems);
    let mut out = Properties::with_capacity(members.len() + 1); // and the id
    let mut revenue = None;
    for (key, value) in members {
        match &**key {
            "id" => out.set_clean("_id".into(), value, problems),
            "revenue" => revenue = Some(value),
            _ => out.set_clean(key.clone(), value, problems),
        }
    }
    if let Some(revenue) = revenue {
        out.set_clean("value".into(), revenue, problems);
    }
    make_room(&mut out, 1, problems);
    out.set("id".into(), Value::String(String::from(name).into()), problems);
    Command::TrackEvent(out)
}

/// S5 (`customBehavioralEvents`): name `pe{portalId}_…` and flattened, capped properties.
pub fn custom_behavioral_event<'a>(
    portal_id: &str,
    name: &str,
    properties: &Value<'a>,
    problems: &mut Problems,
) -> Command<'a> {
    let members = members_of(properties, problems);
    let mut out = Properties::with_capacity(members.len());
    for (key, value) in members {
        out.flatten(property_name(key), value, problems);
    }
    problems.over_custom_limit = out.truncate(MAX_CUSTOM_EVENT_PROPERTIES);
    Command::TrackCustomBehavioralEvent { name: custom_event_name(portal_id, name), properties: out }
}

/// A name already in HubSpot's `pe<digits>_` form is kept; any other becomes
/// `pe{portalId}_` + the name lower-cased, each run of whitespace and dots one `_`.
pub fn custom_event_name(portal_id: &str, name: &str) -> String {
    let internal =
        name.strip_prefix("pe").and_then(|rest| split_once(rest, b'_')).is_some_and(|(portal, _)| digits(portal));
    if internal {
        return name.into();
    }
    let mut out = concat(&["pe", portal_id, "_"]);
    let bytes = name.as_bytes();
    let (mut at, mut kept, mut in_run) = (0, 0, false);
    while let Some(rest) = bytes.get(at..).filter(|rest| !rest.is_empty()) {
        match if rest.first() == Some(&b'.') { Some(1) } else { blank(rest, false, false) } {
            Some(n) => {
                out.push_str(name.get(kept..at).unwrap_or_default());
                if !in_run {
                    out.push('_');
                }
                in_run = true;
                at += n;
                kept = at;
            }
            None => {
                in_run = false;
                at += 1;
            }
        }
    }
    out.push_str(name.get(kept..).unwrap_or_default());
    out.make_ascii_lowercase();
    out
}

/// S6: the path HubSpot records a page view for: `properties.path` + `properties.search`, each
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
    if !search.is_empty() && !search.starts_with('?') {
        path.push('?');
    }
    path + &search
}

/// S7: the consent object HubSpot's `setHubSpotConsent` takes: only its three boolean keys.
pub fn consent(choices: &Value<'_>) -> Value<'static> {
    let mut out = Vec::new();
    for key in ["analytics", "advertisement", "functionality"] {
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
