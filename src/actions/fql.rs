//! FQL, the trigger language of a Segment Actions subscription (`type = "track" and
//! contains(event, "Order")`), parsed and evaluated as `@segment/destination-subscriptions` 3.37.0
//! does, quirks included: users' workspaces were tested against that code, so what it matches is
//! what they expect.
//!
//! Its quirks, kept on purpose:
//! - one `and`/`or` per level of parentheses: the last one written joins every condition of that
//!   level (`a and b or c` is `a or b or c`); nested parentheses do not parse;
//! - `=` and `!=` compare the text (`properties.n = "5"` never matches the number 5), except with
//!   a number, where `properties.n = 5` compares numbers; `= null` / `!= null` test existence;
//! - `<`, `<=`, `>`, `>=` need a number in the event;
//! - `!` negates only `contains()` and `match()`; `match(f, "x*")` is "starts with x", any other
//!   pattern "ends with" the pattern less its first character;
//! - an unknown field is left out of the trigger (`foo = 1 and type = "track"` is
//!   `type = "track"`), a trigger with no known field does not parse;
//! - paths go through JavaScript's property lookup: `properties.items.length`, `properties.s.0`
//!   through a string's characters, and a falsy value stops the walk and is the result.
//!
//! Text is handled in UTF-16 code units, as JavaScript's strings are.

use crate::mapping::decimal;
use crate::value::{concat, Value};
use std::cmp::Ordering;

/// JavaScript's longest identifier, number and string in FQL (the lexer's "bug catchers").
const MAX_TOKEN: usize = 100_000;

/// A trigger that could not be parsed; what the reference's parser threw.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError(pub &'static str);

/// Evaluating the trigger threw in the reference (an empty `()` reached, a path of separators
/// only): the rest of that action's subscriptions do not run for the event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thrown;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Ident,
    Dot,
    Operator,
    Conditional,
    Str,
    Number,
    Null,
    BrackLeft,
    BrackRight,
    ParenLeft,
    ParenRight,
    Comma,
    Eos,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    value: Vec<u16>,
}

fn token(kind: Kind, value: &str) -> Token {
    Token { kind, value: value.encode_utf16().collect() }
}

fn is_alpha(c: Option<u16>) -> bool {
    matches!(c, Some(c) if (c as u8 as u16 == c) && (c as u8).is_ascii_alphabetic())
}

fn is_digit(c: Option<u16>) -> bool {
    matches!(c, Some(c) if (b'0' as u16..=b'9' as u16).contains(&c))
}

fn is(c: Option<u16>, ascii: u8) -> bool {
    c == Some(ascii as u16)
}

fn is_whitespace(c: Option<u16>) -> bool {
    is(c, b' ') || is(c, b'\t') || is(c, b'\n')
}

fn is_ident(c: Option<u16>) -> bool {
    is_alpha(c) || is_digit(c) || is(c, b'_') || is(c, b'-') || is(c, b'\\')
}

/// The end of input counts as a terminator.
fn is_terminator(c: Option<u16>) -> bool {
    c.is_none() || is_whitespace(c) || is(c, b',') || is(c, b']') || is(c, b')')
}

struct Lexer<'s> {
    code: &'s [u16],
    at: usize,
}

