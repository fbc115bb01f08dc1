//! Values as mapping-kit's JavaScript holds them while it resolves a mapping: JSON plus
//! `undefined`, and the few JavaScript conversions its directives rely on.

use super::{too_deep, MappingError, MAX_DATA_DEPTH};
use crate::mapping::decimal;
use crate::value::Value;
use std::borrow::Cow;

/// An object's members, in insertion order (as JavaScript keeps non-numeric keys).
pub type Members<'a> = Vec<(Cow<'a, str>, Data<'a>)>;

/// A value while a mapping is resolved: [`Value`] plus `undefined`, which mapping-kit keeps in
/// objects until its last step removes it, and which a later object can use to hide an earlier
/// member (`@merge`). Text is borrowed from the mapping and the payload where it can be.
#[derive(Clone)]
#[cfg_attr(test, derive(Debug, PartialEq))]
pub enum Data<'a> {
    /// JavaScript's `undefined`: a missing path, a directive with no result.
    Undefined,
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as its decimal text.
    Number(Cow<'a, str>),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Data<'a>>),
    /// A plain object.
    Object(Members<'a>),
}

impl<'a> Data<'a> {
    /// `value`, its text borrowed.
    pub fn from_value(value: &'a Value<'_>, depth: usize) -> Result<Data<'a>, MappingError> {
        if depth > MAX_DATA_DEPTH {
            return Err(too_deep());
        }
        Ok(match value {
            Value::Null => Data::Null,
            Value::Bool(b) => Data::Bool(*b),
            Value::Number(n) => Data::Number(Cow::Borrowed(n)),
            Value::String(s) => Data::String(Cow::Borrowed(s)),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(Data::from_value(item, depth + 1)?);
                }
                Data::Array(out)
            }
            Value::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                for (key, item) in members {
                    out.push((Cow::Borrowed(&**key), Data::from_value(item, depth + 1)?));
                }
                Data::Object(out)
            }
        })
    }

    /// The same value owning its text.
    pub fn into_owned(self) -> Data<'static> {
        match self {
            Data::Undefined => Data::Undefined,
            Data::Null => Data::Null,
            Data::Bool(b) => Data::Bool(b),
            Data::Number(n) => Data::Number(Cow::Owned(n.into_owned())),
            Data::String(s) => Data::String(Cow::Owned(s.into_owned())),
            Data::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(item.into_owned());
                }
                Data::Array(out)
            }
            Data::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                for (key, item) in members {
                    out.push((Cow::Owned(key.into_owned()), item.into_owned()));
                }
                Data::Object(out)
            }
        }
    }

    /// The result handed back to Rust: `undefined` becomes `null` where it remains (the whole
    /// result, array items: what `JSON.stringify` makes of it). Keys that name JavaScript's
    /// prototype machinery are left out, so that nothing downstream can write them onto an object.
    pub fn into_value(self, depth: usize) -> Result<Value<'static>, MappingError> {
        if depth > MAX_DATA_DEPTH {
            return Err(too_deep());
        }
        Ok(match self {
            Data::Undefined | Data::Null => Value::Null,
            Data::Bool(b) => Value::Bool(b),
            Data::Number(n) => Value::Number(Cow::Owned(n.into_owned())),
            Data::String(s) => Value::String(Cow::Owned(s.into_owned())),
            Data::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(item.into_value(depth + 1)?);
                }
                Value::Array(out)
            }
            Data::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                for (key, item) in members {
                    if !matches!(item, Data::Undefined) && !matches!(&*key, "__proto__" | "constructor" | "prototype") {
                        out.push((Cow::Owned(key.into_owned()), item.into_value(depth + 1)?));
                    }
                }
                Value::Object(out)
            }
        })
    }

    /// Neither `undefined` nor `null`.
    pub fn is_defined(&self) -> bool {
        !matches!(self, Data::Undefined | Data::Null)
    }

    /// JavaScript's truthiness (no `NaN` here: numbers are finite).
    pub fn is_truthy(&self) -> bool {
        match self {
            Data::Undefined | Data::Null => false,
            Data::Bool(b) => *b,
            Data::Number(n) => !is_zero(n),
            Data::String(s) => !s.is_empty(),
            Data::Array(_) | Data::Object(_) => true,
        }
    }

    /// What JavaScript's `value != ''` is false for: `''`, `0`, `false`, arrays that join to `''`.
    pub fn loosely_equals_empty_string(&self) -> bool {
        match self {
            Data::String(s) => s.is_empty(),
            Data::Number(n) => is_zero(n),
            Data::Bool(b) => !b,
            Data::Array(items) => joins_to_empty(items),
            Data::Undefined | Data::Null | Data::Object(_) => false,
        }
    }

    /// `String(value)`.
    pub fn to_js_string(&self, depth: usize) -> Result<Cow<'a, str>, MappingError> {
        if depth > MAX_DATA_DEPTH {
            return Err(too_deep());
        }
        Ok(match self {
            Data::Undefined => "undefined".into(),
            Data::Null => "null".into(),
            Data::Bool(b) => bool_text(*b).into(),
            Data::Number(n) | Data::String(n) => n.clone(),
            // Array.prototype.join: `null` and `undefined` items are empty.
            Data::Array(items) => {
                let mut out = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if item.is_defined() {
                        out.push_str(&item.to_js_string(depth + 1)?);
                    }
                }
                out.into()
            }
            Data::Object(_) => "[object Object]".into(),
        })
    }
}

