//! The small value model that events are read into, and its JSON text form.
//!
//! The browser edge (`browser::read`) builds values from the page's objects; the native tests and
//! the fuzz run parse them from JSON text, borrowing from it wherever they can (`Cow`). Numbers
//! stay the decimal text JavaScript wrote, so they pass through untouched and no float formatting
//! or parsing code is linked into the wasm (the edge hands them back to JavaScript's
//! `parseFloat`). The JSON writer gives the tests and the fuzz run their text; the wasm has none.

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

    /// Parses JSON text. `None` for text that is not JSON; nesting past [`MAX_DEPTH`] becomes
    /// `Null` and sets `too_deep`.
    pub fn parse(text: &'a str, too_deep: &mut bool) -> Option<Value<'a>> {
        let mut parser = Parser { text, at: 0, too_deep: false };
        let value = parser.value(0)?;
        parser.space();
        *too_deep |= parser.too_deep;
        (parser.at == text.len()).then_some(value)
    }

    /// Appends this value as JSON text.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(n),
            Value::String(s) => write_json_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Object(members) => write_json_object(members, out),
        }
    }

    /// This value as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// The same value owning all its text, to outlive the JSON it was read from.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Number(n) => Value::Number(owned(n)),
            Value::String(s) => Value::String(owned(s)),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(item.into_owned());
                }
                Value::Array(out)
            }
            Value::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                for (key, value) in members {
                    out.push((owned(key), value.into_owned()));
                }
                Value::Object(out)
            }
        }
    }
}

/// Text that no longer borrows.
pub fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

/// `parts` joined: `[..].concat()` without its generic join (and the overflow check's panic
/// path), which cost the wasm about 300 bytes.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `text` with each ASCII byte for which `hit` holds replaced by `with` (or dropped, for "").
/// Cutting only at ASCII bytes keeps whole characters.
pub fn replace_ascii(text: &str, hit: fn(u8) -> bool, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut kept = 0;
    for (at, b) in text.bytes().enumerate() {
        if hit(b) {
            out.push_str(text.get(kept..at).unwrap_or_default());
            out.push_str(with);
            kept = at + 1;
        }
    }
    out.push_str(text.get(kept..).unwrap_or_default());
    out
}

/// `text` split around the first `separator` byte (ASCII), like `str::split_once` without its
/// panicking paths.
pub fn split_once(text: &str, separator: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == separator)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// Whether `text` has the byte `byte` (ASCII): `contains` without core's memchr, which costs the
/// wasm 0.2 KB for searches this short.
pub fn has(text: &str, byte: u8) -> bool {
    text.bytes().any(|b| b == byte)
}

/// Whether `text` is one or more ASCII digits (a Hub ID, a whole number of milliseconds).
pub fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Appends `{"key":value,…}`.
pub fn write_json_object(members: &[(Cow<'_, str>, Value<'_>)], out: &mut String) {
    out.push('{');
    for (i, (key, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(key, out);
        out.push(':');
        value.write_json(out);
    }
    out.push('}');
}

/// Appends `s` as a JSON string literal.
pub fn write_json_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(plain..i).unwrap_or_default());
        plain = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.get(plain..).unwrap_or_default());
    out.push('"');
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
    too_deep: bool,
}