impl Lexer<'_> {
    /// The next code unit; at the end, `None` without moving.
    fn next(&mut self) -> Option<u16> {
        let c = self.code.get(self.at).copied();
        if c.is_some() {
            self.at += 1;
        }
        c
    }

    fn peek(&self) -> Option<u16> {
        self.code.get(self.at).copied()
    }

    fn backup(&mut self, count: usize) {
        self.at = self.at.saturating_sub(count);
    }

    /// Steps over `word` when a terminator follows it; otherwise steps back, except at the end
    /// of input, where what was read stays read (the reference's behaviour: `an` lexes as `a`).
    fn accept(&mut self, word: &str) -> bool {
        let mut read = 0;
        let mut same = true;
        for expected in word.bytes() {
            let Some(c) = self.next() else { return false };
            read += 1;
            same &= c == expected as u16;
            if is_terminator(Some(c)) {
                same = false;
                break;
            }
        }
        if same && read == word.len() && is_terminator(self.peek()) {
            return true;
        }
        self.backup(read);
        false
    }

    fn lex(&mut self) -> Result<Vec<Token>, ParseError> {
        let mut tokens = Vec::new();
        loop {
            let Some(c) = self.next() else {
                tokens.push(token(Kind::Eos, "eos"));
                return Ok(tokens);
            };
            let c1 = Some(c);
            if is_whitespace(c1) {
                continue;
            }
            if is(c1, b'!') && (is_alpha(self.peek()) || is(self.peek(), b'(')) {
                tokens.push(token(Kind::Operator, "!"));
                continue;
            }
            let t = if is_alpha(c1) || [b'!', b'=', b'>', b'<', b'\\', b'_'].iter().any(|b| is(c1, *b)) {
                self.operator_or_conditional(c)?
            } else if is_digit(c1) || is(c1, b'-') || is(c1, b'+') {
                self.number(c)?
            } else if is(c1, b'"') || is(c1, b'\'') {
                self.string(c)?
            } else {
                let kind = match c {
                    0x2e => Kind::Dot,
                    0x5b => Kind::BrackLeft,
                    0x5d => Kind::BrackRight,
                    0x2c => Kind::Comma,
                    0x28 => Kind::ParenLeft,
                    0x29 => Kind::ParenRight,
                    _ => return Err(ParseError("invalid character")),
                };
                Token { kind, value: vec![c] }
            };
            tokens.push(t);
        }
    }

    fn string(&mut self, quote: u16) -> Result<Token, ParseError> {
        let mut value = vec![quote];
        while self.peek() != Some(quote) {
            let Some(c) = self.next() else { return Err(ParseError("unterminated string")) };
            value.push(c);
            if value.len() > MAX_TOKEN {
                return Err(ParseError("unreasonable string length"));
            }
        }
        // The closing quote is consumed only when a terminator follows it; otherwise the next
        // token starts at it (the reference ignores what `accept` answers).
        let _ = self.accept(if quote == b'"' as u16 { "\"" } else { "'" });
        value.push(quote);
        Ok(Token { kind: Kind::Str, value })
    }

    fn number(&mut self, first: u16) -> Result<Token, ParseError> {
        let mut value = vec![first];
        let mut decimal = false;
        let mut coming = self.peek();
        while is_digit(coming) || is(coming, b'.') {
            value.extend(self.next());
            if is(coming, b'.') {
                if is_terminator(self.peek()) {
                    return Err(ParseError("unexpected terminator after decimal point"));
                }
                if decimal {
                    return Err(ParseError("multiple decimal points in one number"));
                }
                decimal = true;
            }
            if value.len() > MAX_TOKEN {
                return Err(ParseError("unreasonable number length"));
            }
            coming = self.peek();
        }
        Ok(Token { kind: Kind::Number, value })
    }

    fn operator_or_conditional(&mut self, first: u16) -> Result<Token, ParseError> {
        match first as u8 {
            _ if first > 0x7f => self.ident(first),
            b'=' => Ok(token(Kind::Operator, "=")),
            b'!' if self.accept("=") => Ok(token(Kind::Operator, "!=")),
            b'!' => Err(ParseError("expected '=' after '!'")),
            b'a' if self.accept("nd") => Ok(token(Kind::Conditional, "and")),
            b'o' if self.accept("r") => Ok(token(Kind::Conditional, "or")),
            b'n' if self.accept("ull") => Ok(token(Kind::Null, "null")),
            b'<' if self.accept("=") => Ok(token(Kind::Operator, "<=")),
            b'>' if self.accept("=") => Ok(token(Kind::Operator, ">=")),
            b'<' => Ok(token(Kind::Operator, "<")),
            b'>' => Ok(token(Kind::Operator, ">")),
            _ => self.ident(first),
        }
    }

    fn ident(&mut self, first: u16) -> Result<Token, ParseError> {
        let mut value = Vec::new();
        let mut c = first;
        loop {
            if c == b'\\' as u16 {
                c = self.next().ok_or(ParseError("expected character after escape character"))?;
            }
            value.push(c);
            if value.len() >= MAX_TOKEN {
                return Err(ParseError("unreasonable literal length"));
            }
            if !is_ident(self.peek()) {
                break;
            }
            c = self.next().unwrap_or_default();
        }
        let coming = self.peek();
        if !(is_terminator(coming) || [b'.', b'(', b'=', b'!'].iter().any(|b| is(coming, *b))) {
            return Err(ParseError("expected termination character after identifier"));
        }
        Ok(Token { kind: Kind::Ident, value })
    }
}

