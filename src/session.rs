//! When commands go: identify traits held until the next page or track, the first page view
//! (HubSpot's own), and `reset()`. Pure: events in, commands out, tested natively.

use crate::mapping::{self, Command, Problems, Properties};
use crate::settings::Settings;
use crate::value::Value;

/// One plugin's state between calls.
#[derive(Debug)]
pub struct Session {
    /// The destination's validated settings.
    pub settings: Settings,
    /// Traits waiting for the next tracking call: HubSpot only sends identity along with one.
    pending: Option<Properties<'static>>,
    /// Whether the first `page` call has been seen (HubSpot's code records that view itself).
    first_page_seen: bool,
}

/// The contact properties of `traits` (with the event's `userId`), if they make an identify.
fn contact<'a>(event: &'a Value<'_>, traits: &'a Value<'_>, problems: &mut Problems) -> Option<Properties<'a>> {
    mapping::identify_properties(event.get("userId").and_then(Value::as_text), traits, problems)
}

/// What a `page` call makes.
#[derive(Debug)]
pub struct Page<'a> {
    /// `setPath`, `trackPageView` where HubSpot does not send the view itself, pending identity first.
    pub commands: Vec<Command<'a>>,
    /// This was the first page, whose view HubSpot's code sends itself when it starts: the
    /// commands set that view's path and identity, so they must reach the tracker before it.
    pub hubspots_view: bool,
}

impl Session {
    /// A session for these settings.
    pub fn new(settings: Settings) -> Session {
        Session { settings, pending: None, first_page_seen: false }
    }

    /// Whether identify traits are waiting for a tracking call.
    pub fn has_pending_identity(&self) -> bool {
        self.pending.is_some()
    }

    /// An identify holds its traits (merged over earlier ones) until the next page or track,
    /// or, with `flushIdentifyImmediately`, sends them at once with a page view.
    pub fn identify<'a>(&mut self, event: &'a Value<'_>, problems: &mut Problems) -> Vec<Command<'a>> {
        let traits = event.get("traits").unwrap_or(&Value::Null);
        let Some(properties) = contact(event, traits, problems) else { return Vec::new() };
        self.hold(properties);
        if !self.settings.flush_identify_immediately {
            return Vec::new();
        }
        self.event(Command::TrackPageView)
    }

    /// The event, preceded by pending identity (and by `context.traits` carrying an email).
    pub fn track<'a>(&mut self, event: &Value<'a>, problems: &mut Problems) -> Vec<Command<'a>> {
        let name = event.get("event").and_then(Value::as_text).map(mapping::trim_text).unwrap_or_default();
        let properties = event.get("properties").unwrap_or(&Value::Null);
        let command = match name {
            "" => None,
            name if self.settings.custom_behavioral_events => {
                mapping::custom_behavioral_event(&self.settings.portal_id, name, properties, problems)
            }
            name => Some(mapping::track_event(name, properties, problems)),
        };
        let Some(command) = command else {
            problems.no_event_name = true;
            return Vec::new();
        };
        if let Some(properties) =
            event.get("context").and_then(|c| c.get("traits")).and_then(|t| contact(event, t, problems))
        {
            self.hold(properties);
        }
        self.event(command)
    }

    /// A tracking command (a track's, a flushed identify's page view, a workspace subscription's
    /// custom behavioral event), preceded by the pending identity: HubSpot sends identity only
    /// with a tracking call.
    pub fn event<'a>(&mut self, command: Command<'a>) -> Vec<Command<'a>> {
        let mut commands = self.pending_first();
        commands.push(command);
        commands
    }

    /// `setPath` + `trackPageView`. The first page is HubSpot's own view (its code records it
    /// when it starts) unless `trackInitialPageView`: then only its path and the pending
    /// identity go, for that view.
    pub fn page<'a>(&mut self, event: &Value<'a>, location_path: &str, location_search: &str) -> Page<'a> {
        let first = !self.first_page_seen;
        self.first_page_seen = true;
        let properties = event.get("properties").unwrap_or(&Value::Null);
        let mut commands = self.pending_first();
        commands.push(Command::SetPath(mapping::page_path(properties, location_path, location_search)));
        let hubspots_own = first && !self.settings.track_initial_page_view;
        if !hubspots_own {
            commands.push(Command::TrackPageView);
        }
        Page { commands, hubspots_view: hubspots_own }
    }

    /// analytics `reset()`: held traits are dropped, and HubSpot is told to start a new visitor,
    /// since its tracker keeps every identity it was given for every later request.
    pub fn reset(&mut self) -> Vec<Command<'static>> {
        self.pending = None;
        vec![Command::ResetVisitor]
    }

    /// The plugin's `unload()`: held traits are dropped; HubSpot's code stays on the page.
    pub fn forget_pending(&mut self) {
        self.pending = None;
    }

    /// Holds contact properties for the next tracking call, merged over any held before.
    fn hold(&mut self, properties: Properties<'_>) {
        self.pending.get_or_insert_with(Properties::default).absorb(properties);
    }

    /// The commands of a tracking call, starting with pending identity: HubSpot sends identity
    /// with the next tracking call, so `identify` must come before it.
    fn pending_first<'a>(&mut self) -> Vec<Command<'a>> {
        let mut commands = Vec::with_capacity(3);
        if let Some(properties) = self.pending.take() {
            commands.push(Command::Identify(properties));
        }
        commands
    }
}

#[cfg(test)]
mod tests;
