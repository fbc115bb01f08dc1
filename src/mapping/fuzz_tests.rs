//! A large randomized run of the core, beside the proptests in `tests.rs`: a deterministic xorshift
//! generator makes 100,000 events — half of them random JSON documents, half such documents
//! mutated into arbitrary (mostly invalid) text — and sends each through [`Destination`] the way the
//! browser edge does (text the edge could not read is `null`), and 20,000 settings objects through
//! [`Settings::from_value`]. Nothing may panic, and every answer must be strict JSON whose
//! commands keep the mapping rules.
//!
//! `cargo fuzz` would need a nightly toolchain, which these machines cannot install; a fixed seed
//! also keeps every failure reproducible (the message names the case and its text).

use super::*;
use crate::destination::Destination;
use crate::settings::{self, Settings};
use crate::value::MAX_DEPTH;
use std::borrow::Cow;
use std::{collections::BTreeSet, eprintln, format, string::String, vec, vec::Vec};

type Members = Vec<(Cow<'static, str>, Value<'static>)>;

/// xorshift64*: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const KEYS: &[&str] = &[
    "email",
    "Email",
    "EMAIL ",
    "id",
    "userId",
    "revenue",
    "value",
    "firstName",
    "first_name",
    "lastName",
    "last_name",
    "First Name",
    "company",
    "address",
    "street",
    "city",
    "postalCode",
    "postal_code",
    "name",
    "plan",
    "path",
    "search",
    "__proto__",
    "constructor",
    "prototype",
    "__PROTO__",
    "Constructor",
    "PROTOTYPE",
    "a.b",
    " lead ",
    "\t",
    "",
    ".",
    "tags",
    "créé",
    "ключ",
    "😀",
    "k\u{200b}",
    "\u{feff}x",
];

const CHARS: &[char] = &[
    'a', 'b', 'Z', '0', '9', ' ', '\t', '\n', '\u{b}', '\u{c}', '\r', '.', '@', '-', '_', '"', '\\', '/', '\u{0}',
    '\u{1f}', '\u{7f}', 'é', 'ß', 'İ', '€', '😀', '\u{200b}', '\u{200c}', '\u{200d}', '\u{feff}', '\u{fffd}',
    '\u{2028}', '\u{a0}',
];

/// Characters a mutation inserts: JSON's own syntax most of all, so that mutants get past the start.
const SYNTAX: &[char] = &[
    '{', '}', '[', ']', '"', ':', ',', '\\', 'u', 'n', 't', 'f', 'e', 'E', '+', '-', '.', '0', '1', '9', ' ', 'd', '8',
    'D',
];

fn text(rng: &mut Rng, max: usize) -> String {
    let len = rng.below(max + 1);
    (0..len).map(|_| CHARS[rng.below(CHARS.len())]).collect()
}

fn date_like(rng: &mut Rng) -> String {
    let two = |rng: &mut Rng, max: usize| format!("{:02}", rng.below(max));
    let mut s = format!("{:04}-{}-{}", rng.below(10_000), two(rng, 14), two(rng, 33));
    if rng.one_in(3) {
        return s;
    }
    s += &format!("T{}:{}", two(rng, 26), two(rng, 61));
    if !rng.one_in(3) {
        s += &format!(":{}", two(rng, 61));
        if rng.one_in(2) {
            s += &format!(".{}", rng.below(10_000_000));
        }
    }
    s += rng.pick(&["Z", "z", "+02:00", "-0530", "+2400", "", "Zx", "+02:0"]);
    s
}