/// `a` `.` `b` joined into the identifier `a.b`.
fn normalize(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while let Some(current) = tokens.get(i) {
        let joins = out.last().is_some_and(|last| last.kind == Kind::Ident)
            && current.kind == Kind::Dot
            && tokens.get(i + 1).is_some_and(|next| next.kind == Kind::Ident);
        match (joins, out.last_mut(), tokens.get(i + 1)) {
            (true, Some(last), Some(next)) => {
                last.value.push(b'.' as u16);
                last.value.extend_from_slice(&next.value);
                i += 2;
            }
            _ => {
                out.push(current.clone());
                i += 1;
            }
        }
    }
    out
}

/// A number as JavaScript's `Number()` makes it, exactly where it has at most 15 significant
/// digits (every double's shortest text then is that decimal), compared as decimals otherwise.
#[derive(Clone, Debug, PartialEq)]
pub enum Num {
    /// `NaN`: compares false with everything.
    NaN,
    /// `±Infinity` (true: negative).
    Infinite(bool),
    /// `±0.d₁d₂…dₖ × 10^exp`; no leading or trailing zero digit; zero has no digits.
    Finite {
        /// Negative.
        negative: bool,
        /// The significant digits, 0-9 each.
        digits: Vec<u8>,
        /// Where the decimal point goes.
        exp: i64,
    },
}

impl Num {
    fn zero() -> Num {
        Num::Finite { negative: false, digits: Vec::new(), exp: 0 }
    }

