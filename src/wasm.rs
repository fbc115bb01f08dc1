//! The wasm-bindgen exports: the one place the core meets JavaScript.
//!
//! Everything crosses as JSON text, one string each way per call: the browser edge
//! (`js/hubspot_wasm.js`) stringifies `ctx.event`, the core answers with the commands to push
//! and the warnings to print. No DOM or JS object is touched from Rust, which keeps js-sys,
//! web-sys and wasm-bindgen's closure machinery out of the download (see README, Size).

use crate::mapping::{self, commands_json, Command, Problems};
use crate::session::Session;
use crate::settings::Settings;
use crate::value::{write_json_object, write_json_string, Value};
use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

/// One HubSpot destination: its validated settings and its session.
#[wasm_bindgen]
pub struct Destination {
    settings: Settings,
    session: Session,
}

fn parse(json: &str, problems: &mut Problems) -> Value {
    Value::parse(json, &mut problems.too_deep).unwrap_or(Value::Null)
}

/// `[commands, warnings]`: what to push onto `_hsq`, and what to tell the developer; `""` when
/// there is neither (a held identify), which spares the edge a decode and a `JSON.parse`.
fn answer(commands: &[Command], problems: &Problems) -> String {
    if commands.is_empty() && *problems == Problems::default() {
        return String::new();
    }
    let mut out = String::from("[");
    out.push_str(&commands_json(commands));
    out.push_str(",[");
    for (i, message) in problems.messages().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(message, &mut out);
    }
    out.push_str("]]");
    out
}

#[wasm_bindgen]
impl Destination {
    /// Validates Segment's settings (JSON); throws an `Error` naming the bad setting.
    #[wasm_bindgen(constructor)]
    pub fn new(settings_json: &str) -> Result<Destination, JsError> {
        let settings = Settings::from_value(&parse(settings_json, &mut Problems::default())).map_err(|m| JsError::new(&m))?;
        Ok(Destination { session: Session::new(&settings), settings })
    }

    /// What the edge needs to load HubSpot's scripts, as JSON: `trackerUrl`, `formsUrl` (null
    /// unless the Forms SDK is wanted), `nonce` (or null), `loadTimeoutMs`,
    /// `disableCookieBanner`, `serverCredentials`.
    pub fn loader(&self) -> String {
        let s = &self.settings;
        let text = |t: &str| Value::String(t.into());
        let members: Vec<(String, Value)> = [
            ("trackerUrl", text(&s.tracker_url)),
            ("formsUrl", if s.load_forms_sdk { text(&s.forms_url) } else { Value::Null }),
            ("nonce", s.nonce.as_deref().map_or(Value::Null, text)),
            ("loadTimeoutMs", Value::Number(mapping::decimal(s.load_timeout_ms.into()))),
            ("disableCookieBanner", Value::Bool(s.disable_cookie_banner)),
            ("serverCredentials", Value::Bool(s.has_server_credentials)),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), v))
        .collect();
        let mut out = String::new();
        write_json_object(&members, &mut out);
        out
    }

    /// An identify event (JSON) → `[commands, warnings]` (or `""`: nothing to do).
    pub fn identify(&mut self, event_json: &str) -> String {
        let mut problems = Problems::default();
        let commands = self.session.identify(&parse(event_json, &mut problems), &mut problems);
        answer(&commands, &problems)
    }

    /// A track event (JSON) → `[commands, warnings]`.
    pub fn track(&mut self, event_json: &str) -> String {
        let mut problems = Problems::default();
        let commands = self.session.track(&parse(event_json, &mut problems), &mut problems);
        answer(&commands, &problems)
    }

    /// A page event (JSON) and the browser's location → `[commands, warnings]`.
    pub fn page(&mut self, event_json: &str, location_path: &str, location_search: &str) -> String {
        let mut problems = Problems::default();
        let commands = self.session.page(&parse(event_json, &mut problems), location_path, location_search);
        answer(&commands, &problems)
    }

    /// Drops pending identify traits (analytics `reset()`).
    pub fn reset(&mut self) {
        self.session.reset();
    }

    /// A consent choice (JSON) → the `setHubSpotConsent` argument (JSON), its three booleans only.
    pub fn consent(choices_json: &str) -> String {
        let mut out = String::new();
        write_json_object(mapping::consent(&parse(choices_json, &mut Problems::default())).members(), &mut out);
        out
    }
}

/// The crate's version, the plugin's `version`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}
