use super::*;

fn event(json: &str) -> Value<'_> {
    Value::parse(json, &mut false).unwrap()
}

fn check(fql: &str, json: &str) -> Result<bool, Thrown> {
    match parse(fql) {
        Ok(trigger) => matches(&trigger, &event(json)),
        Err(_) => Ok(false),
    }
}

#[test]
fn presets_match_their_type() {
    assert_eq!(check(r#"type = "track""#, r#"{"type":"track"}"#), Ok(true));
    assert_eq!(check(r#"type = "track""#, r#"{"type":"page"}"#), Ok(false));
}

/// A vector file of tests/vectors/, as a value.
fn vectors(name: &str) -> Value<'static> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/");
    let text = std::fs::read_to_string([path, name].concat()).unwrap();
    Value::parse(Box::leak(text.into_boxed_str()), &mut false).unwrap()
}

fn items<'a>(v: &'a Value<'a>) -> &'a [Value<'a>] {
    match v {
        Value::Array(items) => items,
        _ => panic!("not an array"),
    }
}

fn text<'a>(v: Option<&'a Value<'a>>) -> &'a str {
    v.and_then(Value::as_text).unwrap_or_default()
}

/// The reference's AST (as the vectors hold it) as a trigger.
fn from_ast(ast: &Value<'_>) -> Result<Node, ParseError> {
    if ast.get("error").is_some() {
        return Err(ParseError("error"));
    }
    if matches!(ast, Value::Null) {
        return Ok(Node::Missing);
    }
    let operator = text(ast.get("operator"));
    if text(ast.get("type")) == "group" {
        let children = items(ast.get("children").unwrap()).iter().map(|c| from_ast(c).unwrap()).collect();
        return Ok(Node::Group { or: operator == "or", children });
    }
    let field = [Field::Type, Field::Event, Field::Name, Field::UserId, Field::Property, Field::Trait, Field::Context]
        .into_iter()
        .find(|f| f.ast_type() == text(ast.get("type")))
        .unwrap();
    let value = match ast.get("value") {
        None => Literal::Undefined,
        Some(Value::String(s)) => Literal::Text(utf16(s)),
        Some(Value::Number(n)) => Literal::Number(Num::from_text(n)),
        Some(Value::Bool(b)) => Literal::Bool(*b),
        Some(other) => panic!("value {other:?}"),
    };
    let name = ast.get("name").map(|n| utf16(text(Some(n))));
    Ok(Node::Condition { field, name, operator: operator.into(), value })
}

#[test]
fn the_reference_parse_suite() {
    let cases = vectors("fql-parse.json");
    for case in items(&cases) {
        let fql = text(case.get("fql"));
        assert_eq!(ast_json(&parse(fql)), case.get("ast").unwrap().to_json(), "{fql}");
    }
}

#[test]
fn the_reference_validate_suite() {
    let cases = vectors("fql-validate.json");
    for case in items(&cases) {
        let trigger = from_ast(case.get("ast").unwrap());
        let event = case.get("event").unwrap();
        let got = trigger.map(|t| matches(&t, event) == Ok(true)).unwrap_or(false);
        assert_eq!(Value::Bool(got), *case.get("expected").unwrap(), "{}: {}", text(case.get("name")), event.to_json());
    }
}

/// The differential run: every trigger of the file `FQL_DIFFERENTIAL` names (written by
/// tests/actions/differential.mjs from the real npm package; scripts/test.sh makes it), parsed and
/// evaluated on every event of it, as the package did. Skipped, saying so, without the file.
#[test]
fn the_differential_run_against_the_npm_package() {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/target/fql-differential.json");
    let path = std::env::var("FQL_DIFFERENTIAL").unwrap_or_else(|_| default.into());
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: no {path} (run `node tests/actions/differential.mjs` to make it)");
        return;
    };
    let data = Value::parse(&text, &mut false).unwrap();
    let events = items(data.get("events").unwrap());
    let mut failures = Vec::new();
    for case in items(data.get("cases").unwrap()) {
        let fql = text_of_case(case);
        let trigger = parse(fql);
        let ast = ast_json(&trigger);
        let expected_ast = case.get("ast").unwrap().to_json();
        if ast != expected_ast {
            failures.push(format!("{fql}\n  ast  {ast}\n  npm  {expected_ast}"));
            continue;
        }
        for (event, expected) in events.iter().zip(items(case.get("results").unwrap())) {
            let got = match &trigger {
                Ok(t) => match matches(t, event) {
                    Ok(b) => Value::Bool(b),
                    Err(Thrown) => Value::String("throw".into()),
                },
                Err(_) => Value::Bool(false),
            };
            if got != *expected {
                failures.push(format!("{fql}\n  on {}\n  got {got:?}, npm {expected:?}", event.to_json()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
}

fn text_of_case<'a>(case: &'a Value<'a>) -> &'a str {
    text(case.get("fql"))
}

#[test]
fn quirks_users_meet() {
    let order =
        r#"{"type":"track","event":"Order Completed","properties":{"total":10,"plan":"pro","items":[1,2,3],"s":"hi"}}"#;
    // The last conjunction of a level joins all of it.
    assert_eq!(check(r#"type = "page" and event = "x" or type = "track""#, order), Ok(true));
    // Type-strict text comparison, numeric comparison with a number.
    assert_eq!(check(r#"properties.total = "10""#, order), Ok(false));
    assert_eq!(check("properties.total = 10", order), Ok(true));
    assert_eq!(check("properties.total >= 10.0", order), Ok(true));
    assert_eq!(check("properties.items.length > 2", order), Ok(true));
    // A digit starts a number, not a path segment, unless escaped.
    assert_eq!(check(r#"properties.s.0 = "h""#, order), Ok(false));
    assert_eq!(check(r#"properties.s.\0 = "h""#, order), Ok(true));
    // `!` negates only the functions.
    assert_eq!(check(r#"!contains(event, "Order")"#, order), Ok(false));
    assert_eq!(check(r#"!(type = "track")"#, order), Ok(true));
    assert_eq!(check(r#"match(event, "Order*")"#, order), Ok(true));
    assert_eq!(check(r#"match(event, "*Completed")"#, order), Ok(true));
    // Unknown fields are left out; a trigger of nothing known does not parse.
    assert_eq!(check(r#"plan = "x" and type = "track""#, order), Ok(true));
    assert!(parse(r#"plan = "x""#).is_err());
    // An empty `()` reached throws.
    assert_eq!(check(r#"type = "track" and ()"#, order), Err(Thrown));
    assert_eq!(check(r#"type = "page" and ()"#, order), Ok(false));
}

#[test]
fn hostile_triggers_are_errors_or_plain_answers() {
    let order = r#"{"type":"track","event":"Order Completed","properties":{"total":10}}"#;
    let long = [r#"type = "track" and event = ""#, &"x".repeat(10_000), "\""].concat();
    assert_eq!(check(&long, order), Ok(false));
    let many = vec![r#"type = "track""#; 2_000].join(" and ");
    assert_eq!(check(&many, order), Ok(true));
    let deep = ["(".repeat(5_000), r#"type = "track""#.into(), ")".repeat(5_000)].concat();
    assert!(parse(&deep).is_err(), "nested parentheses do not parse");
    assert!(parse(&"x".repeat(200_000)).is_err(), "the reference's identifier limit");
    assert_eq!(check("properties.__proto__ != null", order), Ok(true), "JavaScript finds Object.prototype");
    assert_eq!(check("properties.__proto__.x = 1", order), Ok(false));
    assert_eq!(check(r#"properties.constructor = "x""#, order), Ok(false));
    assert_eq!(check("constructor = 1 or type = \"track\"", order), Ok(true));
    for garbage in ["\"", "'", "!", "(", ")", "\\", "\r", "a\u{0}", "😀", "properties.[] = 1", "5.", "1..2"] {
        let _ = check(garbage, order);
    }
}

#[test]
fn text_compares_as_javascripts_number_of_it() {
    // `Number("0x10")` is 16 in JavaScript; a sign before the prefix, or none after it, is NaN.
    for (fql, matches) in [
        (r#"properties.n = 16"#, true),
        (r#"properties.n < "0x11""#, true),
        (r#"properties.n > "0XF""#, true),
        (r#"properties.n >= "0o20""#, true),
        (r#"properties.n <= "0b10000""#, true),
        (r#"properties.n < "-0x20""#, false),
        (r#"properties.n > "0x""#, false),
        (r#"properties.n > "0x+1""#, false),
        (r#"properties.n > "0x1g""#, false),
    ] {
        assert_eq!(check(fql, r#"{"properties":{"n":16}}"#), Ok(matches), "{fql}");
    }
    let max = "340282366920938463463374607431768211455";
    assert_eq!(Num::from_text("0xffffffffffffffffffffffffffffffff"), Num::from_text(max));
    assert_eq!(Num::from_text("0x0000000000000000000000000000000000000001"), Num::from_text("1"));
    // `Number()` trims JavaScript's whitespace, which U+0085 is not.
    assert_eq!(Num::from_text("\u{3000}5\u{FEFF}"), Num::from_text("5"));
    assert_eq!(Num::from_text("\u{85}5"), Num::NaN);
    // Beyond a double's range, as in JavaScript.
    assert_eq!(Num::from_text(&["0x", &"f".repeat(300)].concat()), Num::Infinite(false));
}