    /// JavaScript's `Number(text)`, for FQL's literals and the event's numbers.
    pub fn from_text(text: &str) -> Num {
        let text = super::js_trim(text);
        if text.is_empty() {
            return Num::zero();
        }
        for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)] {
            if let Some(rest) = text.strip_prefix(prefix) {
                return Num::from_radix(rest, radix);
            }
        }
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        if unsigned == "Infinity" {
            return Num::Infinite(negative);
        }
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
            None => (unsigned, None),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !digits_only(whole) || !digits_only(fraction) {
            return Num::NaN;
        }
        let exp = match exponent {
            None => 0,
            Some(e) => {
                let (sign, digits) = match e.as_bytes().first() {
                    Some(b'-') => (-1, &e[1..]),
                    Some(b'+') => (1, &e[1..]),
                    _ => (1, e),
                };
                if digits.is_empty() || !digits_only(digits) {
                    return Num::NaN;
                }
                // Clamped far beyond a double's range: the value is then 0 or Infinity anyway.
                let mut n: i64 = 0;
                for b in digits.bytes() {
                    n = (n * 10 + i64::from(b - b'0')).min(1_000_000);
                }
                sign * n
            }
        };
        let all = [whole.as_bytes(), fraction.as_bytes()].concat();
        Num::decimal(negative, &all, exp + whole.len() as i64)
    }

    /// The digits of `0x…`, `0o…` or `0b…` after the prefix, as `Number()` reads them.
    fn from_radix(digits: &str, radix: u32) -> Num {
        if digits.is_empty() {
            return Num::NaN;
        }
        // Decimal digits, least significant first, multiplied up one digit of `radix` at a time;
        // past a double's range the value is Infinity whatever follows.
        let mut value = Vec::new();
        for b in digits.bytes() {
            let Some(mut carry) = char::from(b).to_digit(radix) else { return Num::NaN };
            for d in &mut value {
                carry += u32::from(*d - b'0') * radix;
                *d = b'0' + (carry % 10) as u8;
                carry /= 10;
            }
            while carry > 0 {
                value.push(b'0' + (carry % 10) as u8);
                carry /= 10;
            }
            if value.len() > 309 {
                return Num::Infinite(false);
            }
        }
        value.reverse();
        Num::decimal(false, &value, value.len() as i64)
    }

    /// `±0.<digits> × 10^exp` of ASCII digits, normalised.
    fn decimal(negative: bool, digits: &[u8], exp: i64) -> Num {
        let leading = digits.iter().take_while(|b| **b == b'0').count();
        let digits: Vec<u8> = digits[leading..].iter().map(|b| b - b'0').collect();
        let end = digits.iter().rposition(|d| *d != 0).map_or(0, |at| at + 1);
        let exp = exp - leading as i64;
        match &digits[..end] {
            [] => Num::Finite { negative, digits: Vec::new(), exp: 0 },
            _ if exp > 309 => Num::Infinite(negative),
            _ if exp < -330 => Num::Finite { negative, digits: Vec::new(), exp: 0 },
            significant => Num::Finite { negative, digits: significant.to_vec(), exp },
        }
    }

    fn is_zero(&self) -> bool {
        matches!(self, Num::Finite { digits, .. } if digits.is_empty())
    }

    /// The order of two numbers; `None` with `NaN`.
    fn compare(&self, other: &Num) -> Option<Ordering> {
        let rank = |n: &Num| match n {
            Num::NaN => None,
            Num::Infinite(true) => Some(-2),
            Num::Infinite(false) => Some(2),
            _ if n.is_zero() => Some(0),
            Num::Finite { negative: true, .. } => Some(-1),
            Num::Finite { .. } => Some(1),
        };
        let (a, b): (i8, i8) = (rank(self)?, rank(other)?);
        if a != b || a.abs() != 1 {
            return Some(a.cmp(&b));
        }
        let (Num::Finite { digits: x, exp: ex, .. }, Num::Finite { digits: y, exp: ey, .. }) = (self, other) else {
            return Some(Ordering::Equal);
        };
        let magnitude = ex.cmp(ey).then_with(|| x.cmp(y));
        Some(if a < 0 { magnitude.reverse() } else { magnitude })
    }

    /// JavaScript's `String(number)`.
    pub fn to_js_string(&self) -> String {
        let (negative, digits, n) = match self {
            Num::NaN => return "NaN".into(),
            Num::Infinite(negative) => return if *negative { "-Infinity" } else { "Infinity" }.into(),
            _ if self.is_zero() => return "0".into(),
            Num::Finite { negative, digits, exp } => (*negative, digits, *exp),
        };
        let k = digits.len() as i64;
        let text: String = digits.iter().map(|d| (b'0' + d) as char).collect();
        let mut out = String::from(if negative { "-" } else { "" });
        if k <= n && n <= 21 {
            out.push_str(&text);
            out.extend(std::iter::repeat_n('0', (n - k) as usize));
        } else if 0 < n && n <= 21 {
            out.push_str(&text[..n as usize]);
            out.push('.');
            out.push_str(&text[n as usize..]);
        } else if -6 < n && n <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-n) as usize));
            out.push_str(&text);
        } else {
            out.push_str(&text[..1]);
            if k > 1 {
                out.push('.');
                out.push_str(&text[1..]);
            }
            out.push('e');
            out.push(if n - 1 < 0 { '-' } else { '+' });
            out.push_str(&decimal((n - 1).abs()));
        }
        out
    }
}

/// A condition's value as the reference's parser keeps it.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// None (`exists`, `is_true`, …): `String(undefined)`.
    Undefined,
    /// Text, in UTF-16 code units.
    Text(Vec<u16>),
    /// A number (`properties.n > 5`).
    Number(Num),
    /// `true` / `false`.
    Bool(bool),
}

impl Literal {
    /// JavaScript's `String(value)`, in UTF-16.
    fn text(&self) -> Vec<u16> {
        match self {
            Literal::Text(t) => t.clone(),
            Literal::Undefined => "undefined".encode_utf16().collect(),
            Literal::Number(n) => n.to_js_string().encode_utf16().collect(),
            Literal::Bool(b) => if *b { "true" } else { "false" }.encode_utf16().collect(),
        }
    }

    /// JavaScript's `Number(value)`.
    fn number(&self) -> Num {
        match self {
            Literal::Text(t) => Num::from_text(&String::from_utf16_lossy(t)),
            Literal::Undefined => Num::NaN,
            Literal::Number(n) => n.clone(),
            Literal::Bool(b) => Num::from_text(if *b { "1" } else { "0" }),
        }
    }
}

/// What a condition looks at in the event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Field {
    /// `type`.
    Type,
    /// `event`.
    Event,
    /// `name`.
    Name,
    /// `userId`.
    UserId,
    /// `properties.<path>`.
    Property,
    /// `traits.<path>`.
    Trait,
    /// `context.<path>`.
    Context,
}

