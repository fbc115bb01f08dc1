//! HubSpot property maps and the value rules every call shares (S4): key names, flattening,
//! multi-select arrays, dates, trimmed strings, and keys that must never be written.

use super::{decimal, epoch_millis, Problems};
use alloc::string::String;
use alloc::vec::Vec;
use crate::value::{concat, Value};

/// Properties beyond this many in one call are dropped: far past any real contact or event,
/// and the bound keeps a hostile 10,000-key object from costing more than a moment.
pub const MAX_PROPERTIES: usize = 1000;

/// Property names in HubSpot's form: lower case (ASCII: HubSpot's internal names are ASCII, and
/// Unicode case tables would cost more bytes than the rest of the mapping); whitespace (`' '`, `\t`, `\n`, `\v`, `\f`, `\r`)
/// and `.` become `_`. Idempotent.
pub fn property_name(key: &str) -> String {
    let mut name = key.to_ascii_lowercase();
    if name.bytes().any(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b'.')) {
        name = name.replace([' ', '\t', '\n', '\u{b}', '\u{c}', '\r', '.'], "_");
    }
    name
}

/// Keys that would reach an object's prototype when a page copies them with `obj[key] = …`.
fn forbidden(key: &str) -> bool {
    matches!(key, "__proto__" | "constructor" | "prototype")
}

/// `s` without surrounding whitespace and zero-width characters (U+200B–U+200D, U+FEFF).
pub fn trim_text(s: &str) -> &str {
    // Most text starts and ends with a visible ASCII character: nothing to trim, no char decoding.
    let visible = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        return s;
    }
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}'))
}

/// Strings are trimmed of whitespace and zero-width characters; ISO dates become epoch millis.
fn clean_string(s: &str) -> Value {
    let trimmed = trim_text(s);
    match epoch_millis(trimmed) {
        Some(ms) => Value::Number(decimal(ms)),
        None => Value::String(trimmed.into()),
    }
}

/// A scalar as HubSpot takes it; `None` for what is dropped (null, and so undefined, NaN, …).
fn clean_scalar(value: &Value) -> Option<Value> {
    match value {
        Value::String(s) => Some(clean_string(s)),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
        scalar => Some(scalar.clone()),
    }
}

/// A property map that keeps the page's order; a key set twice keeps its first place and its
/// last value (later values win, as when merging traits). Lookups compare a hash of each key
/// first: a call sets every property once, and comparing strings dominated its cost.
#[derive(Clone, Debug, Default)]
pub struct Properties {
    members: Vec<(String, Value)>,
    hashes: Vec<u32>,
    /// Where the next lookup starts: just past the last hit. Traits merged over earlier traits
    /// of the same shape then find each key at the first try.
    next: usize,
}

/// FNV-1a: tiny, and good enough to tell property names apart before comparing them.
fn hash(key: &str) -> u32 {
    key.bytes().fold(0x811c_9dc5, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// Equal when the same properties are in the same order (the lookup hint is no part of it).
impl PartialEq for Properties {
    fn eq(&self, other: &Properties) -> bool {
        self.members == other.members
    }
}

impl Properties {
    /// The properties, in order.
    pub fn members(&self) -> &[(String, Value)] {
        &self.members
    }

    /// How many properties there are.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    fn position(&mut self, key: &str, hash: u32) -> Option<usize> {
        let len = self.hashes.len();
        let start = if self.next < len { self.next } else { 0 };
        let found = (start..len).chain(0..start).find(|&i| {
            self.hashes.get(i) == Some(&hash) && self.members.get(i).is_some_and(|(k, _)| k == key)
        })?;
        self.next = found + 1;
        Some(found)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let hash = hash(key);
        let members = &self.members;
        let at = self.hashes.iter().enumerate().position(|(i, h)| *h == hash && members.get(i).is_some_and(|(k, _)| k == key))?;
        members.get(at).map(|(_, v)| v)
    }

    /// Sets `key`, unless it is empty or forbidden, or the map is full.
    pub fn set(&mut self, key: &str, value: Value, problems: &mut Problems) {
        if key.is_empty() {
            return;
        }
        let hash = hash(key);
        if forbidden(key) {
            problems.forbidden_key = true;
        } else if let Some(slot) = self.position(key, hash).and_then(|i| self.members.get_mut(i)) {
            slot.1 = value;
        } else if self.members.len() < MAX_PROPERTIES {
            self.members.push((key.into(), value));
            self.hashes.push(hash);
        } else {
            problems.too_many = true;
        }
    }

    /// Merges `other` over these properties (its values win).
    pub fn merge(&mut self, other: Properties) {
        for (key, value) in other.members {
            self.set(&key, value, &mut Problems::default());
        }
    }

    /// Keeps the first `limit` properties and returns the names of the rest.
    pub fn truncate(&mut self, limit: usize) -> Vec<String> {
        let limit = limit.min(self.members.len());
        self.hashes.truncate(limit);
        self.members.split_off(limit).into_iter().map(|(k, _)| k).collect()
    }

    /// S4 value rules under an already-normalised `key`: nested objects flatten into
    /// `key_child` (children normalised too), arrays of scalars join with `;` (HubSpot's
    /// multi-select form), strings are cleaned, null is dropped.
    pub fn flatten(&mut self, key: &str, value: &Value, problems: &mut Problems) {
        match value {
            Value::Object(members) => {
                for (child, value) in members {
                    self.flatten(&concat(&[key, "_", &property_name(child)]), value, problems);
                }
            }
            Value::Array(items) => {
                let mut joined = String::new();
                for item in items.iter().filter_map(clean_scalar) {
                    if !joined.is_empty() {
                        joined.push(';');
                    }
                    match item {
                        Value::Bool(b) => joined.push_str(if b { "true" } else { "false" }),
                        Value::Number(t) | Value::String(t) => joined.push_str(&t),
                        _ => {}
                    }
                }
                self.set(key, Value::String(joined), problems);
            }
            scalar => {
                if let Some(v) = clean_scalar(scalar) {
                    self.set(key, v, problems)
                }
            }
        }
    }

    /// Sets `key` to `value` cleaned but kept in shape (legacy `trackEvent` properties): strings
    /// cleaned, nulls and forbidden keys dropped at every depth.
    pub fn set_clean(&mut self, key: &str, value: &Value, problems: &mut Problems) {
        if let Some(v) = clean_deep(value, problems) {
            self.set(key, v, problems);
        }
    }
}

fn clean_deep(value: &Value, problems: &mut Problems) -> Option<Value> {
    match value {
        Value::Object(members) => {
            let mut out = Properties::default();
            for (key, value) in members {
                out.set_clean(key, value, problems);
            }
            Some(Value::Object(out.members))
        }
        Value::Array(items) => Some(Value::Array(items.iter().filter_map(|v| clean_deep(v, problems)).collect())),
        scalar => clean_scalar(scalar),
    }
}
