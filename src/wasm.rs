//! The one place the core meets JavaScript: a [`Destination`] that takes and answers JSON text,
//! and (in the wasm build) the handful of plain exports the browser edge calls it through.
//!
//! Everything crosses as JSON text, one string each way per call: the browser edge
//! (`js/hubspot_wasm.js`) stringifies the event fields the mapping reads, the core answers with
//! the commands to push and the warnings to print. No DOM or JS object is touched from Rust, so
//! the exports need no generated glue: JS writes UTF-8 into the core's input buffer and reads
//! the answer from its output buffer (see README, How it is built, for what wasm-bindgen's glue
//! cost).

use crate::mapping::{self, write_commands, Command, Problems};
use crate::session::Session;
use crate::settings::Settings;
use crate::value::{write_json_object, write_json_string, Value};
use alloc::borrow::Cow;
use alloc::string::String;

/// One HubSpot destination: its validated settings and its session.
pub struct Destination {
    settings: Settings,
    session: Session,
}

fn parse<'a>(json: &'a str, problems: &mut Problems) -> Value<'a> {
    Value::parse(json, &mut problems.too_deep).unwrap_or(Value::Null)
}

/// `[commands, warnings]`: what to push onto `_hsq`, and what to tell the developer; `""` when
/// there is neither (a held identify), which spares the edge a decode and a `JSON.parse`.
fn answer(commands: &[Command], problems: &Problems, size: usize) -> String {
    if commands.is_empty() && !problems.any() {
        return String::new();
    }
    // Commands are about as long as the event they came from: one allocation, as a rule.
    let mut out = String::with_capacity(size + 64);
    out.push('[');
    write_commands(commands, &mut out);
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

impl Destination {
    /// Validates Segment's settings (JSON); the error names the bad setting.
    pub fn new(settings_json: &str) -> Result<Destination, String> {
        let settings = Settings::from_value(&parse(settings_json, &mut Problems::default()))?;
        Ok(Destination { session: Session::new(&settings), settings })
    }

    /// What the edge needs to load HubSpot's scripts, as JSON: `trackerUrl`, `formsUrl` (null
    /// unless the Forms SDK is wanted), `nonce` (or null), `loadTimeoutMs`,
    /// `disableCookieBanner`, `serverCredentials`.
    pub fn loader(&self) -> String {
        let s = &self.settings;
        fn text(t: &str) -> Value<'_> {
            Value::String(Cow::Borrowed(t))
        }
        let members = [
            ("trackerUrl".into(), text(&s.tracker_url)),
            ("formsUrl".into(), if s.load_forms_sdk { text(&s.forms_url) } else { Value::Null }),
            ("nonce".into(), s.nonce.as_deref().map_or(Value::Null, text)),
            ("loadTimeoutMs".into(), Value::Number(mapping::decimal(s.load_timeout_ms.into()).into())),
            ("disableCookieBanner".into(), Value::Bool(s.disable_cookie_banner)),
            ("serverCredentials".into(), Value::Bool(s.has_server_credentials)),
        ];
        let mut out = String::new();
        write_json_object(&members, &mut out);
        out
    }

    /// An identify event (JSON) → `[commands, warnings]` (or `""`: nothing to do).
    pub fn identify(&mut self, event_json: &str) -> String {
        let mut problems = Problems::default();
        let event = parse(event_json, &mut problems);
        let commands = self.session.identify(&event, &mut problems);
        answer(&commands, &problems, event_json.len())
    }

    /// A track event (JSON) → `[commands, warnings]`.
    pub fn track(&mut self, event_json: &str) -> String {
        let mut problems = Problems::default();
        let commands = self.session.track(&parse(event_json, &mut problems), &mut problems);
        answer(&commands, &problems, event_json.len())
    }

    /// A page event (JSON) → `[commands, warnings]`. The edge adds the browser's location to
    /// the event as `location: { pathname, search }`, the fallback for `properties.path`/`search`.
    pub fn page(&mut self, event_json: &str) -> String {
        let mut problems = Problems::default();
        let event = parse(event_json, &mut problems);
        let location = |key| event.get("location").and_then(|l| l.get(key)).and_then(Value::as_text).unwrap_or_default();
        let commands = self.session.page(&event, location("pathname"), location("search"));
        answer(&commands, &problems, event_json.len())
    }

    /// Drops pending identify traits (analytics `reset()`).
    pub fn reset(&mut self) {
        self.session.reset();
    }

    /// A consent choice (JSON) → the `setHubSpotConsent` argument (JSON), its three booleans only.
    pub fn consent(choices_json: &str) -> String {
        mapping::consent(&parse(choices_json, &mut Problems::default())).to_json()
    }
}

