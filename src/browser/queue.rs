//! HubSpot's command queues, `window._hsq` (tracking) and `window._hsp` (privacy): made arrays
//! when absent (HubSpot's code takes what they hold when it starts), and fed commands as the JS
//! arrays HubSpot documents, built by serde-wasm-bindgen from the core's [`Command`]s.

use super::read::get;
use super::{global, warn};
use crate::value::{concat, Value};
use js_sys::{Array, Function, Reflect};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use wasm_bindgen::{JsCast, JsValue};

/// The tracking queue.
pub const HSQ: &str = "_hsq";
/// The privacy (consent) queue.
pub const HSP: &str = "_hsp";

/// `window[name]` and its `push` when it is a queue, else a new array put there. Existing queues
/// keep their contents: commands a page pushed before us are HubSpot's to take.
pub fn queue(name: &str) -> (JsValue, Function) {
    let global = global();
    let existing = get(&global, name);
    if let Ok(push) = get(&existing, "push").dyn_into::<Function>() {
        return (existing, push);
    }
    let fresh = Array::new();
    // Where the page made `window[name]` read-only, the commands go to an array nobody reads:
    // HubSpot's code could not have read them from there either.
    let _ = Reflect::set(&global, &JsValue::from_str(name), &fresh);
    let push = get(&fresh, "push").unchecked_into();
    (fresh.into(), push)
}

/// HubSpot's code replaces `_hsq.push` when it starts: the one sign that the tracker runs.
pub fn tracker_started() -> bool {
    taken_over(HSQ)
}

/// Whether HubSpot's script for `window[name]` runs: it replaces the array's `push` with its own
/// (the tracker `_hsq`'s, the cookie banner `_hsp`'s).
pub fn taken_over(name: &str) -> bool {
    let push = get(&get(&global(), name), "push");
    push.is_function() && push != get(&Array::new(), "push")
}

/// Pushes one command (an array) onto `window[name]`.
pub fn push(name: &str, command: &Value<'_>) {
    if let Some(entry) = to_js(command) {
        push_entries(name, &[entry]);
    }
}

/// Pushes `entries` (command arrays or functions) in order onto `window[name]`. A queue that
/// throws is warned about once per call, however many entries it refused; the rest are still
/// offered.
pub fn push_entries(name: &str, entries: &[JsValue]) {
    let mut refused = false;
    for entry in entries {
        // Looked up for each entry: HubSpot's code may replace the queue while taking one.
        let (queue, push) = queue(name);
        refused |= push.call1(&queue, entry).is_err();
    }
    if refused {
        warn(&concat(&["hubspot-wasm: HubSpot's ", name, " threw while taking a command"]));
    }
}

/// A core value as a JS value, built by serde-wasm-bindgen.
pub fn to_js(value: &Value<'_>) -> Option<JsValue> {
    Js(value).serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()
}

/// A core value as the JS value HubSpot takes (serde-wasm-bindgen builds it): commands are
/// arrays (`['identify', {…}]`), properties objects, numbers JS numbers.
struct Js<'r>(&'r Value<'r>);

impl Serialize for Js<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            // The core keeps numbers as JavaScript's own decimal text; JavaScript reads it back
            // exactly (Rust's float parser would add about 15 KB of wasm).
            Value::Number(text) => s.serialize_f64(js_sys::Number::parse_float(text)),
            Value::String(text) => s.serialize_str(text),
            Value::Array(items) => {
                let mut array = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    array.serialize_element(&Js(item))?;
                }
                array.end()
            }
            Value::Object(members) => {
                let mut object = s.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    object.serialize_entry(&**key, &Js(value))?;
                }
                object.end()
            }
        }
    }
}