fn scalar(rng: &mut Rng) -> Value<'static> {
    match rng.below(12) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => Value::Number(format!("{}", rng.next() as i64 >> rng.below(64)).into()),
        3 => Value::Number(
            // As JavaScript writes them, the text the browser edge reads.
            rng.pick(&["0", "-0", "1.5", "-2500", "1e+308", "5e-324", "1.2345678901234568e+29", "-2.5e-7"]).into(),
        ),
        4 | 5 => Value::String(text(rng, 12).into()),
        6 => Value::String(date_like(rng).into()),
        7 => Value::String(
            format!(
                "{}{}@{}.{}{}",
                rng.pick(&["", " ", "\u{200b}"]),
                text(rng, 4),
                text(rng, 3),
                text(rng, 2),
                rng.pick(&["", " ", "\u{feff}"])
            )
            .into(),
        ),
        8 => Value::String(
            rng.pick(&["", " ", "\u{200b}\u{feff}", " a@b.co ", "pe123_x", "2024-01-15", "2024-01-15T10:00:00Z"])
                .into(),
        ),
        9 if rng.one_in(2000) => Value::String(text(rng, 20_000).into()),
        _ => Value::String(text(rng, 6).into()),
    }
}

fn key(rng: &mut Rng) -> String {
    if rng.one_in(2) {
        rng.pick(KEYS).into()
    } else {
        text(rng, 8)
    }
}

/// An object as JavaScript holds one (and as `Value::parse` reads one): a repeated key keeps its
/// first place and takes its last value.
fn object(members: Members) -> Value<'static> {
    let mut out: Members = Vec::with_capacity(members.len());
    for (key, value) in members {
        match out.iter_mut().find(|(known, _)| *known == key) {
            Some((_, known)) => *known = value,
            None => out.push((key, value)),
        }
    }
    Value::Object(out)
}

fn tree(rng: &mut Rng, depth: usize) -> Value<'static> {
    if depth >= 4 || !rng.one_in(3) {
        return scalar(rng);
    }
    if rng.one_in(2) {
        Value::Array((0..rng.below(5)).map(|_| tree(rng, depth + 1)).collect())
    } else {
        object((0..rng.below(6)).map(|_| (key(rng).into(), tree(rng, depth + 1))).collect())
    }
}

/// Traits or properties: mostly objects, sometimes huge, deep or not objects at all.
fn payload(rng: &mut Rng) -> Value<'static> {
    match rng.below(400) {
        0 => {
            let mut members: Members =
                (0..MAX_PROPERTIES - 2 + rng.below(8)).map(|i| (format!("k{i}").into(), scalar(rng))).collect();
            if rng.one_in(2) {
                members.push(("email".into(), Value::String("wide@example.com".into())));
            }
            Value::Object(members)
        }
        1..=9 => {
            let mut v = scalar(rng);
            for _ in 0..MAX_DEPTH + rng.below(40) {
                v = if rng.one_in(2) { Value::Array(vec![v]) } else { Value::Object(vec![(key(rng).into(), v)]) };
            }
            Value::Object(vec![("email".into(), Value::String("deep@example.com".into())), ("deep".into(), v)])
        }
        10..=39 => tree(rng, 4),
        _ => {
            let mut members: Members = (0..rng.below(10)).map(|_| (key(rng).into(), tree(rng, 1))).collect();
            if rng.one_in(2) {
                let at = rng.below(members.len() + 1);
                members.insert(at, ("email".into(), scalar(rng)));
            }
            object(members)
        }
    }
}

fn event(rng: &mut Rng) -> Value<'static> {
    let mut members: Members = Vec::new();
    let mut put = |rng: &mut Rng, k: &'static str, v: Value<'static>| {
        if !rng.one_in(6) {
            members.push((k.into(), v));
        }
    };
    let kind = rng.pick(&["identify", "track", "page", "group", "x"]);
    put(rng, "type", Value::String(kind.into()));
    let name = match rng.below(4) {
        0 => scalar(rng),
        1 => Value::String(text(rng, 16).into()),
        _ => Value::String(
            format!("{}{}", rng.pick(&["Signed Up", "pe123_done", " Order.Completed ", "Clicked"]), text(rng, 3))
                .into(),
        ),
    };
    put(rng, "event", name);
    let user = if rng.one_in(2) { Value::String(format!("{}@example.com", text(rng, 5)).into()) } else { scalar(rng) };
    put(rng, "userId", user);
    let traits = payload(rng);
    put(rng, "traits", traits);
    let properties = payload(rng);
    put(rng, "properties", properties);
    if rng.one_in(3) {
        let context = Value::Object(vec![("traits".into(), payload(rng))]);
        put(rng, "context", context);
    }
    if rng.one_in(5) {
        let junk = tree(rng, 2);
        members.push((key(rng).into(), junk));
    }
    object(members)
}