impl<'a> Parser<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.peek_at(self.at)
    }

    #[inline(always)]
    fn peek_at(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Steps over `byte` if it is next (no whitespace allowed before it).
    fn skip(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        if hit {
            self.at += 1;
        }
        hit
    }

    /// Steps over a run of ASCII digits; whether there was one.
    fn digits(&mut self) -> bool {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at > start
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.space();
        let hit = self.peek() == Some(byte);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> Option<Value<'a>> {
        let end = self.at + word.len();
        (self.text.get(self.at..end)? == word).then(|| {
            self.at = end;
            value
        })
    }

    fn value(&mut self, depth: usize) -> Option<Value<'a>> {
        self.space();
        match self.peek()? {
            b'{' | b'[' if depth >= MAX_DEPTH => {
                self.too_deep = true;
                self.skip_nested()?;
                Some(Value::Null)
            }
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.space();
                        if self.peek()? != b'"' {
                            return None;
                        }
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        members.push((key, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::Object(members))
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::Array(items))
            }
            b'"' => self.string().map(Value::String),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Null),
            b'-' | b'0'..=b'9' => {
                let start = self.at;
                // RFC 8259's number, `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`: numbers
                // are written back as read, so only JSON's own may pass. What follows a number
                // (the `1` of `01`, the `-2` of `1-2`) is then not JSON where it stands.
                self.skip(b'-');
                if !self.skip(b'0') && !self.digits() {
                    return None;
                }
                if self.skip(b'.') && !self.digits() {
                    return None;
                }
                if self.skip(b'e') || self.skip(b'E') {
                    let _sign = self.skip(b'+') || self.skip(b'-');
                    if !self.digits() {
                        return None;
                    }
                }
                Some(Value::Number(Cow::Borrowed(self.text.get(start..self.at)?)))
            }
            _ => None,
        }
    }

    /// Skips one array or object without recursing, so any depth costs no stack.
    fn skip_nested(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.at += 1;
                        return Some(());
                    }
                }
                _ => {}
            }
            self.at += 1;
        }
    }

    /// Reads a string literal starting at its opening quote.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.at += 1;
        let start = self.at;
        let end = self.stop()?;
        if self.peek_at(end) == Some(b'"') {
            // Most strings have no escapes: borrowed, no allocation.
            self.at = end + 1;
            return self.text.get(start..end).map(Cow::Borrowed);
        }
        let mut out = String::new();
        loop {
            let plain = self.stop()?;
            out.push_str(self.text.get(self.at..plain)?);
            self.at = plain + 1;
            if self.peek_at(plain) == Some(b'"') {
                return Some(Cow::Owned(out));
            }
            let escaped = match self.peek()? {
                b'u' => {
                    let unit = self.hex4()?;
                    // A surrogate pair is two escapes; a lone surrogate (JSON.stringify writes
                    // them escaped) cannot be a Rust char and becomes U+FFFD.
                    if (0xD800..0xDC00).contains(&unit)
                        && self.text.get(self.at + 1..).is_some_and(|r| r.starts_with("\\u"))
                    {
                        let save = self.at;
                        self.at += 2;
                        let low = self.hex4()?;
                        if (0xDC00..0xE000).contains(&low) {
                            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        } else {
                            self.at = save;
                            None
                        }
                    } else {
                        char::from_u32(unit)
                    }
                    .unwrap_or('\u{FFFD}')
                }
                b'n' => '\n',
                b't' => '\t',
                b'r' => '\r',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                _ => return None,
            };
            out.push(escaped);
            self.at += 1;
        }
    }

    /// Where the string's next `"` or `\` is, from `at` on: a plain loop over bytes (the
    /// parser's hottest).
    fn stop(&self) -> Option<usize> {
        let mut at = self.at;
        loop {
            match self.peek_at(at)? {
                b'"' | b'\\' => return Some(at),
                _ => at += 1,
            }
        }
    }

    /// Reads the four hex digits after `\u`, leaving `at` on the last one.
    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at + 1..self.at + 5)?;
        self.at += 4;
        digits.bytes().try_fold(0, |acc, b| Some(acc * 16 + char::from(b).to_digit(16)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<Value<'_>> {
        Value::parse(text, &mut false)
    }

    #[test]
    fn round_trips_what_json_stringify_writes() {
        let text = r#"{"a":[1,-2.5e3,true,false,null],"b":{"c":"x\"y\\z\n\u0001"},"":""}"#;
        assert_eq!(parse(text).unwrap().to_json(), text);
    }

    #[test]
    fn decodes_escapes_and_surrogates() {
        let v = parse(r#""\u00e9\ud83d\ude00\ud800x\/""#).unwrap();
        assert_eq!(v, Value::String("é😀\u{FFFD}x/".into()));
    }

    #[test]
    fn rejects_what_is_not_json() {
        for bad in ["", "{", "[1,]", r#""\q""#, "\"\\\u{1e950}\"", r#"{"a"}"#, "tru", "\"abc", "1 2", r#""\u12""#] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn too_deep_nesting_becomes_null_without_recursing() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
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
        let v = parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v.get("a"), Some(&Value::Number("2".into())));
        assert_eq!(Value::Null.get("a"), None);
    }
}