/// `"true"` / `"false"`.
pub fn bool_text(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Whether a number's text is a zero (`0`, `-0`, `0.0`, `0e5`).
fn is_zero(number: &str) -> bool {
    number.bytes().take_while(|b| !matches!(b, b'e' | b'E')).all(|b| matches!(b, b'0' | b'-' | b'+' | b'.'))
}

/// Whether `items.join(',')` is empty: no items, or one that is itself empty.
fn joins_to_empty(items: &[Data<'_>]) -> bool {
    match items {
        [] => true,
        [Data::Undefined | Data::Null] => true,
        [Data::String(s)] => s.is_empty(),
        [Data::Array(inner)] => joins_to_empty(inner),
        _ => false,
    }
}

/// Sets `members[key]` as JavaScript's `CreateDataProperty` does: an existing key keeps its place.
pub fn define<'a>(members: &mut Members<'a>, key: Cow<'a, str>, value: Data<'a>) {
    match members.iter_mut().find(|(k, _)| *k == key) {
        Some((_, slot)) => *slot = value,
        None => members.push((key, value)),
    }
}

/// Sets `members[key]` as JavaScript's assignment and `Object.assign` do on a plain object:
/// `__proto__` is the prototype's setter there, not a member, so it is dropped.
pub fn assign<'a>(members: &mut Members<'a>, key: Cow<'a, str>, value: Data<'a>) {
    if key != "__proto__" {
        define(members, key, value);
    }
}

/// The UTF-16 code units of `s`, as one-unit strings are indexed in JavaScript; a surrogate half
/// (of a character outside the BMP) cannot stand alone in Rust text and becomes U+FFFD.
pub fn code_units(s: &str) -> impl Iterator<Item = char> + '_ {
    s.encode_utf16().map(|unit| char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}'))
}

/// A string's `length`: its UTF-16 code units.
pub fn js_length(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// `get(obj, path)` of actions-core: the path split on `.`, `[` and `]` (where a quote or a digit
/// follows or precedes them), quotes removed, and each key looked up in turn. A falsy value met on
/// the way (`0`, `''`, `false`, `null`) is the result whatever keys remain: its `&&` chain stops
/// there. Keys look up own members, array items and string characters, and `length`; JavaScript's
/// inherited members (`toString`, `constructor`, `__proto__` …) are not data and read as missing.
pub fn get<'a>(root: &Data<'a>, path: &str) -> Data<'a> {
    if path.is_empty() || path == "." {
        return root.clone();
    }
    let mut at = root;
    let mut made; // a `length` or a character: values that are not in `root`
    for key in path_keys(path) {
        if !at.is_truthy() {
            break;
        }
        match member(at, &key) {
            Member::In(found) => at = found,
            Member::Made(value) => {
                made = value;
                at = &made;
            }
        }
    }
    at.clone()
}

