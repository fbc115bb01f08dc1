//! mapping-kit's case conversions in the real wasm, where they are JavaScript's own
//! `toUpperCase` / `toLowerCase` (natively they are Rust's): `@case` and `@replace` with
//! `ignorecase` give what the same directives give in Segment's JavaScript.
#![cfg(all(target_arch = "wasm32", feature = "workspace-actions"))]

use hubspot_wasm::actions::mapping_kit::transform;
use hubspot_wasm::value::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn text(s: &str) -> Value<'_> {
    Value::String(s.into())
}

fn directive<'a>(name: &'a str, options: Vec<(&'a str, Value<'a>)>) -> Value<'a> {
    let options = options.into_iter().map(|(k, v)| (k.into(), v)).collect();
    Value::Object(vec![(name.into(), Value::Object(options))])
}

fn case(operator: &str, value: &str) -> Value<'static> {
    let mapping = directive("@case", vec![("operator", text(operator)), ("value", text(value))]);
    transform(&mapping, &Value::Object(vec![])).map_err(|e| String::from(e.message())).expect("a result")
}

#[wasm_bindgen_test]
fn case_is_javascripts_own() {
    // JavaScript's results, special casings included (ß → SS, İ → i̇, final sigma).
    assert_eq!(case("upper", "straße"), text("STRASSE"));
    assert_eq!(case("lower", "İstanbul"), text("i\u{307}stanbul"));
    assert_eq!(case("lower", "ΟΔΥΣΣΕΥΣ"), text("οδυσσευς"));
    assert_eq!(case("upper", "ﬁ ǅ"), text("FI Ǆ"));
}

#[wasm_bindgen_test]
fn ignorecase_folds_as_a_javascript_regexp() {
    let replace = |pattern: &str, value: &str| {
        let options = vec![
            ("pattern", text(pattern)),
            ("replacement", text("x")),
            ("value", text(value)),
            ("ignorecase", Value::Bool(true)),
        ];
        transform(&directive("@replace", options), &Value::Object(vec![]))
            .map_err(|e| String::from(e.message()))
            .expect("a result")
    };
    // `ſ` upper-cases to ASCII `S`, which a non-Unicode RegExp does not fold to; `ß` to two letters.
    assert_eq!(replace("s", "ſS Ss ß é É"), text("ſx xx ß é É"));
    assert_eq!(replace("é", "éÉ"), text("xx"));
    assert_eq!(replace("ǆ", "ǅǆǄ"), text("xxx"));
}
