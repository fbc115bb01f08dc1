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
    key.chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | '.') { '_' } else { c })
        .collect()
}

/// Keys that would reach an object's prototype when a page copies them with `obj[key] = …`.
fn forbidden(key: &str) -> bool {
    matches!(key, "__proto__" | "constructor" | "prototype")
}

/// Strings are trimmed of whitespace and zero-width characters; ISO dates become epoch millis.
fn clean_string(s: &str) -> Value {
    let trimmed = s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}'));
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
/// last value (later values win, as when merging traits).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Properties(Vec<(String, Value)>);

impl Properties {
    /// The properties, in order.
    pub fn members(&self) -> &[(String, Value)] {
        &self.0
    }

    /// How many properties there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key`, unless it is empty or forbidden, or the map is full.
    pub fn set(&mut self, key: &str, value: Value, problems: &mut Problems) {
        if key.is_empty() {
            return;
        }
        if forbidden(key) {
            problems.forbidden_key = true;
        } else if let Some(slot) = self.0.iter_mut().find(|(k, _)| k == key) {
            slot.1 = value;
        } else if self.0.len() < MAX_PROPERTIES {
            self.0.push((key.into(), value));
        } else {
            problems.too_many = true;
        }
    }

    /// Merges `other` over these properties (its values win).
    pub fn merge(&mut self, other: Properties) {
        for (key, value) in other.0 {
            self.set(&key, value, &mut Problems::default());
        }
    }

    /// Keeps the first `limit` properties and returns the names of the rest.
    pub fn truncate(&mut self, limit: usize) -> Vec<String> {
        self.0.split_off(limit.min(self.0.len())).into_iter().map(|(k, _)| k).collect()
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
            Some(Value::Object(out.0))
        }
        Value::Array(items) => Some(Value::Array(items.iter().filter_map(|v| clean_deep(v, problems)).collect())),
        scalar => clean_scalar(scalar),
    }
}
