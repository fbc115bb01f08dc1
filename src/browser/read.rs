//! Reading a page's value into the owned [`Value`] model.
//!
//! The fast path is one `JSON.stringify` (which also turns `Date`s into the ISO strings the
//! mapping reads as dates). It throws on cycles, BigInt, throwing getters and Proxy traps; then
//! a careful walk reads what can be read, property by property, and drops the rest.

use crate::mapping::{Problems, MAX_PROPERTIES};
use crate::value::{Value, MAX_DEPTH};
use js_sys::{Array, BigInt, Date, Number, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// Reads `value` as JSON would see it.
pub fn read(value: &JsValue, problems: &mut Problems) -> Value {
    if let Ok(text) = JSON::stringify(value) {
        // `undefined`, functions and symbols stringify to `undefined`, not to text.
        return match text.as_string() {
            Some(text) => Value::parse(&text, &mut problems.too_deep).unwrap_or(Value::Null),
            None => Value::Null,
        };
    }
    walk(value, 0, &mut Vec::new(), problems)
}

fn walk(value: &JsValue, depth: usize, ancestors: &mut Vec<JsValue>, problems: &mut Problems) -> Value {
    if let Some(s) = value.as_string() {
        return Value::String(s);
    }
    if let Some(b) = value.as_bool() {
        return Value::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        return number(n);
    }
    if value.is_bigint() {
        let text = value.unchecked_ref::<BigInt>().to_string(10).ok().and_then(|t| t.as_string());
        return text.map_or(Value::Null, Value::String);
    }
    if !value.is_object() {
        return Value::Null; // undefined, null, symbols, functions: as JSON drops them
    }
    if let Some(date) = value.dyn_ref::<Date>() {
        return number(date.get_time());
    }
    if depth >= MAX_DEPTH {
        problems.too_deep = true;
        return Value::Null;
    }
    if ancestors.iter().any(|a| a == value) {
        problems.unreadable = true;
        return Value::Null;
    }
    ancestors.push(value.clone());
    let out = if Array::is_array(value) {
        let length = Reflect::get(value, &"length".into()).ok().and_then(|l| l.as_f64()).unwrap_or(0.0);
        let length = (length as u32).min(MAX_PROPERTIES as u32);
        Value::Array(
            (0..length)
                .map(|i| match Reflect::get_u32(value, i) {
                    Ok(item) => walk(&item, depth + 1, ancestors, problems),
                    Err(_) => {
                        problems.unreadable = true;
                        Value::Null
                    }
                })
                .collect(),
        )
    } else {
        let keys = Reflect::own_keys(value).unwrap_or_else(|_| {
            problems.unreadable = true;
            Array::new()
        });
        let mut members = Vec::new();
        for key in keys.iter().take(MAX_PROPERTIES) {
            let Some(name) = key.as_string() else { continue }; // symbol keys, as JSON skips them
            match Reflect::get(value, &key) {
                Ok(item) => members.push((name, walk(&item, depth + 1, ancestors, problems))),
                Err(_) => problems.unreadable = true,
            }
        }
        Value::Object(members)
    };
    ancestors.pop();
    out
}

/// A finite number as JavaScript writes it; `NaN` and `±Infinity` are dropped, as JSON does.
fn number(n: f64) -> Value {
    if !n.is_finite() {
        return Value::Null;
    }
    Number::from(n).to_string_with_radix(10).ok().and_then(|t| t.as_string()).map_or(Value::Null, Value::Number)
}
