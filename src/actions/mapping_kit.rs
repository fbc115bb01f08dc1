//! Segment's mapping-kit (`@segment/actions-core`): the field mappings of a workspace's Actions
//! subscriptions, resolved against an event exactly as its `transform` resolves them, quirks
//! included (docs/mapping-kit.md lists them, and the few places where this differs).
//!
//! A mapping is JSON: raw values and objects are kept (objects resolved member by member), and an
//! object whose one key starts with `@` is a directive: `@path`, `@template`, `@literal`, `@if`,
//! `@case`, `@replace`, `@arrayPath`, `@json`, `@flatten`, `@merge`, `@transform`,
//! `@excludeWhenNull`, and `@liquid`, which Segment's browser build leaves as its template text.
//!
//! ```
//! # use hubspot_wasm::actions::mapping_kit::transform;
//! # use hubspot_wasm::value::Value;
//! let mapping = Value::Object(vec![(
//!     "email".into(),
//!     Value::Object(vec![("@path".into(), Value::String("$.traits.work_email".into()))]),
//! )]);
//! let traits = Value::Object(vec![("work_email".into(), Value::String("a@b.co".into()))]);
//! let event = Value::Object(vec![("traits".into(), traits)]);
//! assert_eq!(transform(&mapping, &event).ok().and_then(|v| v.get("email").cloned()), Some(Value::String("a@b.co".into())));
//! ```

mod data;
mod json;
mod validate;

use super::js_trim;
use crate::mapping::decimal;
use crate::value::{concat, Value};
use data::{assign, code_units, define, get, js_length, remove_undefined, Data, Members};
use std::borrow::Cow;

/// How deep a mapping may nest (directives in directives, objects in objects). JavaScript would
/// go on until its stack overflows; here the bound keeps the wasm's 64 KiB stack safe whatever a
/// workspace sends: the deepest mappings allowed run within 24 KiB of it in the release build.
pub const MAX_DEPTH: usize = 32;

/// How deep the values a mapping reads and builds may nest: the event's (read no deeper than
/// [`crate::value::MAX_DEPTH`]) placed inside the mapping's own nesting.
const MAX_DATA_DEPTH: usize = 2 * MAX_DEPTH;

/// mapping-kit's bounds on `@replace`'s `pattern` and `replacement` (UTF-16 units).
const MAX_PATTERN_LENGTH: usize = 10;
const MAX_REPLACEMENT_LENGTH: usize = 10;

/// How much longer than its template a `@template`'s result may grow (per pass): placeholders
/// can repeat a payload's longest text many times over.
const MAX_TEMPLATE_GROWTH: usize = 1 << 20;

/// Where mapping-kit reads a root-level directive that applies to the other fields.
const ROOT_DIRECTIVE_KEY: &str = "__segment_internal_directive";

/// Why a mapping gave no result.
#[derive(Clone, PartialEq)]
#[cfg_attr(test, derive(Debug))]
pub enum MappingError {
    /// The mapping is one that mapping-kit rejects before resolving anything (its `validate`):
    /// it can never be used, whatever the event.
    Invalid(Cow<'static, str>),
    /// Resolving the mapping against this event failed, where mapping-kit's `transform` throws
    /// (a directive given the wrong type at run time, a payload that is not an object), or went
    /// deeper than [`MAX_DEPTH`].
    Failed(Cow<'static, str>),
}

impl MappingError {
    /// The reason, for a warning.
    pub fn message(&self) -> &str {
        match self {
            MappingError::Invalid(m) | MappingError::Failed(m) => m,
        }
    }
}

fn failed(message: &'static str) -> MappingError {
    MappingError::Failed(Cow::Borrowed(message))
}

fn too_deep() -> MappingError {
    failed("mapping or event nested too deeply")
}

/// Checks `mapping` as mapping-kit's `transform` does before it resolves anything: a mapping
/// this rejects fails for every event, so a subscription with it can be set aside once.
pub fn validate(mapping: &Value<'_>) -> Result<(), MappingError> {
    validate::validate(&*mapping_to_process(mapping)?, 0)
}

/// The result of `mapping` for `payload` (the event), as mapping-kit's `transform(mapping,
/// payload)` returns it. `undefined` results are left out of objects; a whole result that is
/// `undefined` (a root `@path` to nothing) is `Null`.
pub fn transform(mapping: &Value<'_>, payload: &Value<'_>) -> Result<Value<'static>, MappingError> {
    let payload = Data::from_value(payload, 0)?;
    transform_data(mapping, &payload, 0)?.into_value(0)
}

/// `transform`, on a payload being resolved (the top's, or `@transform`'s `apply` result).
fn transform_data<'a>(mapping: &'a Value<'_>, payload: &Data<'a>, depth: usize) -> Result<Data<'a>, MappingError> {
    let empty = Data::Object(Vec::new());
    let payload = match payload {
        Data::Object(_) => payload,
        Data::Undefined => &empty, // the parameter's default
        _ => return Err(failed("mapping-kit: data must be an object")),
    };
    let resolved = match mapping_to_process(mapping)? {
        Cow::Borrowed(mapping) => {
            validate::validate(mapping, depth)?;
            resolve(mapping, payload, depth)?
        }
        Cow::Owned(mapping) => {
            validate::validate(&mapping, depth)?;
            resolve(&mapping, payload, depth)?.into_owned()
        }
    };
    remove_undefined(resolved, 0)
}