impl Field {
    /// The reference AST's `type` of a condition on this field.
    pub fn ast_type(self) -> &'static str {
        match self {
            Field::Type => "event-type",
            Field::Event => "event",
            Field::Name => "name",
            Field::UserId => "userId",
            Field::Property => "event-property",
            Field::Trait => "event-trait",
            Field::Context => "event-context",
        }
    }

    /// The event's member a path starts from, and the prefix FQL writes before the path.
    fn root(self) -> &'static str {
        match self {
            Field::Type => "type",
            Field::Event => "event",
            Field::Name => "name",
            Field::UserId => "userId",
            Field::Property => "properties",
            Field::Trait => "traits",
            Field::Context => "context",
        }
    }

    fn has_path(self) -> bool {
        matches!(self, Field::Property | Field::Trait | Field::Context)
    }
}

/// One node of a parsed trigger, as the reference's AST has it.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// Conditions joined by one `and` (false) or `or` (true).
    Group {
        /// `or`.
        or: bool,
        /// The conditions.
        children: Vec<Node>,
    },
    /// `field <operator> value`.
    Condition {
        /// What it looks at.
        field: Field,
        /// The path under `properties`, `traits` or `context` (UTF-16).
        name: Option<Vec<u16>>,
        /// The operator: `=`, `contains`, `exists`, …, or whatever token stood there.
        operator: String,
        /// The value compared with.
        value: Literal,
    },
    /// An empty `()`: the reference keeps `undefined` there, and evaluating it throws.
    Missing,
}

/// A parsed trigger.
pub type Trigger = Node;

/// Which field an identifier names (the part before its first `.`). `None` when it names none;
/// `Some(None)` for a name JavaScript finds on every object (`constructor`, `__proto__`, …):
/// the reference then reads its operator and value and leaves the condition out.
fn condition_field(ident: &str) -> Option<Option<Field>> {
    let start = ident.split('.').next().unwrap_or_default();
    let field = match start {
        "type" => Field::Type,
        "event" => Field::Event,
        "name" => Field::Name,
        "userId" => Field::UserId,
        "context" => Field::Context,
        "properties" => Field::Property,
        "traits" => Field::Trait,
        _ if OBJECT_PROTOTYPE.contains(&start) => return Some(None),
        _ => return None,
    };
    Some(Some(field))
}

/// What `Object.prototype` gives every object (the ones a page's JSON data cannot shadow here).
const OBJECT_PROTOTYPE: [&str; 12] = [
    "constructor",
    "__defineGetter__",
    "__defineSetter__",
    "hasOwnProperty",
    "__lookupGetter__",
    "__lookupSetter__",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toString",
    "valueOf",
    "__proto__",
    "toLocaleString",
];

/// The token's value as the reference's `getTokenValue` makes it.
fn token_value(token: &Token) -> Literal {
    match token.kind {
        Kind::Str => {
            let v = &token.value[..];
            let v = v.strip_prefix(&[b'"' as u16]).unwrap_or(v);
            let v = v.strip_suffix(&[b'"' as u16]).unwrap_or(v);
            Literal::Text(v.to_vec())
        }
        Kind::Number => Literal::Number(Num::from_text(&String::from_utf16_lossy(&token.value))),
        Kind::Ident if token.value == utf16("true") => Literal::Bool(true),
        Kind::Ident if token.value == utf16("false") => Literal::Bool(false),
        _ => Literal::Text(token.value.clone()),
    }
}

fn text_of(literal: Literal) -> Literal {
    Literal::Text(literal.text())
}

