//! One HubSpot destination as plain Rust: validated settings and a session; events in as the
//! core's [`Value`]s, commands and problems out. The browser edge ([`crate::browser`]) reads
//! `ctx.event` into values and pushes the commands; everything between is here, tested natively.

use crate::mapping::{Command, Problems};
use crate::segment::Workspace;
use crate::session::Session;
use crate::settings::{Settings, SettingsError};
use crate::value::Value;

/// Property names warned about (renamed or dropped) are remembered up to this many, so that
/// each is warned about once per page, and a page inventing names cannot grow the list forever.
const MAX_WARNED_NAMES: usize = 200;

/// One HubSpot destination: its session (which holds its validated settings).
pub struct Destination {
    session: Session,
    warned_names: Vec<String>,
    /// The workspace's HubSpot Web (Actions) subscriptions, where the settings came from there.
    #[cfg(feature = "workspace-actions")]
    subscriptions: Option<crate::actions::Subscriptions>,
}

/// What one call makes: the commands to push onto `_hsq`, in order, and what to warn about.
#[derive(Debug, Default)]
pub struct Answer<'a> {
    /// HubSpot commands, pending identity first.
    pub commands: Vec<Command<'a>>,
    /// Problems with the call's data, one warning per kind.
    pub problems: Problems,
    /// These commands set the path and identity of HubSpot's own first page view (the first
    /// `page` call): they must reach the tracker before that view is sent.
    pub hubspots_view: bool,
    /// Other warnings (a workspace's subscription that failed), each already worded.
    #[cfg(feature = "workspace-actions")]
    pub warnings: Vec<String>,
}

#[cfg(test)]
impl Answer<'_> {
    /// `[commands, warnings]`: the form the fuzz run checks.
    pub fn to_value(&self) -> Value<'static> {
        let warnings = self.problems.messages().into_iter().map(|m| Value::String(m.into())).collect();
        Value::Array(vec![crate::mapping::commands_value(&self.commands), Value::Array(warnings)])
    }

    /// [`Answer::to_value`] as JSON text.
    pub fn to_json(&self) -> String {
        self.to_value().to_json()
    }
}

