//! JSON text ⇄ [`Value`], for the native tests and the fuzz run only: the wasm reads the page's
//! objects directly (`browser::read`) and never sees JSON text. serde_json does the reading and
//! writing; numbers keep the text they were written with (its `arbitrary_precision`), as the edge
//! keeps the text JavaScript gives, and members their order (`preserve_order`): a repeated key
//! keeps its first place and its last value, as in `JSON.parse`.

use super::{Value, MAX_DEPTH};
use serde::ser::{Error, Serialize, Serializer};

impl<'a> Value<'a> {
    /// Parses JSON text. `None` for text that is not JSON (or nested past serde_json's 128
    /// levels); nesting past [`MAX_DEPTH`] becomes `Null` and sets `too_deep`, as the edge reads it.
    pub fn parse(text: &'a str, too_deep: &mut bool) -> Option<Value<'a>> {
        serde_json::from_str(text).ok().map(|json| from_json(json, 0, too_deep))
    }

    /// This value as JSON text, numbers as their text. Panics on number text that is not JSON:
    /// the core must never make one.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&Json(self)).unwrap_or_else(|error| panic!("{error}"))
    }
}

/// serde_json's value as ours, cut at [`MAX_DEPTH`].
fn from_json(json: serde_json::Value, depth: usize, too_deep: &mut bool) -> Value<'static> {
    use serde_json::Value as Json;
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Number(n) => Value::Number(n.to_string().into()),
        Json::String(s) => Value::String(s.into()),
        Json::Array(_) | Json::Object(_) if depth >= MAX_DEPTH => {
            *too_deep = true;
            Value::Null
        }
        Json::Array(items) => {
            Value::Array(items.into_iter().map(|item| from_json(item, depth + 1, too_deep)).collect())
        }
        Json::Object(members) => Value::Object(
            members.into_iter().map(|(key, value)| (key.into(), from_json(value, depth + 1, too_deep))).collect(),
        ),
    }
}

/// Our value written by serde_json: members as they are (a repeated key twice), numbers as text.
struct Json<'v, 'a>(&'v Value<'a>);

impl Serialize for Json<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(text) => match text.parse::<serde_json::Number>() {
                Ok(number) => number.serialize(serializer),
                Err(_) => Err(S::Error::custom(format_args!("the number {text:?} is not JSON"))),
            },
            Value::String(text) => serializer.serialize_str(text),
            Value::Array(items) => serializer.collect_seq(items.iter().map(Json)),
            Value::Object(members) => serializer.collect_map(members.iter().map(|(key, value)| (key, Json(value)))),
        }
    }
}
