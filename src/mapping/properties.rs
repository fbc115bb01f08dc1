//! HubSpot property maps and the value rules every call shares: key names, flattening,
//! multi-select arrays, dates, trimmed strings, and keys that must never be written.

use super::{decimal, epoch_millis, Problems};
use crate::value::{concat, owned, Value};
use std::borrow::Cow;

/// Properties beyond this many in one call are dropped: far past any real contact or event,
/// and the bound keeps a hostile 10,000-key object from costing more than a moment.
pub const MAX_PROPERTIES: usize = 1000;

/// HubSpot's longest internal property name.
pub const MAX_NAME_LENGTH: usize = 50;

/// A key as HubSpot's internal property name: lowercase `a`–`z`, `0`–`9` and `_`, starting with a
/// letter, at most [`MAX_NAME_LENGTH`] characters. A key already so passes as it is (borrowed).
/// Otherwise: lower-cased, accented Latin letters written without their accents
/// ([`latin_letters`]), every other character a `_`, runs of `_` one, none at either end, a
/// leading digit prefixed with `p_`, and cut at 50. `None` when nothing is left. Idempotent.
pub fn property_name<'a>(key: &Cow<'a, str>) -> Option<Cow<'a, str>> {
    let valid = key.len() <= MAX_NAME_LENGTH
        && key.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if valid {
        return Some(key.clone());
    }
    let mut name = clean_name(key);
    if name.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        name.insert_str(0, "p_");
    }
    name.truncate(MAX_NAME_LENGTH); // ASCII by now: any byte is a character boundary
    if let Some(kept) = name.strip_suffix("_") {
        name.truncate(kept.len()); // the cut came after a `_`: there are no runs of them
    }
    (!name.is_empty()).then_some(Cow::Owned(name))
}

/// Whether turning `key` into `name` took more than the long-documented rule (lower case, and
/// `_` for whitespace and dots): such names are worth a warning, plain camelCase is not.
pub fn renamed_beyond_case(key: &str, name: &str) -> bool {
    let mut name = name.chars();
    for c in key.chars() {
        let plain = if c.is_ascii_whitespace() || c == '\u{b}' || c == '.' { '_' } else { c.to_ascii_lowercase() };
        if name.next() != Some(plain) {
            return true;
        }
    }
    name.next().is_some()
}

/// `text` lower-cased to `a`–`z`, `0`–`9` and single `_` between words, with accented Latin
/// letters written plainly; no `_` at either end. Property names and event names share it.
pub fn clean_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            _ => match latin_letters(c) {
                Some(letters) => out.push_str(letters),
                None if !out.is_empty() && !out.ends_with("_") => out.push('_'),
                None => {}
            },
        }
    }
    if let Some(kept) = out.strip_suffix("_") {
        out.truncate(kept.len()); // one at most: a `_` is written only after another character
    }
    out
}

/// The plain letters of an accented Latin letter (Latin-1 and Latin Extended-A: the letters of
/// the European languages HubSpot's EU data centre serves): `Ü` → `u`, `ß` → `ss`, `ł` → `l`.
fn latin_letters(c: char) -> Option<&'static str> {
    // The base letter of each character from U+00C0 to U+017F; `*` marks the ligatures (written
    // below), `_` the two that are no letters (× and ÷).
    const BASE_LETTERS: &str = concat!(
        "aaaaaa*ceeeeiiiidnooooo_ouuuuy**aaaaaa*ceeeeiiiidnooooo_ouuuuy*y",
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllllnnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs",
    );
    let at = (c as usize).checked_sub(0xc0)?;
    match BASE_LETTERS.get(at..=at)? {
        "_" => None,
        "*" => Some(match c {
            'Æ' | 'æ' => "ae",
            'Þ' | 'þ' => "th",
            'ß' => "ss",
            'Ĳ' | 'ĳ' => "ij",
            _ => "oe", // Œ, œ
        }),
        letter => Some(letter),
    }
}

/// Keys that would reach an object's prototype when a page copies them with `obj[key] = …`.
fn forbidden(key: &str) -> bool {
    matches!(key, "__proto__" | "constructor" | "prototype")
}

/// `s` without surrounding whitespace (Unicode's, as JavaScript's `trim`) and zero-width
/// characters (U+200B–U+200D, U+FEFF).
pub fn trim_text(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{feff}'))
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
    /// properties outlive the call they came with.
    pub fn absorb(&mut self, other: Properties<'_>) {
        // Its keys were checked when it was made: nothing new to report.
        let mut checked = Problems::default();
        for (key, value) in other.members {
            // Contact properties are flat (see `flatten`): a scalar copy is all a value needs.
            let value = match value {
                Value::String(text) => Value::String(owned(text)),
                Value::Number(text) => Value::Number(owned(text)),
                Value::Bool(b) => Value::Bool(b),
                Value::Null | Value::Array(_) | Value::Object(_) => continue,
            };
            self.set(owned(key), value, &mut checked);
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

    /// The values, to change in place.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value<'a>> {
        self.members.iter_mut().map(|(_, value)| value)
    }

    /// The properties, moved out.
    pub fn into_members(self) -> Vec<(Cow<'a, str>, Value<'a>)> {
        self.members
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
            self.members.push((key, value));
        } else {
            problems.too_many = true;
        }
    }

    /// Keeps the first `limit` properties and returns the names of the rest.
    pub fn truncate(&mut self, limit: usize) -> Vec<String> {
        let mut rest = Vec::new();
        for (key, _) in self.members.get(limit..).unwrap_or_default() {
            rest.push(String::from(&**key));
        }
        self.members.truncate(limit);
        rest
    }

    /// The value rules under a key as the page wrote it: the key becomes HubSpot's internal name
    /// ([`Problems::name`]), nested objects flatten into `key_child`, arrays of scalars join with
    /// `;` (HubSpot's multi-select form; its tracker would send `[object Object]` or repeated
    /// keys), strings are cleaned, null is dropped.
    #[allow(clippy::ptr_arg)] // a `Cow`, not a `&str`: a key borrowed from the event stays borrowed
    pub fn flatten(&mut self, key: &Cow<'a, str>, value: &Value<'a>, problems: &mut Problems) {
        if let Some(name) = problems.name(key) {
            self.flatten_named(name, value, problems);
        }
    }

    /// [`Properties::flatten`] under a name already HubSpot's.
    pub fn flatten_named(&mut self, name: Cow<'a, str>, value: &Value<'a>, problems: &mut Problems) {
        match value {
            Value::Object(members) => {
                for (child, value) in members {
                    let Some(child) = problems.name(child) else { continue };
                    let path = Cow::Owned(concat(&[&*name, "_", &child]));
                    if let Some(path) = problems.name(&path) {
                        self.flatten_named(path, value, problems);
                    }
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
                self.set(name, Value::String(joined.into()), problems);
            }
            scalar => {
                if let Some(v) = clean_scalar(scalar) {
                    self.set(name, v, problems)
                }
            }
        }
    }
}
