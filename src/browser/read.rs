//! Reading `ctx.event` (and settings, consent choices) into the core's [`Value`]s, with js-sys.
//!
//! A page's objects can be hostile: getters that throw, `Proxy` traps, cycles, `BigInt`s, a
//! million keys. An exception thrown inside a JS call that wasm-bindgen does not `catch` unwinds
//! through the wasm without running Rust's destructors, so every read here goes through a call
//! that returns `Result`, and the walk is bounded in depth, keys and objects. What it writes is
//! what `JSON.stringify` would have written, where that can be read: `undefined`, functions and
//! symbols are left out, `NaN` and `±Infinity` are null, an object with `toJSON` is what that
//! gives (a `Date`: its ISO text, which the mapping turns into epoch milliseconds), a boxed
//! primitive is its value, and a `BigInt` its decimal text.

use crate::mapping::Problems;
use crate::value::{Value, MAX_DEPTH};
use js_sys::{Array, Boolean, Function, JsString, Number, Reflect};
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
    /// `String(value)`: a number's or a `BigInt`'s decimal text, as JavaScript writes it.
    #[wasm_bindgen(catch, js_name = String)]
    fn text_of(value: &JsValue) -> Result<JsString, JsValue>;
}

/// Keys (or array items) read from one object; the mapping keeps at most 1,000 properties.
const MAX_KEYS: usize = 1000;
/// Objects read in one call: shared references make the paths through a small graph
/// exponential (2^depth), and the walk must stay bounded whatever the page holds.
const MAX_OBJECTS: u32 = 100_000;

/// `target[key]`, or `undefined` when `target` is no object or the read throws (a getter, a
/// `Proxy` trap). Primitives are looked at first: a `TypeError` made for every event without a
/// `context` would cost more than the whole call.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() && !target.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or_default()
}

/// One call's reading: the objects on the path from the root (to tell a cycle from a shared
/// reference; at most [`MAX_DEPTH`], so a list), how many were read, and what could not be.
#[derive(Default)]
pub struct Reader {
    ancestors: Vec<JsValue>,
    objects: u32,
    /// Nesting deeper than [`MAX_DEPTH`] was left out.
    pub too_deep: bool,
    /// A cycle, a throwing getter or trap, or the object budget left part of a value out.
    pub dropped: bool,
    /// An object or array had more than [`MAX_KEYS`] members; the rest were left out.
    pub too_many: bool,
}

impl Reader {
    /// What the core warns about (too deep); `dropped` is the edge's own warning.
    pub fn problems(&self) -> Problems {
        Problems { too_deep: self.too_deep, too_many: self.too_many, ..Problems::default() }
    }

    /// `value` as the core's value; `None` for what JSON leaves out.
    pub fn read(&mut self, value: &JsValue) -> Option<Value<'static>> {
        self.value(value, 0)
    }

    /// The members `keys` of `target` that JSON would write, read: the parts of an event a call
    /// needs, and nothing else of it.
    pub fn members(&mut self, target: &JsValue, keys: &[&'static str]) -> Vec<(Cow<'static, str>, Value<'static>)> {
        let mut members = Vec::new();
        for key in keys {
            if let Some(value) = self.read(&get(target, key)) {
                members.push((Cow::Borrowed(*key), value));
            }
        }
        members
    }

    fn value(&mut self, v: &JsValue, depth: usize) -> Option<Value<'static>> {
        // Strings first: most values are.
        if let Some(s) = v.as_string() {
            return Some(Value::String(s.into()));
        }
        if let Some(n) = v.as_f64() {
            return Some(if n.is_finite() { text(v).map_or(Value::Null, Value::Number) } else { Value::Null });
        }
        if let Some(b) = v.as_bool() {
            return Some(Value::Bool(b));
        }
        if v.is_null() {
            return Some(Value::Null);
        }
        if v.is_bigint() {
            return text(v).map(Value::String);
        }
        if !v.is_object() {
            return None; // undefined, functions, symbols
        }
        if depth >= MAX_DEPTH {
            self.too_deep = true;
            return None;
        }
        if self.objects >= MAX_OBJECTS || self.ancestors.iter().any(|a| a == v) {
            self.dropped = true;
            return None;
        }
        self.objects += 1;
        self.ancestors.push(v.clone());
        let boxed = v.is_instance_of::<Boolean>() || v.is_instance_of::<Number>() || v.is_instance_of::<JsString>();
        let out = if let Ok(to_json) = get(v, "toJSON").dyn_into::<Function>() {
            // A Date's ISO text (null when invalid), or whatever a class says it is in JSON.
            self.through(&to_json, v, depth)
        } else if boxed {
            // `new Boolean(false)` and kin are their value in JSON.
            self.through(&get(v, "valueOf").unchecked_into(), v, depth)
        } else {
            match is_array(v) {
                Ok(true) => Some(self.array(v, depth)),
                Ok(false) => Some(self.object(v, depth)),
                Err(_) => {
                    self.dropped = true; // a revoked Proxy
                    None
                }
            }
        };
        self.ancestors.pop();
        out
    }

    /// What `f.call(v)` gives, read in `v`'s place.
    fn through(&mut self, f: &Function, v: &JsValue, depth: usize) -> Option<Value<'static>> {
        match f.call0(v) {
            Ok(value) => self.value(&value, depth + 1),
            Err(_) => {
                self.dropped = true;
                None
            }
        }
    }

    /// `list.length`, at most [`MAX_KEYS`] (`too_many` past that).
    fn length(&mut self, list: &JsValue) -> u32 {
        let length = get(list, "length").as_f64().unwrap_or(0.0);
        self.too_many |= length > MAX_KEYS as f64;
        length.min(MAX_KEYS as f64) as u32
    }

    fn array(&mut self, v: &JsValue, depth: usize) -> Value<'static> {
        let length = self.length(v);
        let mut items = Vec::with_capacity(length as usize);
        for i in 0..length {
            let item = Reflect::get_u32(v, i).map_err(|_| self.dropped = true).ok();
            // JSON writes a left-out item as null.
            items.push(item.and_then(|item| self.value(&item, depth + 1)).unwrap_or(Value::Null));
        }
        Value::Array(items)
    }

    fn object(&mut self, v: &JsValue, depth: usize) -> Value<'static> {
        let Ok(keys) = object_keys(v) else {
            self.dropped = true;
            return Value::Object(Vec::new());
        };
        let count = self.length(&keys);
        let mut members = Vec::with_capacity(count as usize);
        for i in 0..count {
            let key = Reflect::get_u32(&keys, i).unwrap_or_default();
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
}

/// A number's or a `BigInt`'s decimal text.
fn text(v: &JsValue) -> Option<Cow<'static, str>> {
    text_of(v).ok().and_then(|t| t.as_string()).map(Cow::Owned)
}