/// mapping-kit's `getMappingToProcess`: the mapping as an object (`{ ...mapping }`), or, where it
/// has a root directive, that directive given the other fields as its `mapping`.
fn mapping_to_process<'m, 'v>(mapping: &'m Value<'v>) -> Result<Cow<'m, Value<'v>>, MappingError> {
    let members = match mapping {
        Value::Object(members) => members,
        // `{ ...mapping }` of what is not an object: indexes of an array or a string, or nothing.
        Value::Array(items) => {
            let mut members = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                members.push((decimal(i as i64).into(), item.clone()));
            }
            return Ok(Cow::Owned(Value::Object(members)));
        }
        Value::String(s) => {
            let mut members = Vec::new();
            for (i, unit) in code_units(s).enumerate() {
                members.push((decimal(i as i64).into(), Value::String(String::from(unit).into())));
            }
            return Ok(Cow::Owned(Value::Object(members)));
        }
        // `Object.keys(null)` throws.
        Value::Null => return Err(MappingError::Invalid("invalid mapping: null".into())),
        _ => return Ok(Cow::Owned(Value::Object(Vec::new()))),
    };
    let Some(root) = mapping.get(ROOT_DIRECTIVE_KEY) else { return Ok(Cow::Borrowed(mapping)) };
    let fields = super::members_except(members, &[ROOT_DIRECTIVE_KEY]);
    let not_one =
        || MappingError::Invalid("invalid mapping: the root mapping must only have a single directive object".into());
    let not_object = || MappingError::Invalid("invalid mapping: the root directive must be an object".into());
    // `rootDirective.mapping = fields` on the single member (an array ignores it).
    let with_fields = |directive: &Value<'v>| match directive {
        Value::Object(options) => {
            let mut options = options.clone();
            match options.iter_mut().find(|(k, _)| k == "mapping") {
                Some((_, slot)) => *slot = Value::Object(fields),
                None => options.push(("mapping".into(), Value::Object(fields))),
            }
            Ok(Value::Object(options))
        }
        Value::Array(_) => Ok(directive.clone()),
        _ => Err(not_object()),
    };
    Ok(Cow::Owned(match root {
        Value::Object(members) if members.len() > 1 => return Err(not_one()),
        Value::Object(members) => match members.first() {
            Some((name, directive)) => Value::Object(vec![(name.clone(), with_fields(directive)?)]),
            None => return Err(not_object()),
        },
        Value::Array(items) if items.len() > 1 => return Err(not_one()),
        Value::Array(items) => match items.first() {
            Some(directive) => Value::Array(vec![with_fields(directive)?]),
            None => return Err(not_object()),
        },
        Value::String(s) if js_length(s) > 1 => return Err(not_one()),
        _ => return Err(not_object()),
    }))
}

/// Whether a mapping object is a directive: an `@` key, and no others but `_metadata`.
fn is_directive(members: &[(Cow<'_, str>, Value<'_>)]) -> bool {
    members.iter().any(|(k, _)| k.starts_with('@'))
        && members.iter().all(|(k, _)| k.starts_with('@') || k == "_metadata")
}

/// mapping-kit's `resolve`: directives run, arrays and objects resolved item by item, anything
/// else kept as it is.
fn resolve<'a>(mapping: &'a Value<'_>, payload: &Data<'a>, depth: usize) -> Result<Data<'a>, MappingError> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    match mapping {
        Value::Object(members) if is_directive(members) => run_directive(members, payload, depth + 1),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(resolve(item, payload, depth + 1)?);
            }
            Ok(Data::Array(out))
        }
        Value::Object(members) => {
            let mut out = Vec::with_capacity(members.len());
            for (key, member) in members {
                let value = resolve(member, payload, depth + 1)?;
                assign(&mut out, Cow::Borrowed(key), value);
            }
            Ok(Data::Object(out))
        }
        scalar => Data::from_value(scalar, 0),
    }
}

