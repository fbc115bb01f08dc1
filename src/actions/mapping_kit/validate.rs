//! mapping-kit's `validate`: the shape each directive must have before anything is resolved.
//! Like it, this looks into raw objects and directives' options, but not into arrays nor into the
//! raw objects that `@literal`, `@if` … take as values (those are checked when resolved).

use super::{too_deep, MappingError, MAX_DEPTH};
use crate::value::{concat, Value};
use std::borrow::Cow;

/// What a directive's option must be.
#[derive(Clone, Copy)]
enum Check {
    /// Any JSON value; a directive is validated.
    Raw,
    /// A string.
    Text,
    /// A string or a directive.
    TextOrDirective,
    /// A raw object (validated) or a directive.
    ObjectOrDirective,
    /// A boolean.
    Boolean,
    /// An array.
    Array,
    /// A string of at most `.1` UTF-16 units, at least `.0`.
    Length(usize, usize),
    /// A string that, lower-cased, is one of these.
    OneOf(&'static [&'static str]),
}

type Field = (&'static str, bool, Check);
const REQUIRED: bool = true;
const OPTIONAL: bool = false;

/// `validate(mapping)`.
pub fn validate(mapping: &Value<'_>, depth: usize) -> Result<(), MappingError> {
    match mapping {
        Value::Object(members) if has_directive_key(members) => directive(members, depth),
        Value::Object(members) => members_of(members, depth),
        _ => Ok(()),
    }
}

fn has_directive_key(members: &[(Cow<'_, str>, Value<'_>)]) -> bool {
    members.iter().any(|(k, _)| k.starts_with('@'))
}

fn invalid(message: &str) -> MappingError {
    MappingError::Invalid(Cow::Owned(concat(&["invalid mapping: ", message])))
}

/// A directive object: one `@` key (and maybe `_metadata`), and that directive's own rules.
fn directive(members: &[(Cow<'_, str>, Value<'_>)], depth: usize) -> Result<(), MappingError> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    let mut names = members.iter().filter(|(k, _)| k.starts_with('@'));
    let Some((name, _)) = names.next() else { return Ok(()) };
    if names.next().is_some() || members.iter().any(|(k, _)| !k.starts_with('@') && k != "_metadata") {
        return Err(invalid(&concat(&[name, " should be the object's only key"])));
    }
    // The last member of that name, as in a JavaScript object.
    let Some((_, options)) = members.iter().rev().find(|(k, _)| k == name) else { return Ok(()) };
    let depth = depth + 1;
    let fields: &[Field] = match &**name {
        "@if" => &[("exists", OPTIONAL, Check::Raw), ("then", OPTIONAL, Check::Raw), ("else", OPTIONAL, Check::Raw)],
        "@case" => &[("operator", OPTIONAL, Check::Text), ("value", OPTIONAL, Check::TextOrDirective)],
        "@replace" => &[
            ("pattern", REQUIRED, Check::Length(1, super::MAX_PATTERN_LENGTH)),
            ("replacement", OPTIONAL, Check::Length(0, super::MAX_REPLACEMENT_LENGTH)),
            ("value", REQUIRED, Check::TextOrDirective),
            ("ignorecase", OPTIONAL, Check::Boolean),
            ("global", OPTIONAL, Check::Boolean),
        ],
        "@json" => &[("value", REQUIRED, Check::Raw), ("mode", REQUIRED, Check::OneOf(&["encode", "decode"]))],
        "@flatten" => &[("separator", OPTIONAL, Check::Text), ("value", REQUIRED, Check::Raw)],
        "@merge" => &[("direction", OPTIONAL, Check::OneOf(&["left", "right"])), ("objects", REQUIRED, Check::Array)],
        "@transform" => {
            &[("apply", REQUIRED, Check::ObjectOrDirective), ("mapping", REQUIRED, Check::ObjectOrDirective)]
        }
        "@arrayPath" => {
            let Value::Array(items) = options else { return Err(invalid("@arrayPath should be an array")) };
            check(Check::TextOrDirective, items.first(), depth)?;
            return items.get(1).map_or(Ok(()), |shape| validate(shape, depth));
        }
        "@path" | "@template" => return check(Check::TextOrDirective, Some(options), depth),
        "@literal" | "@excludeWhenNull" => return check(Check::Raw, Some(options), depth),
        "@liquid" => return check(Check::Text, Some(options), depth),
        _ => return Err(invalid(&concat(&["unknown directive ", name]))),
    };
    object_with_fields(options, fields, depth)?;
    if let ("@merge", Some(Value::Array(objects))) = (&**name, options.get("objects")) {
        for object in objects {
            check(Check::ObjectOrDirective, Some(object), depth)?;
        }
    }
    Ok(())
}

/// A directive's options object: a raw object (each member validated), with `fields`.
fn object_with_fields(options: &Value<'_>, fields: &[Field], depth: usize) -> Result<(), MappingError> {
    let Value::Object(members) = options else { return Err(invalid("a directive's options should be an object")) };
    if has_directive_key(members) {
        return Err(invalid("a directive's options should be an object, not a directive"));
    }
    members_of(members, depth)?;
    for &(name, required, rule) in fields {
        match options.get(name) {
            None if required => return Err(invalid(&concat(&["a directive is missing its \"", name, "\""]))),
            None => {}
            found => check(rule, found, depth)?,
        }
    }
    Ok(())
}

/// A raw object: no `@` keys, each member valid.
fn members_of(members: &[(Cow<'_, str>, Value<'_>)], depth: usize) -> Result<(), MappingError> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    for (_, member) in members {
        validate(member, depth + 1)?;
    }
    Ok(())
}

fn check(rule: Check, value: Option<&Value<'_>>, depth: usize) -> Result<(), MappingError> {
    let Some(value) = value else { return Err(invalid("a directive is missing a value")) };
    if let Value::Object(members) = value {
        if has_directive_key(members) {
            return match rule {
                Check::Raw | Check::TextOrDirective | Check::ObjectOrDirective => directive(members, depth),
                _ => Err(invalid("a directive's option cannot be a directive")),
            };
        }
    }
    let ok = match (rule, value) {
        (Check::Raw, _) => true,
        (Check::ObjectOrDirective, Value::Object(members)) => return members_of(members, depth),
        (Check::Text | Check::TextOrDirective, Value::String(_)) => true,
        (Check::Boolean, Value::Bool(_)) => true,
        (Check::Array, Value::Array(_)) => true,
        (Check::Length(min, max), Value::String(s)) => (min..=max).contains(&super::data::js_length(s)),
        // `allowed.includes(s.toLowerCase())`: ASCII case is enough, as no other character
        // lower-cases to the letters of these words (only the Kelvin sign becomes ASCII: `k`).
        (Check::OneOf(allowed), Value::String(s)) => allowed.iter().any(|a| a.eq_ignore_ascii_case(s)),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(match rule {
            Check::Length(..) => "a @replace pattern or replacement should be a string of 1 to 10 characters",
            Check::OneOf(_) => "a directive's mode or direction is not one it knows",
            Check::ObjectOrDirective => "a directive's option should be an object",
            Check::Array => "a directive's option should be an array",
            Check::Boolean => "a directive's option should be a boolean",
            _ => "a directive's option should be a string",
        }))
    }
}