/// Damages JSON text: deletions, insertions of syntax or any character, swaps, truncation.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(2) {
        let at = rng.below(chars.len() + 1);
        match rng.below(6) {
            0 if at < chars.len() => {
                let end = (at + 1 + rng.below(8)).min(chars.len());
                chars.drain(at..end);
            }
            1 => chars.insert(at, SYNTAX[rng.below(SYNTAX.len())]),
            2 => chars.insert(at, char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}')),
            3 if at < chars.len() => chars[at] = SYNTAX[rng.below(SYNTAX.len())],
            4 => chars.truncate(at),
            _ => {
                let end = (at + rng.below(16)).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                let to = rng.below(chars.len() + 1);
                chars.splice(to..to, copy);
            }
        }
    }
    chars.into_iter().collect()
}

/// Strict JSON numbers (RFC 8259), as `JSON.parse` reads them.
fn strict_number(n: &str) -> bool {
    let b = n.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return false,
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// Every number in `v` strict; no nulls, no forbidden keys, strings trimmed (at any depth).
/// `depth` is `v`'s in the answer: re-reading the answer cuts it at [`MAX_DEPTH`] (to a null).
fn check_deep(v: &Value, at: &str, depth: usize) -> Result<(), String> {
    match v {
        Value::Null if depth == MAX_DEPTH => Ok(()),
        Value::Null => Err(format!("{at}: null")),
        Value::Number(n) if !strict_number(n) => Err(format!("{at}: number {n:?} is not JSON")),
        Value::String(s) if !trimmed(s) => Err(format!("{at}: untrimmed {s:?}")),
        Value::Array(items) => items.iter().try_for_each(|i| check_deep(i, at, depth + 1)),
        Value::Object(members) => members.iter().try_for_each(|(k, v)| {
            if FORBIDDEN.contains(&&**k) {
                return Err(format!("{at}: forbidden key {k}"));
            }
            check_deep(v, &format!("{at}.{k}"), depth + 1)
        }),
        _ => Ok(()),
    }
}

const FORBIDDEN: &[&str] = &["__proto__", "constructor", "prototype"];

fn trimmed(s: &str) -> bool {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}')) == s
}

/// Contact (and custom event) properties are flat, named in HubSpot's form, cleaned.
fn check_flat(members: &[(Cow<'_, str>, Value<'_>)], at: &str, limit: usize) -> Result<(), String> {
    if members.len() > limit {
        return Err(format!("{at}: {} properties", members.len()));
    }
    let mut keys = BTreeSet::new();
    for (k, v) in members {
        if k.is_empty() || property_name(k).as_deref() != Some(&**k) || FORBIDDEN.contains(&&**k) {
            return Err(format!("{at}: key {k:?} not in HubSpot's form"));
        }
        if !keys.insert(&**k) {
            return Err(format!("{at}: key {k:?} twice"));
        }
        match v {
            // `id` is the userId (trimmed), whatever it looks like: a date-shaped one stays a string.
            Value::String(s) if k == "id" && at == "identify" => {
                if !trimmed(s) {
                    return Err(format!("{at}.id: {s:?}"));
                }
            }
            Value::String(s) if epoch_millis(s).is_some() => return Err(format!("{at}.{k}: date {s:?} left a string")),
            Value::Null | Value::Array(_) | Value::Object(_) => return Err(format!("{at}.{k}: not flat")),
            _ => check_deep(v, &format!("{at}.{k}"), 0)?,
        }
    }
    Ok(())
}

