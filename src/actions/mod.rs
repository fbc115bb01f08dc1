//! A Segment workspace's HubSpot Web (Actions) configuration, run as Segment's own runtime would.
//!
//! The workspace's subscriptions (`remotePlugins[].settings.subscriptions`: `{ partnerAction,
//! subscribe, mapping, enabled }`) decide what reaches HubSpot, as
//! `@segment/browser-destination-runtime` decides it: per event, each action's enabled
//! subscriptions in the workspace's order, each whose FQL trigger ([`fql`]) matches running the
//! action with the payload its mapping builds ([`mapping_kit`]); several may fire, none matching
//! sends nothing. The action's own rules follow (`formatCustomBehavioralEventNames`, the contact's
//! `email`), then this destination's HubSpot rules ([`crate::mapping`], [`crate::session`]).
//! Plain values in, commands out: tested natively.

pub mod fql;
pub mod mapping_kit;

use crate::mapping::{self, Command, Problems, Properties};
use crate::session::{Page, Session};
use crate::value::{concat, Value};
use std::borrow::Cow;

/// The actions of HubSpot Web (Actions), in the order Segment's runtime makes their plugins (and
/// so runs them for one event).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// `trackCustomBehavioralEvent`: `{ name, properties }`.
    TrackCustomBehavioralEvent,
    /// `trackPageView`: `{ path }`.
    TrackPageView,
    /// `upsertContact`: `{ email, id, custom_properties, company, country, state, city, address, zip }`.
    UpsertContact,
}

const ACTIONS: [(Action, &str); 3] = [
    (Action::TrackCustomBehavioralEvent, "trackCustomBehavioralEvent"),
    (Action::TrackPageView, "trackPageView"),
    (Action::UpsertContact, "upsertContact"),
];

/// One usable subscription.
#[derive(Debug)]
struct Subscription {
    /// How warnings name it: its `name`, else its action and place.
    label: String,
    action: Action,
    trigger: fql::Trigger,
    mapping: Value<'static>,
    /// Already warned about failing on an event (once per page is enough).
    warned: bool,
}

/// The workspace's subscriptions and the action settings they run with.
#[derive(Debug)]
pub struct Subscriptions {
    list: Vec<Subscription>,
    /// `formatCustomBehavioralEventNames` (default true): event names become `pe{portalId}_…`.
    pub format_event_names: bool,
}

