//! HubSpot property maps and the value rules every call shares (S4): key names, flattening,
//! multi-select arrays, dates, trimmed strings, and keys that must never be written.

use super::{decimal, epoch_millis, Problems};
use crate::value::{concat, owned, replace_ascii, Value};
use std::borrow::Cow;

/// Properties beyond this many in one call are dropped: far past any real contact or event,
/// and the bound keeps a hostile 10,000-key object from costing more than a moment.
pub const MAX_PROPERTIES: usize = 1000;

/// Property names in HubSpot's form: lower case (ASCII: HubSpot's internal names are ASCII, and
/// Unicode case tables would cost more bytes than the rest of the mapping); whitespace (`' '`, `\t`, `\n`, `\v`, `\f`, `\r`)
/// and `.` become `_`. Idempotent.
pub fn property_name<'a>(key: &Cow<'a, str>) -> Cow<'a, str> {
    let separator = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b'.');
    if !key.bytes().any(|b| b.is_ascii_uppercase() || separator(b)) {
        return key.clone(); // most keys are already names; borrowed ones stay borrowed
    }
    let mut name = replace_ascii(key, separator, "_");
    name.make_ascii_lowercase();
    Cow::Owned(name)
}

/// Keys that would reach an object's prototype when a page copies them with `obj[key] = …`.
fn forbidden(key: &str) -> bool {
    matches!(key, "__proto__" | "constructor" | "prototype")
}

/// `s` without surrounding whitespace and zero-width characters (U+200B–U+200D, U+FEFF).
pub fn trim_text(s: &str) -> &str {
    // Whitespace is Unicode's (as `char::is_whitespace` and JavaScript's `trim`), matched on
    // UTF-8 bytes at both ends: no char decoding, which the wasm would pay for in size.
    let bytes = s.as_bytes();
    let visible = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    if visible(bytes.first()) && visible(bytes.last()) {
        return s; // most text: nothing to trim
    }
    let (mut start, mut end) = (0, bytes.len());
    while let Some(n) = bytes.get(start..end).and_then(|rest| blank(rest, true, false)) {
        start += n;
    }
    while let Some(n) = bytes.get(start..end).and_then(|rest| blank(rest, true, true)) {
        end -= n;
    }
    s.get(start..end).unwrap_or_default()
}

/// The length of the whitespace character (Unicode `White_Space`) or, with `zero_width`, the
/// zero-width character that `bytes` starts with (or, `at_end`, ends with). All of them are
/// one to three bytes of UTF-8, read here without a general decoder.
pub fn blank(bytes: &[u8], zero_width: bool, at_end: bool) -> Option<usize> {
    // The character's bytes: at the end, back from the last byte over continuation bytes.
    let length = if at_end {
        let last = bytes.len().checked_sub(1)?;
        1 + (1..3).take_while(|&n| bytes.get(last + 1 - n).is_some_and(|b| b & 0xc0 == 0x80)).count()
    } else {
        match bytes.first()? {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            _ => 1,
        }
    };
    let start = if at_end { bytes.len() - length } else { 0 };
    let c = bytes.get(start..start + length)?;
    let point = match *c {
        [b] if b < 0x80 => u32::from(b),
        [a, b] if a & 0xe0 == 0xc0 => u32::from(a & 0x1f) << 6 | u32::from(b & 0x3f),
        [a, b, c] if a & 0xf0 == 0xe0 => u32::from(a & 0x0f) << 12 | u32::from(b & 0x3f) << 6 | u32::from(c & 0x3f),
        _ => return None, // four bytes (no blank is), or not a character's start
    };
    let white = matches!(point, 0x09..=0x0d | 0x20 | 0x85 | 0xa0 | 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000);
    (white || zero_width && matches!(point, 0x200b..=0x200d | 0xfeff)).then_some(length)
}

/// Strings are trimmed of whitespace and zero-width characters; ISO dates become epoch millis.
fn clean_string<'a>(s: &Cow<'a, str>) -> Value<'a> {
    if let Some(ms) = epoch_millis(trim_text(s)) {
        return Value::Number(decimal(ms).into());
    }
    Value::String(match s {
        Cow::Borrowed(text) => Cow::Borrowed(trim_text(text)),
        Cow::Owned(text) => Cow::Owned(trim_text(text).into()),
    })
}

/// A scalar as HubSpot takes it; `None` for what is dropped (null, and so undefined, NaN, …).
fn clean_scalar<'a>(value: &Value<'a>) -> Option<Value<'a>> {
    match value {
        Value::String(s) => Some(clean_string(s)),
        Value::Number(n) => Some(Value::Number(n.clone())),
        Value::Bool(b) => Some(Value::Bool(*b)),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A property map that keeps the page's order; a key set twice keeps its first place and its
/// last value (later values win, as when merging traits). A plain list searched in order: a call
/// has dozens of properties (at most [`MAX_PROPERTIES`]), and in the browser the time goes to
/// reading the event, not to these lookups.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Properties<'a> {
    members: Vec<(Cow<'a, str>, Value<'a>)>,
}