/// Checks one `[commands, warnings]` answer of the core; `Ok(kinds of commands)`.
fn check_answer(answer: &Value) -> Result<Vec<String>, String> {
    // Strict JSON as written (`to_json` refuses a number that is not), and read back the same.
    let text = answer.to_json();
    if Value::parse(&text, &mut false).is_none() {
        return Err(format!("the answer is not JSON: {text}"));
    }
    let Value::Array(parts) = answer else { return Err("the answer is not an array".into()) };
    let [Value::Array(commands), Value::Array(warnings)] = parts.as_slice() else {
        return Err("not [commands, warnings]".into());
    };
    let mut seen = Vec::new();
    for w in warnings {
        match w {
            Value::String(s) if s.starts_with("hubspot-wasm: ") && !seen.contains(&s) => seen.push(s),
            _ => return Err(format!("warning {w:?} is not a new hubspot-wasm message")),
        }
    }
    let mut names = Vec::new();
    for (i, command) in commands.iter().enumerate() {
        let Value::Array(items) = command else { return Err(format!("command {i} is not an array")) };
        let name = match items.first() {
            Some(Value::String(name)) => &**name,
            _ => return Err(format!("command {i} has no name")),
        };
        match (name, &items[1..]) {
            ("identify", [Value::Object(p)]) => {
                if i != 0 {
                    return Err("identify is not the first command".into());
                }
                check_flat(p, "identify", MAX_PROPERTIES)?;
                if !matches!(Value::Object(p.clone()).get("email"), Some(Value::String(e)) if !e.is_empty()) {
                    return Err("identify without an email".into());
                }
            }
            ("setPath", [Value::String(path)]) if !path.is_empty() => {}
            ("trackPageView", []) => {}
            ("trackEvent", [p @ Value::Object(members)]) => {
                // The event name is trimmed of whitespace (zero-width characters in it are left alone).
                match p.get("id") {
                    Some(Value::String(id)) if !id.is_empty() && id.trim() == id => {}
                    other => return Err(format!("trackEvent id {other:?}")),
                }
                if members.len() > MAX_PROPERTIES {
                    return Err("trackEvent over the property limit".into());
                }
                let properties: Vec<(Cow<'_, str>, Value<'_>)> =
                    members.iter().filter(|(k, _)| k != "id").cloned().collect();
                check_deep(&Value::Object(properties), "trackEvent", 3)?;
            }
            ("trackCustomBehavioralEvent", [e @ Value::Object(_)]) => {
                let name_ok = matches!(e.get("name"), Some(Value::String(n))
                    if n.strip_prefix("pe").and_then(|r| r.split_once('_')).is_some_and(|(d, _)| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())));
                let Some(Value::Object(p)) = e.get("properties") else {
                    return Err("custom event without properties".into());
                };
                if !name_ok {
                    return Err(format!("custom event name {:?}", e.get("name")));
                }
                check_flat(p, "trackCustomBehavioralEvent", MAX_CUSTOM_EVENT_PROPERTIES)?;
            }
            _ => return Err(format!("malformed command {}", command.to_json().chars().take(200).collect::<String>())),
        }
        names.push(String::from(name));
    }
    Ok(names)
}

/// A destination fed JSON text as the browser edge feeds it values, answering `[commands, warnings]`.
struct Text(Destination);

impl Text {
    fn new(settings: &str) -> Result<Text, String> {
        let settings = Value::parse(settings, &mut false).unwrap_or(Value::Null);
        Destination::new(&settings, None).map(Text).map_err(|error| error.message())
    }

    fn read(text: &str) -> (Value<'_>, Problems) {
        let mut problems = Problems::default();
        (Value::parse(text, &mut problems.too_deep).unwrap_or(Value::Null), problems)
    }

    fn identify(&mut self, text: &str) -> Value<'static> {
        let (event, problems) = Text::read(text);
        self.0.identify(&event, problems).to_value()
    }

    fn track(&mut self, text: &str) -> Value<'static> {
        let (event, problems) = Text::read(text);
        self.0.track(&event, problems).to_value()
    }

    fn page(&mut self, text: &str) -> Value<'static> {
        let (event, problems) = Text::read(text);
        self.0.page(&event, "/here", "", problems).to_value()
    }

    fn reset(&mut self) {
        self.0.reset();
    }
}

const CONFIGS: &[&str] = &[
    r#"{"portalId":"62515","customBehavioralEvents":false}"#,
    r#"{"portalId":62515}"#,
    r#"{"portalId":"1","flushIdentifyImmediately":true,"trackInitialPageView":true}"#,
    r#"{"portalId":"42","customBehavioralEvents":true,"flushIdentifyImmediately":true,"region":"eu1"}"#,
];