/// JavaScript's truthiness, for `enabled` (the runtime filters with `s.enabled &&`).
fn truthy(value: Option<&Value<'_>>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => !matches!(&**n, "0" | "-0" | "NaN"),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

fn warning(label: &str, why: &str) -> String {
    concat(&["hubspot-wasm: the workspace's HubSpot Web (Actions) subscription \"", label, "\" ", why])
}

impl Subscriptions {
    /// The subscriptions of the workspace's HubSpot Web (Actions) plugin settings (its
    /// `remotePlugins` entry's `settings`). `None` where it has none (the presets then apply, as
    /// before). One warning per subscription that cannot be used (never fires), and one when
    /// `subscriptions` is not a list (the presets then apply).
    pub fn from_settings(settings: &Value<'_>, warnings: &mut Vec<String>) -> Option<Subscriptions> {
        let format_event_names = !matches!(settings.get("formatCustomBehavioralEventNames"), Some(Value::Bool(false)));
        let items = match settings.get("subscriptions")? {
            Value::Array(items) => items,
            Value::Null => return None,
            _ => {
                warnings.push(String::from(
                    "hubspot-wasm: the workspace's HubSpot Web (Actions) subscriptions are not a list; its default actions are used",
                ));
                return None;
            }
        };
        let mut list = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let partner_action = item.get("partnerAction").and_then(Value::as_text).unwrap_or_default();
            let label = match item.get("name").and_then(Value::as_text) {
                Some(name) => String::from(name),
                None => concat(&[partner_action, " #", &mapping::decimal(i as i64 + 1)]),
            };
            if !truthy(item.get("enabled")) {
                continue;
            }
            let Some(action) = ACTIONS.iter().find(|(_, name)| *name == partner_action).map(|(a, _)| *a) else {
                warnings.push(warning(&label, "names no HubSpot Web action; it never fires"));
                continue;
            };
            let trigger = match item.get("subscribe") {
                Some(Value::String(fql)) => fql::parse(fql),
                _ => Err(fql::ParseError("not text")),
            };
            let Ok(trigger) = trigger else {
                warnings.push(warning(&label, "has a trigger Segment's FQL cannot parse; it never fires"));
                continue;
            };
            // `sub.mapping ?? {}`.
            let mapping = match item.get("mapping") {
                None | Some(Value::Null) => Value::Object(Vec::new()),
                Some(mapping) => mapping.owned_copy(),
            };
            if let Err(error) = mapping_kit::validate(&mapping) {
                warnings.push(warning(
                    &label,
                    &concat(&["has a mapping Segment cannot use (", error.message(), "); it never fires"]),
                ));
                continue;
            }
            list.push(Subscription { label, action, trigger, mapping, warned: false });
        }
        Some(Subscriptions { list, format_event_names })
    }

    /// The commands of one event (the whole `ctx.event`): each action's subscriptions in turn, as
    /// Segment's runtime runs them. Also whether they hold HubSpot's own first page view (see
    /// [`Session::page`]). Warnings for subscriptions that failed on it go to `warnings`.
    pub fn run(
        &mut self,
        event: &Value<'_>,
        session: &mut Session,
        location: (&str, &str),
        problems: &mut Problems,
        warnings: &mut Vec<String>,
    ) -> Page<'static> {
        let mut commands = Vec::new();
        let mut hubspots_view = false;
        for (action, _) in ACTIONS {
            for subscription in self.list.iter_mut().filter(|s| s.action == action) {
                // Where the reference throws (evaluating an empty `()`, or resolving the mapping),
                // its loop over this action's subscriptions ends for the event.
                let payload = match fql::matches(&subscription.trigger, event) {
                    Ok(false) => continue,
                    Ok(true) => {
                        mapping_kit::transform(&subscription.mapping, event).map_err(|e| String::from(e.message()))
                    }
                    Err(fql::Thrown) => Err(String::from("its trigger failed on an event")),
                };
                let payload = match payload {
                    Ok(payload) => payload,
                    Err(why) => {
                        if !std::mem::replace(&mut subscription.warned, true) {
                            warnings.push(warning(
                                &subscription.label,
                                &concat(&[
                                    "failed (",
                                    &why,
                                    "); the action's later subscriptions were skipped for that event",
                                ]),
                            ));
                        }
                        break;
                    }
                };
                match action {
                    Action::TrackCustomBehavioralEvent => {
                        self::track(&payload, self.format_event_names, session, problems, &mut commands)
                    }
                    Action::TrackPageView => hubspots_view |= page(&payload, event, session, location, &mut commands),
                    Action::UpsertContact => contact(&payload, session, problems, &mut commands),
                }
            }
        }
        Page { commands, hubspots_view }
    }
}

/// `trackCustomBehavioralEvent` with its payload: the mapped name formatted as HubSpot's internal
/// name (`pe{portalId}_…`) unless the workspace says not to, properties as HubSpot takes them.
fn track(
    payload: &Value<'_>,
    format: bool,
    session: &mut Session,
    problems: &mut Problems,
    commands: &mut Vec<Command<'static>>,
) {
    let name = payload.get("name").and_then(Value::as_text).map(mapping::trim_text).unwrap_or_default();
    let properties = payload.get("properties").unwrap_or(&Value::Null);
    let command = match name {
        "" => None,
        name if format => mapping::custom_behavioral_event(&session.settings.portal_id, name, properties, problems),
        // The event as HubSpot takes it under a placeholder name, then the mapped one as is (the
        // lean wasm keeps one copy of the event's rules this way).
        name => mapping::custom_behavioral_event("", "x", properties, problems).map(|mut command| {
            if let Command::TrackCustomBehavioralEvent { name: unformatted, .. } = &mut command {
                *unformatted = String::from(name);
            }
            command
        }),
    };
    let Some(command) = command else {
        problems.no_event_name = true;
        return;
    };
    push_owned(commands, session.event(command));
}