/// JavaScript's truthiness of a directive's option as written (`undefined` when absent).
fn truthy(option: Option<&Value<'_>>) -> bool {
    match option {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => Data::Number(Cow::Borrowed(n)).is_truthy(),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(_) | Value::Object(_)) => true,
    }
}

/// A directive's option resolved; `undefined` when absent.
fn resolve_option<'a>(
    option: Option<&'a Value<'_>>,
    payload: &Data<'a>,
    depth: usize,
) -> Result<Data<'a>, MappingError> {
    option.map_or(Ok(Data::Undefined), |option| resolve(option, payload, depth))
}

/// Runs the directive of a directive object: its first `@` key.
fn run_directive<'a>(
    members: &'a [(Cow<'_, str>, Value<'_>)],
    payload: &Data<'a>,
    depth: usize,
) -> Result<Data<'a>, MappingError> {
    let Some((name, _)) = members.iter().find(|(k, _)| k.starts_with('@')) else { return Ok(Data::Undefined) };
    let Some((_, value)) = members.iter().rev().find(|(k, _)| k == name) else { return Ok(Data::Undefined) };
    let options = match value {
        Value::Object(_) => Some(value),
        _ => None,
    };
    let option = |key: &str| options.and_then(|o| member(o, key));
    let needs = |message: &'static str| move || MappingError::Failed(Cow::Borrowed(message));
    match &**name {
        "@path" | "@template" => {
            let Data::String(text) = resolve(value, payload, depth)? else {
                return Err(MappingError::Failed(concat(&[name, ": expected a string"]).into()));
            };
            if name == "@path" {
                Ok(get(payload, &without_root(&text)))
            } else {
                render(&text, payload)
            }
        }
        "@literal" => resolve(value, payload, depth),
        "@if" => {
            options.ok_or_else(needs("@if requires an object with an \"exists\" key"))?;
            let (exists, blank) = (option("exists"), option("blank"));
            if !truthy(exists) && !truthy(blank) {
                return Err(needs("@if requires an \"exists\" key or a \"blank\" key")());
            }
            let condition = match (exists, blank) {
                (Some(exists), _) => resolve(exists, payload, depth)?.is_defined(),
                (None, blank) => {
                    let value = resolve_option(blank, payload, depth)?;
                    value.is_defined() && !value.loosely_equals_empty_string()
                }
            };
            match (condition, option("then"), option("else")) {
                (true, Some(then), _) => resolve(then, payload, depth),
                (false, _, otherwise) if truthy(otherwise) => resolve_option(otherwise, payload, depth),
                _ => Ok(Data::Undefined),
            }
        }
        "@case" => {
            options.ok_or_else(needs("@case requires an object with a \"operator\" key"))?;
            if !truthy(option("operator")) {
                return Err(needs("@case requires a \"operator\" key")());
            }
            if !truthy(option("value")) {
                return Ok(Data::Undefined);
            }
            match resolve_option(option("value"), payload, depth)? {
                Data::String(s) => match option("operator") {
                    Some(Value::String(op)) if op == "lower" => Ok(Data::String(js_case(&s, false).into())),
                    Some(Value::String(op)) if op == "upper" => Ok(Data::String(js_case(&s, true).into())),
                    _ => Err(needs("operator key should have a value of \"lower\" or \"upper\"")()),
                },
                other => Ok(other),
            }
        }
        "@replace" => {
            options.ok_or_else(needs("@replace requires an object with a \"pattern\" key"))?;
            if !truthy(option("pattern")) {
                return Err(needs("@replace requires a \"pattern\" key")());
            }
            if !truthy(option("value")) {
                return Ok(Data::Undefined);
            }
            let text = match resolve_option(option("value"), payload, depth)? {
                Data::String(s) | Data::Number(s) => s,
                Data::Bool(b) => data::bool_text(b).into(),
                _ => return Ok(Data::String("".into())),
            };
            // Absent (or null) options take mapping-kit's defaults.
            let text_or_empty = |key: &str| match option(key) {
                None | Some(Value::Null) => Some(""),
                Some(Value::String(s)) => Some(&**s),
                Some(_) => None,
            };
            let flag = |key: &str, default: bool| match option(key) {
                None | Some(Value::Null) => Some(default),
                Some(Value::Bool(b)) => Some(*b),
                Some(_) => None,
            };
            let (Some(Value::String(pattern)), Some(replacement), Some(ignore_case), Some(global)) =
                (option("pattern"), text_or_empty("replacement"), flag("ignorecase", false), flag("global", true))
            else {
                return Ok(Data::String("".into()));
            };
            let mut out = replace(&text, pattern, replacement, global, ignore_case)?;
            if let (Some(Value::String(pattern2)), Some(replacement2)) =
                (option("pattern2"), text_or_empty("replacement2"))
            {
                if !pattern2.is_empty() {
                    out = replace(&out, pattern2, replacement2, global, ignore_case)?;
                }
            }
            Ok(Data::String(out.into()))
        }
        "@arrayPath" => {
            let Value::Array(items) = value else {
                return Err(needs("@arrayPath expected array")());
            };
            let root = match items.first() {
                Some(Value::String(path)) => get(payload, &without_root(path)),
                path => resolve_option(path, payload, depth)?,
            };
            let shape = items.get(1).filter(|shape| matches!(shape, Value::Object(m) if !m.is_empty()));
            match (root, shape) {
                (Data::Array(items), Some(shape)) => {
                    let mut out = Vec::with_capacity(items.len());
                    for item in &items {
                        out.push(resolve(shape, item, depth)?);
                    }
                    Ok(Data::Array(out))
                }
                (root @ Data::Object(_), Some(shape)) => Ok(Data::Array(vec![resolve(shape, &root, depth)?])),
                (root, _) => Ok(root),
            }
        }
        "@json" => {
            options.ok_or_else(needs("@json requires an object with a \"value\" key"))?;
            if !truthy(option("mode")) {
                return Err(needs("@json requires a \"mode\" key")());
            }
            if !truthy(option("value")) {
                return Err(needs("@json requires a \"value\" key")());
            }
            let value = resolve_option(option("value"), payload, depth)?;
            match option("mode") {
                Some(Value::String(mode)) if mode == "encode" => {
                    Ok(json::stringify(&value)?.map_or(Data::Undefined, |s| Data::String(s.into())))
                }
                Some(Value::String(mode)) if mode == "decode" => match value {
                    Data::String(text) => Ok(json::parse(&text)?.unwrap_or(Data::String(text))),
                    other => Ok(other),
                },
                _ => Ok(Data::Undefined),
            }
        }
        "@flatten" => {
            options.ok_or_else(needs("@flatten requires an object with a \"separator\" key"))?;
            if !truthy(option("separator")) {
                return Err(needs("@flatten requires a \"separator\" key")());
            }
            let Data::String(separator) = resolve_option(option("separator"), payload, depth)? else {
                return Err(needs("@flatten requires a string separator")());
            };
            let value = resolve_option(option("value"), payload, depth)?;
            let mut out = Vec::new();
            flatten(value, Cow::Borrowed(""), &separator, truthy(option("omitArrays")), &mut out, 0)?;
            Ok(Data::Object(out))
        }
        "@merge" => {
            options.ok_or_else(needs("@merge requires an object with an \"objects\" key and a \"direction\" key"))?;
            if !truthy(option("direction")) {
                return Err(needs("@merge requires a \"direction\" key")());
            }
            let direction = resolve_option(option("direction"), payload, depth)?;
            if !truthy(option("objects")) {
                return Err(needs("@merge requires a \"objects\" key")());
            }
            let Some(Value::Array(objects)) = option("objects") else {
                return Err(needs("@merge: expected opts.array")());
            };
            let mut resolved = Vec::with_capacity(objects.len());
            for object in objects {
                resolved.push(resolve(object, payload, depth)?);
            }
            if matches!(&direction, Data::String(d) if d == "left") {
                resolved.reverse();
            }
            // Object.assign({}, ...objects): own members of objects, items of arrays and
            // strings; other values have none.
            let mut out = Vec::new();
            for object in resolved {
                match object {
                    // Into nothing yet, the first object's (distinct) members are pushed as they are.
                    Data::Object(mut members) if out.is_empty() => {
                        members.retain(|(k, _)| k != "__proto__");
                        out = members;
                    }
                    Data::Object(members) => {
                        for (key, value) in members {
                            assign(&mut out, key, value);
                        }
                    }
                    Data::Array(items) => {
                        for (i, item) in items.into_iter().enumerate() {
                            assign(&mut out, decimal(i as i64).into(), item);
                        }
                    }
                    Data::String(s) => {
                        for (i, unit) in code_units(&s).enumerate() {
                            assign(&mut out, decimal(i as i64).into(), Data::String(String::from(unit).into()));
                        }
                    }
                    _ => {}
                }
            }
            Ok(Data::Object(out))
        }
        "@transform" => {
            options.ok_or_else(needs("@transform requires an object with an \"apply\" key and a \"mapping\" key"))?;
            let (Some(mapping), Some(apply)) = (option("mapping").filter(|m| truthy(Some(m))), option("apply")) else {
                return Err(needs("@transform requires a \"mapping\" key and an \"apply\" key")());
            };
            if !matches!(apply, Value::Object(_)) {
                return Err(needs("@transform \"apply\" key should be an object")());
            }
            let payload = transform_data(apply, payload, depth)?;
            resolve(mapping, &payload, depth)
        }
        "@excludeWhenNull" => match resolve(value, payload, depth)? {
            Data::Null => Ok(Data::Undefined),
            other => clean_nulls(other, 0),
        },
        // Segment's browser build replaces the Liquid engine with one that returns the template.
        "@liquid" => match value {
            Value::String(s) if js_length(s) > 1000 => {
                Err(needs("liquid template values are limited to 1000 characters")())
            }
            Value::String(s) => Ok(Data::String(Cow::Borrowed(&**s))),
            _ => Err(needs("liquid template value must be a string")()),
        },
        _ => Err(MappingError::Failed(concat(&[name, " is not a valid directive"]).into())),
    }
}

