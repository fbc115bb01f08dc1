use super::*;
use crate::mapping::decimal;
use std::path::Path;

/// JSON text → [`Value`]: the one place these tests read JSON.
fn read_json(text: &str) -> Value<'static> {
    let mut too_deep = false;
    let value = Value::parse(text, &mut too_deep).expect("valid JSON");
    assert!(!too_deep, "JSON nested deeper than the test reader keeps");
    value.into_owned()
}

fn json(text: &str) -> Value<'static> {
    read_json(text)
}

/// Equal as JavaScript values: numbers by value, objects whatever their members' order (JavaScript
/// puts integer-like keys first; Rust keeps the order they were written in).
fn same(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.parse::<f64>().ok() == y.parse::<f64>().ok(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Runs the cases of a vectors file (mapping-kit's published tests, the differential run's, the
/// known differences): each `{ name, mapping, payload, output | output_undefined | error,
/// validate_only?, skip? }`, where `output` is the Rust result (mapping-kit's, but for a
/// `known_difference`, whose `segment` holds mapping-kit's). Returns how many ran, and the
/// disagreements.
fn run_cases(text: &str) -> (usize, Vec<String>) {
    let file = read_json(text);
    let Some(Value::Array(cases)) = file.get("cases") else { panic!("no cases") };
    let mut ran = 0;
    let mut failures = Vec::new();
    for case in cases {
        let name = case.get("name").and_then(Value::as_text).unwrap_or("?");
        if case.get("skip").is_some() {
            continue;
        }
        ran += 1;
        let mapping = case.get("mapping").cloned().unwrap_or(Value::Null);
        let expected_error = case.get("error").is_some();
        if case.get("validate_only").is_some() {
            if validate(&mapping).is_err() != expected_error {
                failures.push(format!("{name}: validate gave {:?}", validate(&mapping)));
            }
            continue;
        }
        let payload = case.get("payload").cloned().unwrap_or(Value::Object(vec![]));
        let got = transform(&mapping, &payload);
        let agrees = match (&got, case.get("output")) {
            (Err(_), _) => expected_error,
            (Ok(_), _) if expected_error => false,
            (Ok(out), Some(expected)) => same(out, expected),
            (Ok(out), None) => *out == Value::Null, // output_undefined
        };
        if !agrees {
            failures.push(format!(
                "{name}\n  mapping {}\n  payload {}\n  expected {}\n  got {:?}",
                mapping.to_json(),
                payload.to_json(),
                case.get("output").map_or_else(
                    || String::from(if expected_error { "an error" } else { "undefined" }),
                    Value::to_json
                ),
                got.map(|v| v.to_json()),
            ));
        }
    }
    (ran, failures)
}

#[test]
fn mapping_kit_published_test_vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/mapping-kit");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("vectors").map(|e| e.expect("entry").path()).collect();
    files.sort();
    let mut total = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let (ran, failures) = run_cases(&text);
        assert!(
            failures.is_empty(),
            "{}: {} of {ran} disagree:\n{}",
            file.display(),
            failures.len(),
            failures.join("\n")
        );
        assert!(ran > 0, "{} ran no case", file.display());
        total += ran;
    }
    assert!(total >= 150, "only {total} vectors ran");
}

/// The cases `tests/actions/mapping-differential.mjs` wrote with the real `@segment/actions-core`
/// (scripts/test.sh runs it first); skipped with a note where it has not run.
#[test]
fn mapping_kit_differential_against_actions_core() {
    let path = std::env::var("MAPPING_DIFFERENTIAL")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target/mapping-differential.json").into());
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("no {path}: run `node tests/actions/mapping-differential.mjs` for the differential test");
        return;
    };
    let (ran, failures) = run_cases(&text);
    assert!(
        failures.is_empty(),
        "{} of {ran} differ from @segment/actions-core:\n{}",
        failures.len(),
        failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(ran > 0);
}

fn run(mapping: &str, payload: &str) -> Result<Value<'static>, MappingError> {
    transform(&json(mapping), &json(payload))
}