const CASES: usize = 100_000;

#[test]
fn a_hundred_thousand_random_and_mutated_events_through_the_core() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut destinations: Vec<Text> = CONFIGS.iter().map(|s| Text::new(s).expect("valid settings")).collect();
    let (mut mutated, mut unparsable) = (0usize, 0usize);
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for case in 0..CASES {
        let document = event(&mut rng);
        let mut text = document.to_json();
        if case % 2 == 1 {
            text = mutate(&mut rng, &text);
            mutated += 1;
            unparsable += usize::from(Value::parse(&text, &mut false).is_none());
        } else if !text.contains("\"deep\"") {
            assert_eq!(Value::parse(&text, &mut false).as_ref(), Some(&document), "case {case}: JSON round trip");
        }
        let config = rng.below(destinations.len());
        let destination = &mut destinations[config];
        let method = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3][rng.below(10)];
        let answer = match method {
            0 => destination.identify(&text),
            1 => destination.track(&text),
            2 => destination.page(&text),
            _ => {
                destination.reset();
                destination.page(&text)
            }
        };
        let names = check_answer(&answer).unwrap_or_else(|problem| {
            panic!(
                "case {case} (config {config}, method {method}): {problem}\n  input: {}",
                text.chars().take(300).collect::<String>()
            )
        });
        let tracking = names.iter().filter(|n| n.as_str() != "identify").count();
        assert!(method != 0 || tracking <= 1, "case {case}: identify sent {names:?}");
        assert!(method != 1 || tracking <= 1, "case {case}: track sent {names:?}");
        for name in &names {
            match kinds.iter_mut().find(|(k, _)| k == name) {
                Some((_, n)) => *n += 1,
                None => kinds.push((name.clone(), 1)),
            }
        }
    }
    kinds.sort();
    eprintln!("fuzz: {CASES} events through the core ({mutated} mutated texts, {unparsable} of them not JSON); commands checked: {kinds:?}");
    assert!(kinds.len() == 5 && kinds.iter().all(|(_, n)| *n > 1000), "every kind of command is exercised: {kinds:?}");
}