impl Destination {
    /// Validates Segment's settings, the code's completed by the workspace's
    /// ([`Settings::from_code_and_workspace`]); the error names the bad setting and its value.
    pub fn new<'v>(code: &'v Value<'_>, workspace: Option<Workspace<'v>>) -> Result<Destination, SettingsError<'v>> {
        let settings = Settings::from_code_and_workspace(code, workspace)?;
        Ok(Destination {
            session: Session::new(settings),
            warned_names: Vec::new(),
            #[cfg(feature = "workspace-actions")]
            subscriptions: None,
        })
    }

    /// From now on, the workspace's subscriptions decide what each event sends.
    #[cfg(feature = "workspace-actions")]
    pub fn subscribe(&mut self, subscriptions: crate::actions::Subscriptions) {
        self.subscriptions = Some(subscriptions);
    }

    /// Whether the workspace's subscriptions decide (then [`Destination::subscribed`] takes the
    /// whole event, of any type).
    pub fn has_subscriptions(&self) -> bool {
        #[cfg(feature = "workspace-actions")]
        return self.subscriptions.is_some();
        #[cfg(not(feature = "workspace-actions"))]
        false
    }

    /// An event (the whole `ctx.event`) through the workspace's subscriptions.
    #[cfg(feature = "workspace-actions")]
    pub fn subscribed(
        &mut self,
        event: &Value<'_>,
        location_path: &str,
        location_search: &str,
        mut problems: Problems,
    ) -> Answer<'static> {
        let mut warnings = Vec::new();
        let page = match self.subscriptions.as_mut() {
            Some(subscriptions) => subscriptions.run(
                event,
                &mut self.session,
                (location_path, location_search),
                &mut problems,
                &mut warnings,
            ),
            None => crate::session::Page { commands: Vec::new(), hubspots_view: false },
        };
        let mut answer = self.answer(page.commands, problems, page.hubspots_view);
        answer.warnings = warnings;
        answer
    }

    /// The validated settings (script URLs, timeout, nonce: what loading needs).
    pub fn settings(&self) -> &Settings {
        &self.session.settings
    }

    /// The workspace's consent categories, where the settings name none (`consentCategories`).
    pub fn govern(&mut self, categories: Vec<String>) {
        let settings = &mut self.session.settings;
        if settings.consent_categories.is_empty() {
            settings.consent_categories = categories;
        }
    }

    /// An identify event (`{ userId, traits }`): held, or sent at once with
    /// `flushIdentifyImmediately`. `problems` carries what reading the event already found.
    pub fn identify<'a>(&mut self, event: &'a Value<'a>, mut problems: Problems) -> Answer<'a> {
        let commands = self.session.identify(event, &mut problems);
        self.answer(commands, problems, false)
    }

    /// A track event (`{ event, userId, properties, context: { traits } }`).
    pub fn track<'a>(&mut self, event: &Value<'a>, mut problems: Problems) -> Answer<'a> {
        let commands = self.session.track(event, &mut problems);
        self.answer(commands, problems, false)
    }

    /// A page event (`{ properties }`); the browser's location is the fallback for
    /// `properties.path` and `properties.search`.
    pub fn page<'a>(
        &mut self,
        event: &Value<'a>,
        location_path: &str,
        location_search: &str,
        problems: Problems,
    ) -> Answer<'a> {
        let page = self.session.page(event, location_path, location_search);
        self.answer(page.commands, problems, page.hubspots_view)
    }

    /// analytics `reset()`: held traits dropped, and a new visitor at HubSpot.
    pub fn reset(&mut self) -> Answer<'static> {
        let commands = self.session.reset();
        self.answer(commands, Problems::default(), false)
    }

    /// The plugin's `unload()`: held traits dropped.
    pub fn forget_pending(&mut self) {
        self.session.forget_pending();
    }

    /// The answer, with renamed and dropped property names not warned about before left out.
    fn answer<'a>(&mut self, commands: Vec<Command<'a>>, mut problems: Problems, hubspots_view: bool) -> Answer<'a> {
        let warned = &mut self.warned_names;
        for (key, name) in std::mem::take(&mut problems.names) {
            if !warned.contains(&key) {
                if warned.len() < MAX_WARNED_NAMES {
                    warned.push(key.clone());
                }
                problems.names.push((key, name));
            }
        }
        Answer {
            commands,
            problems,
            hubspots_view,
            #[cfg(feature = "workspace-actions")]
            warnings: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::commands_json;

    fn destination() -> Destination {
        Destination::new(&Value::parse(r#"{"portalId":"62515"}"#, &mut false).unwrap(), None).unwrap()
    }

    fn track(d: &mut Destination, event: &str) -> (String, Vec<String>) {
        let event = Value::parse(event, &mut false).unwrap();
        let answer = d.track(&event, Problems::default());
        (commands_json(&answer.commands), answer.problems.messages())
    }

    #[test]
    fn each_renamed_or_dropped_name_is_warned_about_once() {
        let mut d = destination();
        let (commands, warnings) =
            track(&mut d, r#"{"event":"Bought","properties":{"order-id":"1","😀":2,"plan":"x"}}"#);
        assert_eq!(
            commands,
            r#"[["trackCustomBehavioralEvent",{"name":"pe62515_bought","properties":{"order_id":"1","plan":"x"}}]]"#
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains(r#""order-id" sent as "order_id""#), "{warnings:?}");
        assert!(warnings[1].contains(r#""😀" dropped"#), "{warnings:?}");
        let (_, again) = track(&mut d, r#"{"event":"Bought","properties":{"order-id":"2","😀":3,"Other-Key":1}}"#);
        assert_eq!(again.len(), 1, "{again:?}");
        assert!(again[0].contains("other_key"));
    }

    #[test]
    fn reset_asks_hubspot_for_a_new_visitor() {
        let mut d = destination();
        assert_eq!(commands_json(&d.reset().commands), r#"["resetVisitor"]"#);
    }
}