fn utf16(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

/// The path after `properties.` (the prefix removed only when followed by a dot, as the
/// reference's regular expression does).
fn path_name(field: Field, ident: &[u16]) -> Vec<u16> {
    let mut prefix = utf16(field.root());
    prefix.push(b'.' as u16);
    ident.strip_prefix(&prefix[..]).unwrap_or(ident).to_vec()
}

struct Parser {
    tokens: std::collections::VecDeque<Token>,
}

impl Parser {
    fn shift(&mut self) -> Option<Token> {
        self.tokens.pop_front()
    }

    fn parse(&mut self) -> Result<Option<Node>, ParseError> {
        let mut nodes = Vec::new();
        let mut or = false;
        while let Some(token) = self.shift().filter(|t| t.kind != Kind::Eos) {
            let text = String::from_utf16_lossy(&token.value);
            if token.kind == Kind::Ident {
                if let Some(field) = condition_field(&text) {
                    let operator = self.shift().ok_or(ParseError("Operator token is missing"))?;
                    let value = self.shift().ok_or(ParseError("Value token is missing"))?;
                    if let Some(field) = field {
                        nodes.push(condition(field, &token, &operator, &value));
                    }
                }
                if text == "contains" || text == "match" {
                    self.function(&text, &mut nodes, false)?;
                }
            }
            if token.kind == Kind::Operator && text == "!" {
                let next = self.tokens.front().ok_or(ParseError("Cannot read properties of undefined"))?;
                let name = String::from_utf16_lossy(&next.value);
                if next.kind == Kind::Ident && (name == "contains" || name == "match") {
                    self.shift();
                    self.function(&name, &mut nodes, true)?;
                }
            }
            if token.kind == Kind::ParenLeft {
                let mut group = Vec::new();
                loop {
                    let t = self.shift().ok_or(ParseError("Cannot read properties of undefined"))?;
                    if t.kind == Kind::ParenRight {
                        break;
                    }
                    group.push(t);
                }
                group.push(token_eos());
                let mut inner = Parser { tokens: group.into() };
                nodes.push(inner.parse()?.unwrap_or(Node::Missing));
            }
            if token.kind == Kind::Conditional {
                or = text == "or";
            }
        }
        Ok(match nodes.len() {
            0 => None,
            1 => nodes.pop(),
            _ => Some(Node::Group { or, children: nodes }),
        })
    }

    /// `contains(field, "text")`, `match(field, "glob")`, negated after `!`.
    fn function(&mut self, name: &str, nodes: &mut Vec<Node>, negate: bool) -> Result<(), ParseError> {
        self.shift();
        let field = self.shift().ok_or(ParseError("missing a 1st argument"))?;
        self.shift();
        let value = self.shift().ok_or(ParseError("missing a 2nd argument"))?;
        self.shift();
        let (operator, value) = if name == "contains" {
            ("contains", token_value(&value).text())
        } else {
            let text = token_value(&value).text();
            if value.value.ends_with(&[b'*' as u16, b'"' as u16]) {
                ("starts_with", text[..text.len().saturating_sub(1)].to_vec())
            } else {
                ("ends_with", text.get(1..).unwrap_or_default().to_vec())
            }
        };
        let operator = if negate { concat(&["not_", operator]) } else { operator.into() };
        let ident = String::from_utf16_lossy(&field.value);
        let target = match &*ident {
            "event" => Some((Field::Event, None)),
            "name" => Some((Field::Name, None)),
            "userId" => Some((Field::UserId, None)),
            _ => [Field::Property, Field::Trait, Field::Context]
                .into_iter()
                .find(|f| ident.starts_with(f.root()))
                .map(|f| (f, Some(path_name(f, &field.value)))),
        };
        if let Some((field, name)) = target {
            nodes.push(Node::Condition { field, name, operator, value: Literal::Text(value) });
        }
        Ok(())
    }
}

fn token_eos() -> Token {
    token(Kind::Eos, "eos")
}

/// `field <operator> <value>` as the reference's parser builds it.
fn condition(field: Field, ident: &Token, operator: &Token, value: &Token) -> Node {
    let op = String::from_utf16_lossy(&operator.value);
    let val = String::from_utf16_lossy(&value.value);
    let special = match (&*op, &*val) {
        ("=", "true") => Some("is_true"),
        ("=", "false") => Some("is_false"),
        ("!=", "null") => Some("exists"),
        ("=", "null") => Some("not_exists"),
        ("=", _) if value.kind == Kind::Number => Some("number_equals"),
        ("!=", _) if value.kind == Kind::Number => Some("number_not_equals"),
        _ => None,
    };
    let name = field.has_path().then(|| path_name(field, &ident.value));
    // Which of the special forms each field knows; the others compare the text.
    let special = special.filter(|s| match field {
        Field::Type | Field::Event => false,
        Field::Name => matches!(*s, "exists" | "not_exists"),
        Field::UserId => !s.starts_with("number"),
        _ => true,
    });
    let (operator, value) = match special {
        Some(s) if s.starts_with("number") => (s.into(), token_value(value)),
        Some(s) => (s.into(), Literal::Undefined),
        None if field.has_path() => (op, token_value(value)),
        None => (op, text_of(token_value(value))),
    };
    Node::Condition { field, name, operator, value }
}

/// Parses a trigger as `parseFql` does; the error is what it reports.
pub fn parse(fql: &str) -> Result<Trigger, ParseError> {
    let code: Vec<u16> = fql.encode_utf16().collect();
    // The reference lexes and, when lexing fails, parses no token at all: an error either way.
    let tokens = Lexer { code: &code, at: 0 }.lex()?;
    let mut parser = Parser { tokens: normalize(tokens).into() };
    match parser.parse()? {
        None | Some(Node::Missing) => Err(ParseError("Cannot read properties of undefined (reading 'type')")),
        Some(group @ Node::Group { .. }) => Ok(group),
        Some(node) => Ok(Node::Group { or: false, children: vec![node] }),
    }
}

/// What a path finds in the event, as JavaScript's property lookup would.
#[derive(Debug)]
enum Found<'v> {
    Undefined,
    Null,
    Bool(bool),
    Number(Num),
    Text(Vec<u16>),
    Array(&'v [Value<'v>]),
    Object(&'v Value<'v>),
    /// A built-in member (`constructor`, `__proto__`): it exists, and is neither text nor number.
    BuiltIn,
}