/// The crate's version, the plugin's `version`.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The exports of the wasm module. The edge calls, for each event: `input(n)` for a buffer of at
/// least `n` bytes, writes the JSON there, calls e.g. `track(destination, length)`, and reads the
/// answer's `output_len()` bytes at `output()`. One thread, no callbacks into JS: a call never
/// overlaps another, so one buffer each way serves every destination.
#[cfg(target_arch = "wasm32")]
mod exports {
    use super::{version, Destination};
    use alloc::boxed::Box;
    use alloc::string::String;
    use alloc::vec::Vec;
    use core::cell::UnsafeCell;
    use core::ptr::null_mut;

    struct Buffer<T>(UnsafeCell<T>);
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread.
    unsafe impl<T> Sync for Buffer<T> {}

    static INPUT: Buffer<Vec<u8>> = Buffer(UnsafeCell::new(Vec::new()));
    static OUTPUT: Buffer<String> = Buffer(UnsafeCell::new(String::new()));

    impl<T> Buffer<T> {
        /// SAFETY: one thread, and no two of these borrows of one buffer are alive at once: each
        /// export below takes one, for its own duration.
        #[allow(clippy::mut_from_ref)]
        fn get(&'static self) -> &'static mut T {
            unsafe { &mut *self.0.get() }
        }
    }

    /// Input above this size is given back after its call, so one huge event does not keep its
    /// buffer for the page's life (the allocator reuses the block for later calls).
    const KEEP: usize = 1 << 16;

    /// The text of the last `length` input bytes written, for the duration of `f`.
    fn with_input<R>(length: usize, f: impl FnOnce(&str) -> R) -> R {
        let input = INPUT.get();
        let bytes = input.get(..length).unwrap_or_default();
        // SAFETY: the one writer is the edge's `TextEncoder.encodeInto`, which writes UTF-8 only
        // (a lone surrogate becomes U+FFFD) and counts whole characters; wasm-bindgen trusts it
        // the same way for every `&str` it passes. Validating again would cost 700 bytes.
        let text = unsafe { core::str::from_utf8_unchecked(bytes) };
        let result = f(text);
        if input.len() > KEEP {
            *input = Vec::new();
        }
        result
    }

    /// Makes `text` the answer; returns its length in bytes.
    fn answer(text: String) -> usize {
        let output = OUTPUT.get();
        *output = text;
        output.len()
    }

    fn destination<'a>(handle: *mut Destination) -> Option<&'a mut Destination> {
        // SAFETY: handles come from `destination_new` and are never freed (a plugin lives as
        // long as its page); null is refused.
        unsafe { handle.as_mut() }
    }

    /// One event method on the input's JSON; the length of its answer.
    fn event(handle: *mut Destination, length: usize, method: fn(&mut Destination, &str) -> String) -> usize {
        answer(destination(handle).map(|d| with_input(length, |e| method(d, e))).unwrap_or_default())
    }

    /// A buffer of at least `capacity` bytes for the next call's JSON (the edge asks for the
    /// worst case, three bytes per UTF-16 unit, and writes after asking).
    #[no_mangle]
    pub extern "C" fn input(capacity: usize) -> *mut u8 {
        let input = INPUT.get();
        if input.len() < capacity {
            input.resize(capacity, 0);
        }
        input.as_mut_ptr()
    }

    /// Where the last answer starts.
    #[no_mangle]
    pub extern "C" fn output() -> *const u8 {
        OUTPUT.get().as_ptr()
    }

    /// The last answer's length in bytes.
    #[no_mangle]
    pub extern "C" fn output_len() -> usize {
        OUTPUT.get().len()
    }

    /// A destination for the settings JSON in the input; null, with the error as the answer, when
    /// they are invalid.
    #[no_mangle]
    pub extern "C" fn destination_new(length: usize) -> *mut Destination {
        match with_input(length, Destination::new) {
            Ok(d) => Box::into_raw(Box::new(d)),
            Err(message) => {
                answer(message);
                null_mut()
            }
        }
    }

    /// [`Destination::loader`].
    #[no_mangle]
    pub extern "C" fn loader(handle: *mut Destination) -> usize {
        answer(destination(handle).map(|d| d.loader()).unwrap_or_default())
    }

    /// [`Destination::identify`].
    #[no_mangle]
    pub extern "C" fn identify(handle: *mut Destination, length: usize) -> usize {
        event(handle, length, Destination::identify)
    }

    /// [`Destination::track`].
    #[no_mangle]
    pub extern "C" fn track(handle: *mut Destination, length: usize) -> usize {
        event(handle, length, Destination::track)
    }

    /// [`Destination::page`].
    #[no_mangle]
    pub extern "C" fn page(handle: *mut Destination, length: usize) -> usize {
        event(handle, length, Destination::page)
    }

    /// [`Destination::reset`].
    #[no_mangle]
    pub extern "C" fn reset(handle: *mut Destination) {
        if let Some(d) = destination(handle) {
            d.reset();
        }
    }

    /// [`Destination::consent`].
    #[no_mangle]
    pub extern "C" fn consent(length: usize) -> usize {
        answer(with_input(length, Destination::consent))
    }

    /// The crate's version as the answer.
    #[no_mangle]
    pub extern "C" fn crate_version() -> usize {
        answer(version().into())
    }
}