#[test]
fn paths_follow_actions_core_get() {
    let payload = r#"{"a":{"b c":[{"d":1},{"d":0}]},"s":"héllo","z":0,"e":"","n":null,"f":false,"t":true}"#;
    let cases = [
        (r#"$.a["b c"][1].d"#, "0"),
        ("$.a.b c.0.d", "1"),
        ("$.a['b c'].length", "2"),
        ("$.s.length", "5"),
        ("$.s.1", r#""é""#),
        ("$.z.anything.at.all", "0"), // falsy values end the walk
        ("$.e.x", r#""""#),
        ("$.n.x", "null"),
        ("$.f.x", "false"),
        ("a$.", r#"{"b c":[{"d":1},{"d":0}]}"#), // the first "$." goes, wherever it is
    ];
    for (path, expected) in cases {
        let mapping = concat(&[r#"{"x":{"@path":"#, &Value::String(path.into()).to_json(), "}}"]);
        let got = run(&mapping, payload).unwrap();
        assert!(same(got.get("x").unwrap_or(&Value::Null), &json(expected)), "{path}: {got:?}");
    }
    // A missing key, an index of something that is not an array, a truthy scalar's member.
    for path in ["$.nope", "$.t.x", "$.a.01", "$.s.9", "$.a.b c.2.d"] {
        let mapping = concat(&[r#"{"x":{"@path":"#, &Value::String(path.into()).to_json(), "}}"]);
        assert_eq!(run(&mapping, payload).unwrap(), json("{}"), "{path}");
    }
}

#[test]
fn templates_render_triple_then_double_braces() {
    let payload = r#"{"a":"{{b}}","b":"B","arr":[1,null,[2,3]],"o":{"k":1}}"#;
    let cases = [
        ("{{a}}", "{{b}}"),
        ("{{{a}}}", "B"), // the double pass renders what the triple one brought in
        ("{{ arr }}", "1,,2,3"),
        ("{{o}}", "[object Object]"),
        ("{{{{b}}}}", "}"),
        ("{{b}}}", "B}"),
        ("{{}}", "{{}}"),
        ("x{{missing}}y", "xy"),
    ];
    for (template, expected) in cases {
        let mapping = concat(&[r#"{"@template":"#, &Value::String(template.into()).to_json(), "}"]);
        assert_eq!(run(&mapping, payload), Ok(Value::String(expected.into())), "{template}");
    }
}

#[test]
fn replace_expands_dollar_patterns_and_folds_case_like_a_regexp() {
    let cases = [
        (r#"{"pattern":"b","replacement":"[$&$$]","value":"abcb"}"#, "a[b$]c[b$]"),
        (r#"{"pattern":"b","replacement":"$`|$'","value":"abc"}"#, "aa|cc"),
        (r#"{"pattern":"b","replacement":"$1$<x>$","value":"b"}"#, "$1$<x>$"),
        (r#"{"pattern":"É","replacement":"e","value":"éÉ","ignorecase":true}"#, "ee"),
        (r#"{"pattern":"s","replacement":"x","value":"ſs","ignorecase":true}"#, "ſx"),
        (r#"{"pattern":".","replacement":"","value":"a.b","global":false}"#, "ab"),
    ];
    for (options, expected) in cases {
        let mapping = concat(&[r#"{"@replace":"#, options, "}"]);
        assert_eq!(run(&mapping, "{}"), Ok(Value::String(expected.into())), "{options}");
    }
}

#[test]
fn json_directive_matches_json_stringify_and_parse() {
    let encode = run(r#"{"@json":{"mode":"encode","value":{"@path":"$.v"}}}"#, r#"{"v":["\b\f\u0001é",{"a":null}]}"#);
    assert_eq!(encode, Ok(Value::String(r#"["\b\f\u0001é",{"a":null}]"#.into())));
    let decode = run(
        r#"{"@json":{"mode":"decode","value":{"@path":"$.v"}}}"#,
        r#"{"v":"{\"a\":1,\"a\":[true],\"b\":\"\\ud83d\\ude00\"}"}"#,
    );
    assert_eq!(decode, Ok(json(r#"{"a":[true],"b":"😀"}"#)));
    for bad in ["{\"a\":}", "[1,]", "01", "\"\t\"", "nul", "1 2", ""] {
        let payload = concat(&[r#"{"v":"#, &Value::String(bad.into()).to_json(), "}"]);
        let decode = run(r#"{"@json":{"mode":"decode","value":{"@path":"$.v"}}}"#, &payload);
        assert_eq!(decode, Ok(Value::String(bad.into())), "{bad}");
    }
}

#[test]
fn validate_rejects_what_transform_would_reject_before_resolving() {
    for mapping in [
        r#"{"a":{"@path":"$.x","b":1}}"#,
        r#"{"a":{"@nope":1}}"#,
        r#"{"a":{"@if":{"exists":{"@template":5}}}}"#,
        r#"{"@merge":{"objects":[{},1]}}"#,
        r#"{"@transform":{"apply":{}}}"#,
        r#"{"__segment_internal_directive":{"a":1},"b":1}"#,
    ] {
        assert!(matches!(validate(&json(mapping)), Err(MappingError::Invalid(_))), "{mapping}");
    }
    for mapping in [
        r#"{"a":[{"@nope":1}]}"#,                  // arrays are not looked into
        r#"{"a":{"@literal":{"b":{"@nope":1}}}}"#, // nor @literal's objects
        r#"{"@merge":{"objects":[]}}"#,            // direction is only required when run
        r#"{"a":{"@path":"$.x","_metadata":{"x":1}}}"#,
    ] {
        assert_eq!(validate(&json(mapping)), Ok(()), "{mapping}");
    }
    // …and those fail when resolved.
    assert!(matches!(run(r#"{"a":[{"@nope":1}]}"#, "{}"), Err(MappingError::Failed(_))));
    assert!(matches!(run(r#"{"@merge":{"objects":[]}}"#, "{}"), Err(MappingError::Failed(_))));
}

/// Nests `inner` `depth` times in `{"a": …}` without recursing.
fn nested(depth: usize, inner: Value<'static>) -> Value<'static> {
    (0..depth).fold(inner, |v, _| Value::Object(vec![("a".into(), v)]))
}

/// Drops a deeply nested value level by level: the derived drop would recurse as deep.
fn dismantle(mut value: Value<'_>) {
    loop {
        value = match value {
            Value::Array(mut items) => match items.pop() {
                Some(item) => item,
                None => return,
            },
            Value::Object(mut members) => match members.pop() {
                Some((_, item)) => item,
                None => return,
            },
            _ => return,
        };
    }
}

#[test]
fn hostile_depth_is_an_error_not_a_stack_overflow() {
    let deep = nested(10_000, Value::Null);
    let path = json(r#"{"x":{"@path":"$.a"}}"#);
    assert!(matches!(transform(&path, &deep), Err(MappingError::Failed(_))));
    assert!(transform(&deep, &json("{}")).is_err());
    assert!(validate(&deep).is_err());
    let literal = Value::Object(vec![("@literal".into(), nested(10_000, Value::Null))]);
    assert!(transform(&literal, &json("{}")).is_err());
    let arrays = (0..10_000).fold(Value::Null, |v, _| Value::Array(vec![v]));
    let arrays = Value::Object(vec![("x".into(), arrays)]);
    assert!(transform(&arrays, &json("{}")).is_err());
    [deep, literal, arrays].into_iter().for_each(dismantle);
    let decode = concat(&[r#"{"v":""#, &"[".repeat(10_000), &"]".repeat(10_000), r#""}"#]);
    assert!(run(r#"{"@json":{"mode":"decode","value":{"@path":"$.v"}}}"#, &decode).is_err());
    // Within the bound, deep is fine.
    let ok = nested(MAX_DEPTH - 2, json("1"));
    assert!(transform(&json(r#"{"x":{"@path":"$.a"}}"#), &ok).is_ok());
}

#[test]
fn prototype_keys_are_never_written_nor_read_from_javascript() {
    let payload = r#"{"constructor":"c","a":{"__proto__":{"p":1},"prototype":2}}"#;
    let mapping = r#"{
        "__proto__": {"polluted": true}, "constructor": {"@path": "$.constructor"},
        "prototype": 1, "x": {"@path": "$.a"}, "y": {"@path": "$.toString"}, "z": {"@path": "$.__proto__"},
        "m": {"@merge": {"direction": "right", "objects": [{"@path": "$.a"}]}},
        "f": {"@flatten": {"separator": ".", "value": {"@path": "$.a"}}},
        "j": {"@json": {"mode": "decode", "value": "{\"__proto__\":{\"q\":1},\"ok\":1}"}}
    }"#;
    let out = run(mapping, payload).unwrap();
    assert_eq!(out, json(r#"{"x":{},"m":{},"f":{"__proto__.p":1},"j":{"ok":1}}"#));
    // Read as own data only: a payload's own `__proto__` member is there to read.
    assert_eq!(run(r#"{"x":{"@path":"$.a.__proto__.p"}}"#, payload), Ok(json(r#"{"x":1}"#)));
}

#[test]
fn huge_templates_and_values_are_bounded() {
    let template = "{{a}}".repeat(100_000);
    let mapping = Value::Object(vec![("@template".into(), Value::String(template.into()))]);
    let payload = Value::Object(vec![("a".into(), Value::String("x".repeat(100).into()))]);
    assert!(matches!(transform(&mapping, &payload), Err(MappingError::Failed(_))));
    let braces = Value::Object(vec![("@template".into(), Value::String("{{".repeat(500_000).into()))]);
    assert_eq!(transform(&braces, &payload), Ok(Value::String("{{".repeat(500_000).into())));
}

#[test]
fn liquid_is_inert_as_in_the_browser_build() {
    assert_eq!(run(r#"{"x":{"@liquid":"{{ a }}"}}"#, r#"{"a":1}"#), Ok(json(r#"{"x":"{{ a }}"}"#)));
    let long = Value::Object(vec![("@liquid".into(), Value::String("x".repeat(1001).into()))]);
    assert!(transform(&long, &json("{}")).is_err());
}

#[test]
fn non_object_payloads_fail() {
    for payload in ["1", "[]", "null", "\"x\""] {
        assert!(matches!(run("{}", payload), Err(MappingError::Failed(_))), "{payload}");
    }
}

#[test]
fn mappings_nest_up_to_max_depth() {
    // A chain of directives, each in the last: as deep as allowed resolves, one more fails.
    let chain = |levels: usize| {
        (0..levels).fold(json(r#"{"@path":"$.a"}"#), |v, _| Value::Object(vec![("@literal".into(), v)]))
    };
    let payload = json(r#"{"a":"x"}"#);
    assert_eq!(transform(&chain(MAX_DEPTH - 1), &payload), Ok(Value::String("x".into())));
    assert!(matches!(transform(&chain(MAX_DEPTH + 1), &payload), Err(MappingError::Failed(_))));
    let transforms = |levels: usize| {
        (0..levels).fold(json(r#"{"b":{"@path":"$.a"}}"#), |v, _| {
            let apply = json(r#"{"a":{"@path":"$.a"}}"#);
            Value::Object(vec![(
                "@transform".into(),
                Value::Object(vec![("apply".into(), apply), ("mapping".into(), v)]),
            )])
        })
    };
    assert_eq!(transform(&transforms(MAX_DEPTH / 2 - 1), &payload), Ok(json(r#"{"b":"x"}"#)));
    assert!(transform(&transforms(MAX_DEPTH + 1), &payload).is_err());
}

#[test]
fn large_objects_stay_linear() {
    // Ten thousand members through the removal of undefined, @excludeWhenNull and @merge.
    let members = (0..10_000).map(|i| (decimal(i).into(), Value::Null)).collect();
    let payload = Value::Object(vec![("o".into(), Value::Object(members))]);
    let mapping = json(
        r#"{"a":{"@path":"$.o"},"b":{"@excludeWhenNull":{"@path":"$.o"}},
            "c":{"@merge":{"direction":"right","objects":[{"@path":"$.o"},{"x":1}]}}}"#,
    );
    let out = transform(&mapping, &payload).unwrap();
    assert!(matches!(out.get("a"), Some(Value::Object(m)) if m.len() == 10_000));
    assert_eq!(out.get("b"), Some(&json("{}")));
    assert!(matches!(out.get("c"), Some(Value::Object(m)) if m.len() == 10_001));
}