impl<'v> Found<'v> {
    fn of(value: Option<&'v Value<'v>>) -> Found<'v> {
        match value {
            None => Found::Undefined,
            Some(Value::Null) => Found::Null,
            Some(Value::Bool(b)) => Found::Bool(*b),
            Some(Value::Number(n)) => Found::Number(Num::from_text(n)),
            Some(Value::String(s)) => Found::Text(utf16(s)),
            Some(Value::Array(items)) => Found::Array(items),
            Some(object @ Value::Object(_)) => Found::Object(object),
        }
    }

    fn falsy(&self) -> bool {
        match self {
            Found::Undefined | Found::Null | Found::Bool(false) => true,
            Found::Number(n) => n.is_zero(),
            Found::Text(t) => t.is_empty(),
            _ => false,
        }
    }

    /// `self[key]`.
    fn member(self, key: &str) -> Found<'v> {
        let index = || {
            let canonical = key == "0" || (!key.starts_with('0') && !key.is_empty());
            key.parse::<u32>().ok().filter(|_| canonical && key.bytes().all(|b| b.is_ascii_digit()))
        };
        let length = |n: usize| Found::Number(Num::from_text(&decimal(n as i64)));
        let own = match &self {
            Found::Object(object) => object.get(key).map(|v| Found::of(Some(v))),
            Found::Array(items) if key == "length" => Some(length(items.len())),
            Found::Array(items) => index().and_then(|i| items.get(i as usize)).map(|v| Found::of(Some(v))),
            Found::Text(t) if key == "length" => Some(length(t.len())),
            Found::Text(t) => index().and_then(|i| t.get(i as usize)).map(|u| Found::Text(vec![*u])),
            _ => None,
        };
        match own {
            Some(found) => found,
            None if OBJECT_PROTOTYPE.contains(&key) => Found::BuiltIn,
            None => Found::Undefined,
        }
    }
}

/// `get(root, path)` of the reference: the path split at `.`, `[` and `]`; a falsy value ends
/// the walk and is the result.
fn lookup<'v>(root: Option<&'v Value<'v>>, name: &[u16]) -> Result<Found<'v>, Thrown> {
    if name.is_empty() {
        return Ok(Found::Undefined);
    }
    let path = String::from_utf16_lossy(name);
    let mut keys = path.split(['.', '[', ']']).filter(|k| !k.is_empty()).peekable();
    if keys.peek().is_none() {
        return Err(Thrown);
    }
    let mut found = Found::of(root);
    for key in keys {
        if !found.falsy() {
            found = found.member(key);
        }
    }
    Ok(found)
}

