//! Reading `ctx.event` (and settings, consent choices) into the core's [`Value`]s.
//!
//! A page's objects can be hostile: getters that throw, `Proxy` traps, cycles, `BigInt`s, a
//! million keys. An exception thrown inside a JS call that wasm-bindgen does not `catch`
//! unwinds through the wasm without running Rust's destructors, so every read here goes
//! through a call that returns `Result`. The fast path is one `JSON.stringify` per field (one
//! crossing, native speed; dates become ISO text the mapping turns into epoch milliseconds);
//! when it throws, a careful walk keeps what can be read, bounded in depth, keys and nodes.

use crate::value::{Value, MAX_DEPTH};
use js_sys::{Array, Date, JsString, Reflect, Set, JSON};
use std::borrow::Cow;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `Object.keys(value)`: own enumerable string keys, the ones `JSON.stringify` writes.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(value: &JsValue) -> Result<Array, JsValue>;
    /// `Array.isArray(value)`; throws for a revoked `Proxy`.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
    /// `String(value)`: a number's or a `BigInt`'s decimal text.
    #[wasm_bindgen(catch, js_name = String)]
    fn text_of(value: &JsValue) -> Result<JsString, JsValue>;
}

/// Keys (or array items) read from one object; the mapping keeps at most 1,000 properties.
const MAX_KEYS: u32 = 1000;
/// Objects read in one walk: shared references make the paths through a small graph
/// exponential (2^depth), and the walk must stay bounded whatever the page holds.
const MAX_NODES: u32 = 100_000;

/// `target[key]`, or `undefined` when the read throws (a getter, a `Proxy` trap, a non-object).
pub fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Reads `value` into a [`Value`], borrowing JSON text from `text` (the caller's slot, so the
/// value may point into it). `None` for what JSON leaves out (`undefined`, functions, symbols).
/// `dropped` is set when part of the value could not be read.
pub fn read<'t>(value: &JsValue, text: &'t mut String, too_deep: &mut bool, dropped: &mut bool) -> Option<Value<'t>> {
    if value.is_undefined() {
        return None;
    }
    if let Some(s) = value.as_string() {
        return Some(Value::String(Cow::Owned(s))); // userIds and event names: no JSON round trip
    }
    match JSON::stringify(value) {
        Ok(json) => {
            *text = json.as_string()?;
            Some(Value::parse(text, too_deep).unwrap_or(Value::Null))
        }
        // Cycles, BigInt, throwing getters and Proxy traps make JSON.stringify throw.
        Err(_) => {
            let mut walk = Walk { ancestors: Set::new(&JsValue::UNDEFINED), nodes: 0, dropped: false };
            let out = walk.value(value, 0);
            *dropped |= walk.dropped;
            out
        }
    }
}

/// The careful copy: what `JSON.stringify` would have written, where it can be read.
struct Walk {
    /// The objects on the path from the root, to tell a cycle from a shared reference.
    ancestors: Set,
    nodes: u32,
    dropped: bool,
}

impl Walk {
    fn value(&mut self, v: &JsValue, depth: usize) -> Option<Value<'static>> {
        if let Some(s) = v.as_string() {
            return Some(Value::String(s.into()));
        }
        if let Some(b) = v.as_bool() {
            return Some(Value::Bool(b));
        }
        if let Some(n) = v.as_f64() {
            // NaN and ±Infinity are null in JSON; a finite number keeps JavaScript's own text.
            return Some(if n.is_finite() { self.text(v).map_or(Value::Null, Value::Number) } else { Value::Null });
        }
        if v.is_bigint() {
            return self.text(v).map(Value::String); // S4: a BigInt becomes its decimal string
        }
        if v.is_null() {
            return Some(Value::Null);
        }
        if !v.is_object() {
            return None; // undefined, functions, symbols: left out, as JSON does
        }
        if v.dyn_ref::<Date>().is_some() {
            // toJSON: ISO text, or null for an invalid date; a Proxy of a Date throws here.
            let text = JSON::stringify(v).ok().and_then(|t| t.as_string());
            return Some(text.and_then(|t| Value::parse(&t, &mut false).map(Value::into_owned)).unwrap_or(Value::Null));
        }
        if depth >= MAX_DEPTH || self.nodes >= MAX_NODES || self.ancestors.has(v) {
            self.dropped = true;
            return None;
        }
        self.nodes += 1;
        self.ancestors.add(v);
        let out = match is_array(v) {
            Ok(true) => Some(self.array(v, depth)),
            Ok(false) => Some(self.object(v, depth)),
            Err(_) => {
                self.dropped = true;
                None
            }
        };
        self.ancestors.delete(v);
        out
    }

    fn array(&mut self, v: &JsValue, depth: usize) -> Value<'static> {
        let length = get(v, "length").as_f64().unwrap_or(0.0).min(f64::from(MAX_KEYS)) as u32;
        let mut items = Vec::with_capacity(length as usize);
        for i in 0..length {
            let item = match Reflect::get_u32(v, i) {
                Ok(item) => self.value(&item, depth + 1),
                Err(_) => {
                    self.dropped = true;
                    None
                }
            };
            items.push(item.unwrap_or(Value::Null)); // as JSON writes undefined in an array
        }
        Value::Array(items)
    }

    fn object(&mut self, v: &JsValue, depth: usize) -> Value<'static> {
        let Ok(keys) = object_keys(v) else {
            self.dropped = true;
            return Value::Object(Vec::new());
        };
        let mut members = Vec::new();
        for key in keys.iter().take(MAX_KEYS as usize) {
            let Some(name) = key.as_string() else { continue };
            match Reflect::get(v, &key) {
                Ok(item) => {
                    if let Some(item) = self.value(&item, depth + 1) {
                        members.push((Cow::Owned(name), item));
                    }
                }
                Err(_) => self.dropped = true,
            }
        }
        Value::Object(members)
    }

    fn text(&mut self, v: &JsValue) -> Option<Cow<'static, str>> {
        text_of(v).ok().and_then(|t| t.as_string()).map(Cow::Owned)
    }
}