enum Member<'r, 'a> {
    In(&'r Data<'a>),
    Made(Data<'a>),
}

fn member<'r, 'a>(of: &'r Data<'a>, key: &str) -> Member<'r, 'a> {
    const MISSING: Member<'static, 'static> = Member::Made(Data::Undefined);
    match of {
        Data::Object(members) => match members.iter().rev().find(|(k, _)| k == key) {
            Some((_, found)) => Member::In(found),
            None => MISSING,
        },
        Data::Array(items) if key == "length" => Member::Made(Data::Number(decimal(items.len() as i64).into())),
        Data::Array(items) => match array_index(key).and_then(|i| items.get(i)) {
            Some(found) => Member::In(found),
            None => MISSING,
        },
        Data::String(s) if key == "length" => Member::Made(Data::Number(decimal(js_length(s) as i64).into())),
        Data::String(s) => match array_index(key).and_then(|i| code_units(s).nth(i)) {
            Some(unit) => Member::Made(Data::String(Cow::Owned(unit.into()))),
            None => MISSING,
        },
        _ => MISSING,
    }
}

/// `key` as an array index, if it is one in JavaScript's canonical form (`"0"`, `"12"`, not `"01"`).
fn array_index(key: &str) -> Option<usize> {
    let canonical = key == "0" || (!key.starts_with('0') && !key.is_empty() && key.len() <= 10);
    if !canonical || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = key.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    (n < u64::from(u32::MAX)).then_some(n as usize)
}

/// The keys of a path: `path.split(/\[(?="|'|\d)|\.|(?<="|'|\d)]+/).filter(f => f)`, each with
/// its quotes removed.
fn path_keys(path: &str) -> Vec<String> {
    let bytes = path.as_bytes();
    let quote_or_digit = |b: Option<&u8>| matches!(b, Some(b'"' | b'\'' | b'0'..=b'9'));
    let mut keys = Vec::new();
    let mut push = |part: &str| {
        if !part.is_empty() {
            keys.push(part.chars().filter(|c| !matches!(c, '"' | '\'')).collect());
        }
    };
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let separator = match bytes[i] {
            b'[' if quote_or_digit(bytes.get(i + 1)) => 1,
            b'.' => 1,
            b']' if i > 0 && quote_or_digit(bytes.get(i - 1)) => bytes[i..].iter().take_while(|&&b| b == b']').count(),
            _ => 0,
        };
        if separator == 0 {
            i += 1;
            continue;
        }
        push(&path[start..i]);
        i += separator;
        start = i;
    }
    push(&path[start..]);
    keys
}

/// actions-core's `removeUndefined`, the last step of `transform`: members that are `undefined`
/// go, at every depth (array items stay). Objects are copied with `Object.assign`, which drops
/// `__proto__` members.
pub fn remove_undefined(data: Data<'_>, depth: usize) -> Result<Data<'_>, MappingError> {
    if depth > MAX_DATA_DEPTH {
        return Err(too_deep());
    }
    Ok(match data {
        Data::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(remove_undefined(item, depth + 1)?);
            }
            Data::Array(out)
        }
        Data::Object(members) => {
            // The keys are already distinct: a plain push keeps this linear for large objects.
            let mut out = Vec::with_capacity(members.len());
            for (key, item) in members {
                if !matches!(item, Data::Undefined) && key != "__proto__" {
                    out.push((key, remove_undefined(item, depth + 1)?));
                }
            }
            Data::Object(out)
        }
        other => other,
    })
}