/// Whether `actual` passes `operator` with `expected`, as the reference's `validateValue`.
fn passes(actual: &Found<'_>, operator: &str, expected: &Literal) -> bool {
    let number = || match actual {
        Found::Number(n) => n.compare(&expected.number()),
        _ => None,
    };
    let text = || match actual {
        Found::Text(t) => Some(t),
        _ => None,
    };
    let contains = |t: &Vec<u16>, e: &[u16]| e.is_empty() || t.windows(e.len()).any(|w| w == e);
    match operator {
        "=" => text().is_some_and(|t| *t == expected.text()),
        "!=" => text().is_none_or(|t| *t != expected.text()),
        "number_equals" => number() == Some(Ordering::Equal),
        "number_not_equals" => matches!(actual, Found::Number(_)) && number() != Some(Ordering::Equal),
        "<" => number() == Some(Ordering::Less),
        "<=" => matches!(number(), Some(Ordering::Less | Ordering::Equal)),
        ">" => number() == Some(Ordering::Greater),
        ">=" => matches!(number(), Some(Ordering::Greater | Ordering::Equal)),
        "contains" => text().is_some_and(|t| contains(t, &expected.text())),
        "not_contains" => text().is_some_and(|t| !contains(t, &expected.text())),
        "starts_with" => text().is_some_and(|t| t.starts_with(&expected.text())),
        "not_starts_with" => text().is_some_and(|t| !t.starts_with(&expected.text())),
        "ends_with" => text().is_some_and(|t| t.ends_with(&expected.text())),
        "not_ends_with" => text().is_some_and(|t| !t.ends_with(&expected.text())),
        "exists" => !matches!(actual, Found::Undefined | Found::Null),
        "not_exists" => matches!(actual, Found::Undefined | Found::Null),
        "is_true" => matches!(actual, Found::Bool(true)),
        "is_false" => matches!(actual, Found::Bool(false)),
        _ => false,
    }
}

/// Whether the event matches the trigger, as the reference's `validate`; `Err` where it throws.
pub fn matches(trigger: &Trigger, event: &Value<'_>) -> Result<bool, Thrown> {
    match trigger {
        Node::Missing => Err(Thrown),
        Node::Group { or, children } => {
            for child in children {
                if matches(child, event)? == *or {
                    return Ok(*or);
                }
            }
            Ok(!*or)
        }
        Node::Condition { field, name, operator, value } => {
            let root = event.get(field.root());
            let actual = match name {
                Some(name) => lookup(root, name)?,
                None => Found::of(root),
            };
            Ok(passes(&actual, operator, value))
        }
    }
}

/// The trigger as the reference's AST in JSON, keys sorted: what the conformance vectors hold.
#[cfg(test)]
pub fn ast_json(trigger: &Result<Trigger, ParseError>) -> String {
    fn node(n: &Node, out: &mut String) {
        let write_json_string =
            |text: &str, out: &mut String| out.push_str(&serde_json::to_string(text).unwrap_or_default());
        match n {
            Node::Missing => out.push_str("null"),
            Node::Group { or, children } => {
                out.push_str("{\"children\":[");
                for (i, c) in children.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    node(c, out);
                }
                out.push_str(if *or { "],\"operator\":\"or\"" } else { "],\"operator\":\"and\"" });
                out.push_str(",\"type\":\"group\"}");
            }
            Node::Condition { field, name, operator, value } => {
                out.push('{');
                if let Some(name) = name {
                    out.push_str("\"name\":");
                    write_json_string(&String::from_utf16_lossy(name), out);
                    out.push(',');
                }
                out.push_str("\"operator\":");
                write_json_string(operator, out);
                out.push_str(",\"type\":");
                write_json_string(field.ast_type(), out);
                match value {
                    Literal::Undefined => {}
                    Literal::Text(t) => {
                        out.push_str(",\"value\":");
                        write_json_string(&String::from_utf16_lossy(t), out);
                    }
                    Literal::Bool(b) => out.push_str(if *b { ",\"value\":true" } else { ",\"value\":false" }),
                    Literal::Number(Num::Finite { .. }) => {
                        out.push_str(",\"value\":");
                        if let Literal::Number(n) = value {
                            out.push_str(&n.to_js_string());
                        }
                    }
                    Literal::Number(_) => out.push_str(",\"value\":null"),
                }
                out.push('}');
            }
        }
    }
    let mut out = String::new();
    match trigger {
        Ok(n) => node(n, &mut out),
        Err(_) => out.push_str("{\"error\":true}"),
    }
    out
}

#[cfg(test)]
mod tests;