#[test]
fn twenty_thousand_random_settings_objects() {
    const MARKER: &str = "SECRET-MARKER-4c1d";
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let (mut accepted, mut rejected) = (0usize, 0usize);
    for case in 0..20_000 {
        let mut members: Members = Vec::new();
        let portal = match rng.below(8) {
            0 => scalar(&mut rng),
            1 => Value::Number(format!("{}", rng.below(1_000_000_000)).into()),
            2 => Value::String(
                format!("{}{}{}", rng.pick(&["", " ", "\n"]), rng.below(100_000_000), rng.pick(&["", " ", "x", "-1"]))
                    .into(),
            ),
            _ => Value::String(format!("{}", rng.below(100_000_000)).into()),
        };
        members.push(("portalId".into(), portal));
        // Mostly values of the right type, so that many settings objects are accepted.
        let good = |rng: &mut Rng, key: &str| -> Value<'static> {
            match key {
                "region" => Value::String(rng.pick(&["na1", "NA2", " eu1 ", "ap1", ""]).into()),
                "loadTimeoutMs" => Value::Number(rng.pick(&["0", "1500", "2147483647", "10.5", "250"]).into()),
                "trackerUrl" | "formsUrl" => Value::String(
                    rng.pick(&[
                        "https://cdn.example/x.js",
                        "/rel.js",
                        "//h/x.js",
                        "http://a/b",
                        " HTTPS://x/y.js\n",
                        "rel.js?x=1#y",
                    ])
                    .into(),
                ),
                "nonce" => Value::String(text(rng, 8).into()),
                "formFields" => Value::Array(vec![Value::String(rng.pick(&["email", "0-1/firstname", ""]).into())]),
                _ => Value::Bool(rng.one_in(2)),
            }
        };
        // Every key the settings read but the portal (above), the credentials (below) and the
        // consent categories (read from the workspace's settings, tested there).
        let others = ["portalId", "consentCategories", "apiKey", "privateAppToken"];
        for key in settings::KEYS.into_iter().filter(|key| !others.contains(key)) {
            if rng.one_in(3) {
                let value = match rng.below(20) {
                    0 => Value::String(
                        rng.pick(&[
                            "us",
                            "javascript:alert(1)",
                            " JAVA\tSCRIPT:x",
                            "data:x",
                            "blob:x",
                            "-5",
                            "1e21",
                            "\u{0}",
                        ])
                        .into(),
                    ),
                    1 => scalar(&mut rng),
                    _ => good(&mut rng, key),
                };
                members.push((key.into(), value));
            }
        }
        for key in ["apiKey", "privateAppToken"] {
            if rng.one_in(2) {
                members.push((key.into(), Value::String(MARKER.into())));
            }
        }
        let mut settings = if rng.one_in(20) { tree(&mut rng, 3) } else { Value::Object(members) };
        if rng.one_in(4) {
            let text = mutate(&mut rng, &settings.to_json());
            settings = Value::parse(&text, &mut false).map_or(Value::Null, Value::into_owned);
        }
        match Settings::from_value(&settings) {
            Ok(s) => {
                accepted += 1;
                assert!(
                    !s.portal_id.is_empty() && s.portal_id.bytes().all(|b| b.is_ascii_digit()),
                    "case {case}: portal {:?}",
                    s.portal_id
                );
                for url in [&s.tracker_url, &s.forms_url] {
                    assert!(!url.contains(|c: char| c < ' '), "case {case}: {url:?}");
                    let scheme =
                        url.find([':', '/', '?', '#']).filter(|&i| url.as_bytes()[i] == b':').map(|i| &url[..i]);
                    assert!(
                        scheme.is_none_or(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https")),
                        "case {case}: {url:?}"
                    );
                }
                assert!(s.load_timeout_ms <= i32::MAX as u32);
                assert!(!format!("{s:?}").contains(MARKER), "case {case}: the credential is kept");
            }
            Err(error) => {
                rejected += 1;
                let message = error.message();
                assert!(!message.contains(MARKER), "case {case}: the credential is in the error: {message}");
            }
        }
    }
    eprintln!("fuzz: 20000 settings objects ({accepted} accepted, {rejected} rejected)");
}

#[test]
fn a_full_property_map_still_carries_the_id_and_the_email() {
    let wide = |extra: &str| {
        let keys: Vec<String> = (0..MAX_PROPERTIES + 500).map(|i| format!(r#""k{i}":{i}"#)).collect();
        Value::parse(&format!("{{{}{extra}}}", keys.join(",")), &mut false).unwrap().into_owned()
    };
    let mut problems = Problems::default();
    let p = identify_properties(Some("wide@example.com"), &wide(""), &mut problems).unwrap();
    assert_eq!(p.get("email"), Some(&Value::String("wide@example.com".into())));
    assert_eq!(p.get("id"), Some(&Value::String("wide@example.com".into())));
    assert!(p.len() <= MAX_PROPERTIES && problems.too_many);

    let Command::TrackEvent(p) = track_event("Wide", &wide(r#","revenue":5"#), &mut Problems::default()) else {
        panic!()
    };
    assert_eq!(p.get("id"), Some(&Value::String("Wide".into())));
    assert_eq!(p.len(), MAX_PROPERTIES);
}

#[test]
fn the_answer_is_strict_json_even_for_loose_numbers() {
    let mut d = Text::new(CONFIGS[0]).unwrap_or_else(|e| panic!("{e}"));
    for text in [
        r#"{"event":"E","properties":{"n":1-2}}"#,
        r#"{"event":"E","properties":{"n":01}}"#,
        r#"{"event":"E","properties":{"n":1.}}"#,
        r#"{"event":"E","properties":{"n":-}}"#,
        r#"{"event":"E","properties":{"n":1e}}"#,
        r#"{"event":"E","properties":{"n":.5}}"#,
    ] {
        let answer = d.track(text);
        check_answer(&answer).unwrap_or_else(|p| panic!("{text}: {p} in {}", answer.to_json()));
    }
}