/// `path.replace('$.', '')`: the first `$.` goes, wherever it is.
fn without_root(path: &str) -> Cow<'_, str> {
    match path.as_bytes().windows(2).position(|pair| pair == b"$.") {
        Some(at) => Cow::Owned(concat(&[&path[..at], &path[at + 2..]])),
        None => Cow::Borrowed(path),
    }
}

/// A directive's option: `Value::get`, kept out of line (it is looked up at thirty places).
#[inline(never)]
fn member<'v, 'a>(options: &'v Value<'a>, key: &str) -> Option<&'v Value<'a>> {
    options.get(key)
}

/// `@template`'s `render`: `{{{path}}}` placeholders replaced, then `{{path}}` ones in the result
/// (so a value that itself holds `{{…}}` is rendered too, as in mapping-kit).
fn render<'a>(template: &str, payload: &Data<'a>) -> Result<Data<'a>, MappingError> {
    let once = replace_placeholders(template, "{{{", "}}}", payload)?;
    Ok(Data::String(replace_placeholders(&once, "{{", "}}", payload)?.into()))
}

/// `text.replace(/\{\{([^}]+)\}\}/g, …)` (or with three braces): each placeholder becomes the
/// `String` of the value at its trimmed path, or nothing for `null` / `undefined`.
fn replace_placeholders(text: &str, open: &str, close: &str, payload: &Data<'_>) -> Result<String, MappingError> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        if !bytes[at..].starts_with(open.as_bytes()) {
            at += 1;
            continue;
        }
        let inside = at + open.len();
        let end = inside + bytes[inside..].iter().take_while(|&&b| b != b'}').count();
        if end == inside || !bytes[end..].starts_with(close.as_bytes()) {
            // Any later start before `end` would stop at the same `}`: none can match.
            at = end.max(at + 1);
            continue;
        }
        out.push_str(&text[copied..at]);
        let value = get(payload, js_trim(&text[inside..end]));
        if value.is_defined() {
            out.push_str(&value.to_js_string(0)?);
        }
        if out.len() > text.len().saturating_add(MAX_TEMPLATE_GROWTH) {
            return Err(failed("@template: the result is too long"));
        }
        at = end + close.len();
        copied = at;
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// `value.replace(new RegExp(escaped pattern, flags), replacement)`: the pattern matched as
/// text (ignoring case as a non-Unicode RegExp does), `$$`, `$&`, `` $` `` and `$'` expanded in
/// the replacement.
fn replace(
    text: &str,
    pattern: &str,
    replacement: &str,
    global: bool,
    ignore_case: bool,
) -> Result<String, MappingError> {
    if js_length(pattern) > MAX_PATTERN_LENGTH {
        return Err(failed("@replace requires a \"pattern\" less than 10 characters"));
    }
    if js_length(replacement) > MAX_REPLACEMENT_LENGTH {
        return Err(failed("@replace requires a \"replacement\" less than 10 characters"));
    }
    let mut out = String::new();
    let (mut copied, mut at) = (0, 0);
    while at < text.len() {
        let Some(end) = match_at(text, at, pattern, ignore_case) else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        out.push_str(&text[copied..at]);
        let mut chars = replacement.chars();
        while let Some(c) = chars.next() {
            if c != '$' {
                out.push(c);
                continue;
            }
            let rest = chars.clone().next();
            match rest {
                Some('$') => out.push('$'),
                Some('&') => out.push_str(&text[at..end]),
                Some('`') => out.push_str(&text[..at]),
                Some('\'') => out.push_str(&text[end..]),
                _ => {
                    out.push('$');
                    continue;
                }
            }
            chars.next();
        }
        copied = end;
        at = end;
        if !global {
            break;
        }
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// Where `pattern` ends if it matches `text` at byte `at`.
fn match_at(text: &str, at: usize, pattern: &str, ignore_case: bool) -> Option<usize> {
    if !ignore_case {
        return text[at..].starts_with(pattern).then_some(at + pattern.len());
    }
    let mut rest = text[at..].chars();
    for p in pattern.chars() {
        let t = rest.next()?;
        if canonical(t) != canonical(p) {
            return None;
        }
    }
    Some(text.len() - rest.as_str().len())
}

/// A non-Unicode RegExp's case folding: the upper case of a UTF-16 unit when it is one unit, and
/// not one that takes a non-ASCII character to ASCII.
fn canonical(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    if c.len_utf16() > 1 {
        return c;
    }
    let upper = js_case(c.encode_utf8(&mut [0; 4]), true);
    let mut chars = upper.chars();
    match (chars.next(), chars.next()) {
        (Some(u), None) if u.len_utf16() == 1 && !u.is_ascii() => u,
        _ => c,
    }
}

/// JavaScript's `toUpperCase` / `toLowerCase`, which `@case` and `@replace`'s `ignorecase` are.
/// The wasm calls JavaScript's own, so its results are exactly the page's and no Unicode case
/// tables ship in the download (5 KB gzipped, measured); native builds use Rust's, which follow
/// the same Unicode rules (the differential test compares them with Node's).
#[cfg(target_arch = "wasm32")]
fn js_case(text: &str, upper: bool) -> String {
    let text = js_sys::JsString::from(text);
    String::from(if upper { text.to_upper_case() } else { text.to_lower_case() })
}

#[cfg(not(target_arch = "wasm32"))]
fn js_case(text: &str, upper: bool) -> String {
    if upper {
        text.to_uppercase()
    } else {
        text.to_lowercase()
    }
}

/// `flattenObject(value, prefix, separator, omitArrays)`: nested members (and array items unless
/// omitted) become `prefix<sep>key` members.
fn flatten<'a>(
    value: Data<'a>,
    prefix: Cow<'a, str>,
    separator: &str,
    omit_arrays: bool,
    out: &mut Members<'a>,
    depth: usize,
) -> Result<(), MappingError> {
    if depth > MAX_DATA_DEPTH {
        return Err(too_deep());
    }
    let entries: Members<'a> = match value {
        Data::Object(members) => members,
        Data::Array(items) if !omit_arrays => {
            let mut entries = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                entries.push((decimal(i as i64).into(), item));
            }
            entries
        }
        leaf => {
            define(out, prefix, leaf);
            return Ok(());
        }
    };
    for (key, item) in entries {
        let key = if prefix.is_empty() { key } else { concat(&[&prefix, separator, &key]).into() };
        flatten(item, key, separator, omit_arrays, out, depth + 1)?;
    }
    Ok(())
}

/// `@excludeWhenNull`'s `cleanNulls`: `null` members of objects, at any depth, become `undefined`
/// (array items are kept).
fn clean_nulls(value: Data<'_>, depth: usize) -> Result<Data<'_>, MappingError> {
    if depth > MAX_DATA_DEPTH {
        return Err(too_deep());
    }
    let members = match value {
        Data::Object(members) => members,
        other => return Ok(other),
    };
    let mut out = Vec::with_capacity(members.len());
    for (key, item) in members {
        if key == "__proto__" {
            continue;
        }
        let item = match item {
            Data::Null => Data::Undefined,
            object @ Data::Object(_) => clean_nulls(object, depth + 1)?,
            other => other,
        };
        out.push((key, item));
    }
    Ok(Data::Object(out))
}

#[cfg(test)]
mod tests;