/// `trackPageView`: the mapped `path` when there is one, else the page's own (its `properties`,
/// then the browser's location); HubSpot's own first view is kept, as always. Whether the
/// commands hold that view (see [`Session::page`]).
fn page(
    payload: &Value<'_>,
    event: &Value<'_>,
    session: &mut Session,
    (location_path, location_search): (&str, &str),
    commands: &mut Vec<Command<'static>>,
) -> bool {
    let mapped = match payload.get("path") {
        Some(Value::String(path)) if !path.is_empty() => Some(Value::Object(vec![(
            Cow::Borrowed("properties"),
            Value::Object(vec![
                (Cow::Borrowed("path"), Value::String(Cow::Borrowed(&**path))),
                (Cow::Borrowed("search"), Value::String(Cow::Borrowed(""))),
            ]),
        )])),
        _ => None,
    };
    let page = session.page(mapped.as_ref().unwrap_or(event), location_path, location_search);
    push_owned(commands, page.commands);
    page.hubspots_view
}

/// `upsertContact`: nothing without the mapped `email`; else its `custom_properties` (but their
/// `address` and `company` objects) under the mapped fields, as HubSpot contact properties, held
/// for the next page or track (or sent at once with `flushIdentifyImmediately`).
fn contact(payload: &Value<'_>, session: &mut Session, problems: &mut Problems, commands: &mut Vec<Command<'static>>) {
    if !truthy(payload.get("email")) {
        return;
    }
    let mut traits = match payload.get("custom_properties") {
        Some(Value::Object(custom)) => members_except(custom, &["address", "company"]),
        _ => Vec::new(),
    };
    if let Value::Object(fields) = payload {
        traits.append(&mut members_except(fields, &["custom_properties"]));
    }
    let event = Value::Object(vec![(Cow::Borrowed("traits"), Value::Object(traits))]);
    push_owned(commands, session.identify(&event, problems));
}

/// Copies of an object's members but those named in `skip`.
fn members_except<'v>(members: &[(Cow<'v, str>, Value<'v>)], skip: &[&str]) -> Vec<(Cow<'v, str>, Value<'v>)> {
    let mut out = Vec::with_capacity(members.len());
    for (key, value) in members {
        if !skip.contains(&&**key) {
            out.push((key.clone(), value.clone()));
        }
    }
    out
}

/// Whitespace as JavaScript strips it (`String.prototype.trim`, and `Number()` around a number).
fn js_trim(s: &str) -> &str {
    s.trim_matches(|c| {
        matches!(
            c,
            '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
        )
    })
}

/// `made` appended to `commands`, no longer borrowing the payload they were made from.
fn push_owned(commands: &mut Vec<Command<'static>>, made: Vec<Command<'_>>) {
    for command in made {
        commands.push(owned_command(command));
    }
}

/// A command that no longer borrows what it was made from (their properties are flat).
fn owned_command(command: Command<'_>) -> Command<'static> {
    let copy = |properties: Properties<'_>| {
        let mut out = Properties::default();
        out.absorb(properties);
        out
    };
    match command {
        Command::Identify(p) => Command::Identify(copy(p)),
        Command::TrackEvent(p) => Command::TrackEvent(copy(p)),
        Command::TrackCustomBehavioralEvent { name, properties } => {
            Command::TrackCustomBehavioralEvent { name, properties: copy(properties) }
        }
        Command::SetPath(path) => Command::SetPath(path),
        Command::TrackPageView => Command::TrackPageView,
        Command::ResetVisitor => Command::ResetVisitor,
    }
}

#[cfg(test)]
mod tests;
