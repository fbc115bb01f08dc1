//! The small value model that events are read into.
//!
//! The browser edge (`browser::read`) builds values from the page's objects. Numbers stay the
//! decimal text JavaScript wrote, so they pass through untouched and no float formatting or
//! parsing code is linked into the wasm (the edge hands them back to JavaScript's `parseFloat`).
//! The native tests and the fuzz run read values from JSON text and write them back
//! ([`json`], test builds only, through serde_json).

use std::borrow::Cow;

/// Deeper nesting than this is dropped (and reported): no HubSpot property is that deep, and the
/// bound keeps recursion, and so the wasm stack, small whatever the page sends.
pub const MAX_DEPTH: usize = 32;

/// A JSON value as read from the page; its text borrowed from the JSON (`'a`) or owned.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// `null`; also what JSON makes of `undefined` in arrays, `NaN`, `±Infinity`, invalid dates.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A finite number, as the decimal text JavaScript produced.
    Number(Cow<'a, str>),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object, members in the page's order.
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl<'a> Value<'a> {
    /// The member `key` of an object, if this is one and has it (the last one wins, as in JS).
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string, or of a number (Segment allows numeric ids and names).
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Number(s) => Some(s),
            _ => None,
        }
    }

    /// A copy owning all its text, to outlive what it was read from (a workspace's subscription
    /// outlives the settings it was read from).
    #[cfg(any(test, feature = "workspace-actions"))]
    pub fn owned_copy(&self) -> Value<'static> {
        let text = |text: &str| Cow::Owned(String::from(text));
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Number(n) => Value::Number(text(n)),
            Value::String(s) => Value::String(text(s)),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(item.owned_copy());
                }
                Value::Array(out)
            }
            Value::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                for (key, item) in members {
                    out.push((text(key), item.owned_copy()));
                }
                Value::Object(out)
            }
        }
    }

    /// The same value owning all its text (tests: values parsed from a text that goes away).
    #[cfg(test)]
    pub fn into_owned(self) -> Value<'static> {
        self.owned_copy()
    }
}

/// `parts` joined, as std's `concat` would, but without linking std's generic join (written for
/// any separator and element type), which is several times this loop.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// Text that no longer borrows.
pub fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

#[cfg(test)]
pub mod json;
#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<Value<'_>> {
        Value::parse(text, &mut false)
    }

    #[test]
    fn round_trips_what_json_stringify_writes() {
        let text = r#"{"a":[1,-2.5e-7,1e+21,true,false,null],"b":{"c":"x\"y\\z\n\u0001\b"},"":""}"#;
        assert_eq!(parse(text).unwrap().to_json(), text, "numbers keep the text JavaScript writes");
        assert_eq!(parse(r#""\u00e9\ud83d\ude00x\/""#), Some(Value::String("é😀x/".into())));
        assert_eq!(parse("{"), None);
    }

    #[test]
    fn nesting_past_the_limit_becomes_null() {
        let deep = "[".repeat(MAX_DEPTH + 10) + &"]".repeat(MAX_DEPTH + 10);
        let mut too_deep = false;
        let v = Value::parse(&deep, &mut too_deep).unwrap();
        assert!(too_deep);
        let mut depth = 0;
        let mut at = &v;
        while let Value::Array(items) = at {
            depth += 1;
            at = &items[0];
        }
        assert_eq!((depth, at), (MAX_DEPTH, &Value::Null));
    }

    #[test]
    fn get_finds_the_last_member() {
        let v = Value::Object(vec![("a".into(), Value::Bool(true)), ("a".into(), Value::Bool(false))]);
        assert_eq!(v.get("a"), Some(&Value::Bool(false)));
        assert_eq!(parse(r#"{"a":1,"a":2}"#).unwrap().get("a"), Some(&Value::Number("2".into())));
        assert_eq!(Value::Null.get("a"), None);
    }
}
