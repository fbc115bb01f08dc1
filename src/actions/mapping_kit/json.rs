//! `JSON.stringify` and `JSON.parse` as the `@json` directive calls them.

use super::data::{define, Data};
use super::{too_deep, MappingError, MAX_DATA_DEPTH};
use std::borrow::Cow;

/// `JSON.stringify(value)`: `None` for `undefined`, which it does not encode either.
pub fn stringify(value: &Data<'_>) -> Result<Option<String>, MappingError> {
    if matches!(value, Data::Undefined) {
        return Ok(None);
    }
    let mut out = String::new();
    write(value, &mut out, 0)?;
    Ok(Some(out))
}

fn write(value: &Data<'_>, out: &mut String, depth: usize) -> Result<(), MappingError> {
    if depth > MAX_DATA_DEPTH {
        return Err(too_deep());
    }
    match value {
        Data::Undefined | Data::Null => out.push_str("null"),
        Data::Bool(b) => out.push_str(super::data::bool_text(*b)),
        Data::Number(n) => out.push_str(n),
        Data::String(s) => write_string(s, out),
        Data::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out, depth + 1)?;
            }
            out.push(']');
        }
        Data::Object(members) => {
            out.push('{');
            let mut first = true;
            for (key, item) in members.iter().filter(|(_, item)| !matches!(item, Data::Undefined)) {
                if !first {
                    out.push(',');
                }
                first = false;
                write_string(key, out);
                out.push(':');
                write(item, out, depth + 1)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// A JSON string literal with `JSON.stringify`'s escapes.
fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{C}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0'..='\u{1F}' => {
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}

/// `JSON.parse(text)`: `Ok(None)` where it would throw. Numbers keep the text they were written
/// in; a lone surrogate escape becomes U+FFFD (Rust text cannot hold one).
pub fn parse(text: &str) -> Result<Option<Data<'static>>, MappingError> {
    let mut parser = Parser { text, at: 0 };
    let value = parser.value(0)?;
    parser.space();
    Ok(value.filter(|_| parser.at == text.len()))
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.space();
        let hit = self.peek() == Some(byte);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn word(&mut self, word: &str, value: Data<'static>) -> Option<Data<'static>> {
        let hit = self.text[self.at..].starts_with(word);
        if hit {
            self.at += word.len();
        }
        hit.then_some(value)
    }

    /// One value; `Ok(None)` for text that is not JSON.
    fn value(&mut self, depth: usize) -> Result<Option<Data<'static>>, MappingError> {
        if depth > MAX_DATA_DEPTH {
            return Err(too_deep());
        }
        self.space();
        Ok(match self.peek() {
            Some(b'n') => self.word("null", Data::Null),
            Some(b't') => self.word("true", Data::Bool(true)),
            Some(b'f') => self.word("false", Data::Bool(false)),
            Some(b'"') => self.string().map(|s| Data::String(Cow::Owned(s))),
            Some(b'-' | b'0'..=b'9') => self.number().map(|n| Data::Number(Cow::Owned(n))),
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        let Some(item) = self.value(depth + 1)? else { return Ok(None) };
                        items.push(item);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Ok(None);
                        }
                    }
                }
                Some(Data::Array(items))
            }
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.space();
                        let Some(key) = self.string() else { return Ok(None) };
                        if !self.eat(b':') {
                            return Ok(None);
                        }
                        let Some(item) = self.value(depth + 1)? else { return Ok(None) };
                        // JSON.parse defines members: a repeated key keeps its first place.
                        define(&mut members, Cow::Owned(key), item);
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Ok(None);
                        }
                    }
                }
                Some(Data::Object(members))
            }
            _ => None,
        })
    }

    /// `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`, as written.
    fn number(&mut self) -> Option<String> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        let digits = |at: &mut usize| {
            let from = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at > from
        };
        let mut at = self.at;
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        if bytes.get(at) == Some(&b'0') {
            at += 1;
        } else if !digits(&mut at) {
            return None;
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            if !digits(&mut at) {
                return None;
            }
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            if !digits(&mut at) {
                return None;
            }
        }
        self.at = at;
        Some(self.text[start..at].to_owned())
    }

    /// A string literal at the cursor.
    fn string(&mut self) -> Option<String> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.at += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            let plain = rest.find(|c: char| c == '"' || c == '\\' || c < ' ')?;
            out.push_str(&rest[..plain]);
            self.at += plain;
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.at += 1;
                    let escape = self.peek()?;
                    self.at += 1;
                    out.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{C}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                _ => return None, // a raw control character
            }
        }
    }

    /// The character of `\uXXXX` (the `\u` read), with a following low surrogate's escape.
    fn unicode_escape(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if (0xD800..0xDC00).contains(&high) && self.text[self.at..].starts_with("\\u") {
            let back = self.at;
            self.at += 2;
            match self.hex4()? {
                low @ 0xDC00..=0xDFFF => {
                    return char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
                }
                _ => self.at = back,
            }
        }
        Some(char::from_u32(high).unwrap_or('\u{FFFD}'))
    }

    fn hex4(&mut self) -> Option<u32> {
        let hex = self.text.as_bytes().get(self.at..self.at + 4)?;
        let mut n = 0;
        for &b in hex {
            n = n * 16 + char::from(b).to_digit(16)?;
        }
        self.at += 4;
        Some(n)
    }
}
