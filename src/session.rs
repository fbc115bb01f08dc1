//! When commands go: identify traits held until the next page or track, the skipped first page
//! view, and `reset()`. Pure: events in, commands out, tested natively.

use crate::mapping::{self, Command, Problems, Properties};
use crate::settings::Settings;
use crate::value::Value;

/// One plugin's state between calls.
#[derive(Debug)]
pub struct Session {
    portal_id: String,
    custom_behavioral_events: bool,
    track_initial_page_view: bool,
    flush_identify_immediately: bool,
    /// Traits waiting for the next tracking call, HubSpot only sends identity along with one.
    pending: Option<Properties<'static>>,
    /// Whether the first `page` call has been seen (HubSpot's code records that view itself).
    first_page_seen: bool,
}

/// The contact properties of `traits` (with the event's `userId`), if they make an identify.
fn contact<'a>(event: &'a Value<'_>, traits: &'a Value<'_>, problems: &mut Problems) -> Option<Properties<'a>> {
    mapping::identify_properties(event.get("userId").and_then(Value::as_text), traits, problems)
}

impl Session {
    /// A session for these settings.
    pub fn new(settings: &Settings) -> Session {
        Session {
            portal_id: settings.portal_id.clone(),
            custom_behavioral_events: settings.custom_behavioral_events,
            track_initial_page_view: settings.track_initial_page_view,
            flush_identify_immediately: settings.flush_identify_immediately,
            pending: None,
            first_page_seen: false,
        }
    }

    /// Whether identify traits are waiting for a tracking call.
    pub fn has_pending_identity(&self) -> bool {
        self.pending.is_some()
    }

    /// S4: an identify holds its traits (merged over earlier ones) until the next page or track,
    /// or, with `flushIdentifyImmediately`, sends them at once with a page view.
    pub fn identify<'a>(&mut self, event: &'a Value<'_>, problems: &mut Problems) -> Vec<Command<'a>> {
        let traits = event.get("traits").unwrap_or(&Value::Null);
        let Some(properties) = contact(event, traits, problems) else { return Vec::new() };
        if !self.flush_identify_immediately {
            self.hold(properties);
            return Vec::new();
        }
        // Sent at once, so not copied to be held (unless merged over traits already held).
        let properties = match self.pending.take() {
            Some(mut held) => {
                held.absorb(properties);
                held
            }
            None => properties,
        };
        vec![Command::Identify(properties), Command::TrackPageView]
    }

    /// S5: the event, preceded by pending identity (and by `context.traits` carrying an email).
    pub fn track<'a>(&mut self, event: &Value<'a>, problems: &mut Problems) -> Vec<Command<'a>> {
        let name = match event.get("event").and_then(Value::as_text).map(mapping::trim_text) {
            Some(name) if !name.is_empty() => name,
            _ => {
                problems.no_event_name = true;
                return Vec::new();
            }
        };
        if let Some(properties) =
            event.get("context").and_then(|c| c.get("traits")).and_then(|t| contact(event, t, problems))
        {
            self.hold(properties);
        }
        let properties = event.get("properties").unwrap_or(&Value::Null);
        let command = if self.custom_behavioral_events {
            mapping::custom_behavioral_event(&self.portal_id, name, properties, problems)
        } else {
            mapping::track_event(name, properties, problems)
        };
        let mut commands = self.pending_first();
        commands.push(command);
        commands
    }

    /// S3/S6: `setPath` + `trackPageView`, except on the first page (HubSpot's code counts that
    /// one itself), which still sends pending identity so it rides HubSpot's own page view.
    pub fn page<'a>(&mut self, event: &Value<'a>, location_path: &str, location_search: &str) -> Vec<Command<'a>> {
        let first = !self.first_page_seen;
        self.first_page_seen = true;
        if first && !self.track_initial_page_view {
            return self.pending_first();
        }
        let properties = event.get("properties").unwrap_or(&Value::Null);
        let path = mapping::page_path(properties, location_path, location_search);
        let mut commands = self.pending_first();
        commands.push(Command::SetPath(path));
        commands.push(Command::TrackPageView);
        commands
    }

    /// analytics `reset()`: one user's identity must never ride the next user's events.
    pub fn reset(&mut self) {
        self.pending = None;
    }

    /// Holds contact properties for the next tracking call, merged over any held before.
    fn hold(&mut self, properties: Properties<'_>) {
        self.pending.get_or_insert_with(Properties::default).absorb(properties);
    }

    /// The commands of a tracking call, starting with pending identity: HubSpot sends identity
    /// with the next tracking call, so `identify` must come before it. (Pushing onto this, not
    /// inserting at 0, keeps `Vec::insert`'s panic message out of the wasm.)
    fn pending_first<'a>(&mut self) -> Vec<Command<'a>> {
        let mut commands = Vec::with_capacity(3);
        if let Some(pending) = self.pending.take() {
            commands.push(Command::Identify(pending));
        }
        commands
    }
}

#[cfg(test)]
mod tests;
