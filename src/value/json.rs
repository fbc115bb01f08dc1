//! JSON text ⇄ [`Value`], for the native tests and the fuzz run only: the wasm reads the page's
//! objects directly (`browser::read`) and never sees JSON text.

use super::{Value, MAX_DEPTH};
use std::borrow::Cow;

impl<'a> Value<'a> {
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
