//! One HubSpot destination as plain Rust: validated settings and a session; events in as the
//! core's [`Value`]s, commands and problems out. The browser edge ([`crate::browser`]) reads
//! `ctx.event` into values and pushes the commands; everything between is here, tested natively.

use crate::mapping::{write_commands, Command, Problems};
use crate::session::Session;
use crate::settings::Settings;
use crate::value::{write_json_string, Value};

/// One HubSpot destination: its validated settings and its session.
pub struct Destination {
    settings: Settings,
    session: Session,
}

/// What one call makes: the commands to push onto `_hsq`, in order, and what to warn about.
#[derive(Debug, Default)]
pub struct Answer<'a> {
    /// HubSpot commands, pending identity first.
    pub commands: Vec<Command<'a>>,
    /// Problems with the call's data, one warning per kind.
    pub problems: Problems,
}

impl Answer<'_> {
    /// `[commands, warnings]` as JSON text: the form the fuzz run checks and a log can show.
    pub fn to_json(&self) -> String {
        let mut out = String::from("[");
        write_commands(&self.commands, &mut out);
        out.push_str(",[");
        for (i, message) in self.problems.messages().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_json_string(message, &mut out);
        }
        out.push_str("]]");
        out
    }
}

impl Destination {
    /// Validates Segment's settings; the error names the bad setting and its value.
    pub fn new(settings: &Value<'_>) -> Result<Destination, String> {
        let settings = Settings::from_value(settings)?;
        Ok(Destination { session: Session::new(&settings), settings })
    }

    /// The validated settings (script URLs, timeout, nonce: what loading needs).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// An identify event (`{ userId, traits }`): held, or sent at once with
    /// `flushIdentifyImmediately`. `problems` carries what reading the event already found.
    pub fn identify<'a>(&mut self, event: &'a Value<'a>, mut problems: Problems) -> Answer<'a> {
        let commands = self.session.identify(event, &mut problems);
        Answer { commands, problems }
    }

    /// A track event (`{ event, userId, properties, context: { traits } }`).
    pub fn track<'a>(&mut self, event: &Value<'a>, mut problems: Problems) -> Answer<'a> {
        let commands = self.session.track(event, &mut problems);
        Answer { commands, problems }
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
        Answer { commands: self.session.page(event, location_path, location_search), problems }
    }

    /// Drops pending identify traits (analytics `reset()`, the plugin's `unload()`).
    pub fn reset(&mut self) {
        self.session.reset();
    }
}