impl Properties<'static> {
    /// Merges `other` over these held properties (its values win), copying its text: held
    /// properties outlive the call they came with. A key already held is not copied again.
    pub fn absorb(&mut self, other: Properties<'_>) {
        for (key, value) in other.members {
            // Contact properties are flat (see `flatten`): a scalar copy is all a value needs.
            let value = match value {
                Value::String(text) => Value::String(owned(text)),
                Value::Number(text) => Value::Number(owned(text)),
                Value::Bool(b) => Value::Bool(b),
                Value::Null | Value::Array(_) | Value::Object(_) => continue,
            };
            self.put(key, value, owned, &mut Problems::default());
        }
    }
}

impl<'a> Properties<'a> {
    /// An empty map with room for `n` properties, for a map made from an object of `n` members.
    pub fn with_capacity(n: usize) -> Properties<'a> {
        Properties { members: Vec::with_capacity(n) }
    }

    /// The properties, in order.
    pub fn members(&self) -> &[(Cow<'a, str>, Value<'a>)] {
        &self.members
    }

    /// The properties as a JSON object value (no copy: the members move).
    pub fn into_value(self) -> Value<'a> {
        Value::Object(self.members)
    }

    /// How many properties there are.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Where `key` is.
    fn find(&self, key: &str) -> Option<usize> {
        self.members.iter().position(|(k, _)| k == key)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.members.get(self.find(key)?).map(|(_, v)| v)
    }

    /// Sets `key`, unless it is empty or forbidden, or the map is full.
    pub fn set(&mut self, key: Cow<'a, str>, value: Value<'a>, problems: &mut Problems) {
        self.put(key, value, |key| key, problems);
    }

    /// [`Properties::set`], with `own` making the key storable (only when it is new).
    fn put<'k>(
        &mut self,
        key: Cow<'k, str>,
        value: Value<'a>,
        own: fn(Cow<'k, str>) -> Cow<'a, str>,
        problems: &mut Problems,
    ) {
        if key.is_empty() {
            return;
        }
        if forbidden(&key) {
            problems.forbidden_key = true;
        } else if let Some(i) = self.find(&key) {
            if let Some(slot) = self.members.get_mut(i) {
                slot.1 = value;
            }
        } else if self.members.len() < MAX_PROPERTIES {
            self.members.push((own(key), value));
        } else {
            problems.too_many = true;
        }
    }

    /// Keeps the first `limit` properties and returns the names of the rest.
    pub fn truncate(&mut self, limit: usize) -> Vec<String> {
        let limit = limit.min(self.members.len());
        let mut dropped = Vec::new();
        for (key, _) in self.members.get(limit..).unwrap_or_default() {
            dropped.push(String::from(&**key));
        }
        self.members.truncate(limit);
        dropped
    }

    /// S4 value rules under an already-normalised `key`: nested objects flatten into
    /// `key_child` (children normalised too), arrays of scalars join with `;` (HubSpot's
    /// multi-select form), strings are cleaned, null is dropped.
    pub fn flatten(&mut self, key: Cow<'a, str>, value: &Value<'a>, problems: &mut Problems) {
        match value {
            Value::Object(members) => {
                for (child, value) in members {
                    self.flatten(concat(&[&key, "_", &property_name(child)]).into(), value, problems);
                }
            }
            Value::Array(items) => {
                let mut joined = String::new();
                for item in items {
                    let text = match clean_scalar(item) {
                        Some(Value::Bool(b)) => Cow::Borrowed(if b { "true" } else { "false" }),
                        Some(Value::Number(t) | Value::String(t)) => t,
                        _ => continue,
                    };
                    // An empty option is no option: skipped, wherever it stands.
                    if !text.is_empty() {
                        if !joined.is_empty() {
                            joined.push(';');
                        }
                        joined.push_str(&text);
                    }
                }
                self.set(key, Value::String(joined.into()), problems);
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
    pub fn set_clean(&mut self, key: Cow<'a, str>, value: &Value<'a>, problems: &mut Problems) {
        if let Some(v) = clean_deep(value, problems) {
            self.set(key, v, problems);
        }
    }
}

fn clean_deep<'a>(value: &Value<'a>, problems: &mut Problems) -> Option<Value<'a>> {
    match value {
        Value::Object(members) => {
            let mut out = Properties::with_capacity(members.len());
            for (key, value) in members {
                out.set_clean(key.clone(), value, problems);
            }
            Some(Value::Object(out.members))
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if let Some(item) = clean_deep(item, problems) {
                    out.push(item);
                }
            }
            Some(Value::Array(out))
        }
        scalar => clean_scalar(scalar),
    }
}
