//! The core as the browser runs it: compiled to wasm, in headless Chromium and Firefox
//! (`wasm-pack test --headless --chrome` / `--firefox`). The native tests cover every rule;
//! these prove the same answers come out of the wasm build and parse with the browser's own
//! JSON, and that hostile sizes and shapes do not trap the wasm. (The JS edge that calls the
//! shipped exports is tested end to end in tests/e2e.)
#![cfg(target_arch = "wasm32")]

use hubspot_wasm::{version, Destination};
use js_sys::{Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn destination(settings: &str) -> Destination {
    Destination::new(settings).unwrap_or_else(|_| panic!("settings {settings} rejected"))
}

/// `[commands, warnings]` as JS arrays, parsed by the browser's own JSON; `""` means neither.
fn answer(text: &str) -> (Array, Array) {
    if text.is_empty() {
        return (Array::new(), Array::new());
    }
    let parsed: Array = JSON::parse(text).expect("the core answers with JSON").unchecked_into();
    (parsed.get(0).unchecked_into(), parsed.get(1).unchecked_into())
}

fn json(value: &JsValue) -> String {
    JSON::stringify(value).unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn invalid_settings_are_refused_naming_the_setting() {
    for (settings, names) in [
        (r#"{"portalId":"abc"}"#, "portalId"),
        (r#"{}"#, "portalId"),
        ("null", "settings"),
        (r#"{"portalId":"1","trackerUrl":"javascript:alert(1)"}"#, "trackerUrl"),
        (r#"{"portalId":"1","region":"mars"}"#, "region"),
    ] {
        let message = match Destination::new(settings) {
            Ok(_) => panic!("{settings} accepted"),
            Err(message) => message,
        };
        assert!(message.contains(names), "{message}");
    }
}

#[wasm_bindgen_test]
fn loader_config_per_region() {
    let config = JSON::parse(&destination(r#"{"portalId":" 62515 ","region":"eu1","loadFormsSDK":true,"nonce":"n1"}"#).loader()).unwrap();
    assert_eq!(
        json(&config),
        r#"{"trackerUrl":"https://js-eu1.hs-scripts.com/62515.js","formsUrl":"https://js-eu1.hsforms.net/forms/embed/v2.js","nonce":"n1","loadTimeoutMs":10000,"disableCookieBanner":false,"serverCredentials":false}"#
    );
}

#[wasm_bindgen_test]
fn identify_is_held_until_the_next_track_then_comes_first() {
    let mut d = destination(r#"{"portalId":"62515"}"#);
    let held = d.identify(r#"{"userId":"u1","traits":{"email":"a@b.co","firstName":"Peter","offerDate":"2024-01-15T10:00:00.000Z"}}"#);
    assert_eq!(held, "", "a held identify answers nothing");
    let (commands, warnings) = answer(&d.track(r#"{"event":"Bought","properties":{"revenue":20.5}}"#));
    assert_eq!(
        json(&commands),
        r#"[["identify",{"email":"a@b.co","firstname":"Peter","offerdate":1705312800000,"id":"u1"}],["trackEvent",{"value":20.5,"id":"Bought"}]]"#
    );
    assert_eq!(warnings.length(), 0);
}

#[wasm_bindgen_test]
fn first_page_is_skipped_later_pages_set_the_path() {
    let mut d = destination(r#"{"portalId":"62515"}"#);
    assert_eq!(json(&answer(&d.page(r#"{"location":{"pathname":"/"}}"#)).0), "[]");
    assert_eq!(json(&answer(&d.page(r#"{"properties":{"path":"/pricing"},"location":{"pathname":"/","search":"?a=1"}}"#)).0), r#"[["setPath","/pricing?a=1"],["trackPageView"]]"#);
}

#[wasm_bindgen_test]
fn reset_drops_the_pending_identity() {
    let mut d = destination(r#"{"portalId":"1"}"#);
    d.identify(r#"{"traits":{"email":"first@b.co"}}"#);
    d.reset();
    assert_eq!(json(&answer(&d.track(r#"{"event":"E"}"#)).0), r#"[["trackEvent",{"id":"E"}]]"#);
}

#[wasm_bindgen_test]
fn consent_keeps_three_booleans() {
    assert_eq!(Destination::consent(r#"{"analytics":true,"functionality":"yes","__proto__":{"x":1}}"#), r#"{"analytics":true}"#);
}

#[wasm_bindgen_test]
fn version_is_the_crates() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn hostile_text_never_traps_and_the_next_call_works() {
    let mut d = destination(r#"{"portalId":"1","customBehavioralEvents":true}"#);
    let megabyte = "x".repeat(1 << 20);
    let many_keys: Vec<String> = (0..10_000).map(|i| format!(r#""k{i}":{i}"#)).collect();
    let hostile = [
        String::new(),
        "not json".into(),
        "[".repeat(100_000) + &"]".repeat(100_000),
        format!(r#"{{"event":"E","properties":{{"big":"{megabyte}"}}}}"#),
        format!(r#"{{"event":"E","properties":{{{}}}}}"#, many_keys.join(",")),
        r#"{"event":"E","properties":{"__proto__":{"polluted":1},"constructor":{"prototype":1}}}"#.into(),
        r#"{"event":"\ud800 lone","properties":{"s":"\udfff"}}"#.into(),
        r#"{"event":["not","a","name"]}"#.into(),
        r#"{"event":"E","properties":[1,2,3]}"#.into(),
    ];
    for text in &hostile {
        let (commands, _) = answer(&d.track(text));
        for command in commands.iter() {
            let command: Array = command.unchecked_into();
            assert_eq!(command.get(0).as_string().as_deref(), Some("trackCustomBehavioralEvent"));
        }
        let _ = answer(&d.identify(text));
        let _ = answer(&d.page(text));
    }
    let (commands, _) = answer(&d.track(r#"{"event":"After"}"#));
    assert_eq!(json(&commands), r#"[["trackCustomBehavioralEvent",{"name":"pe1_after","properties":{}}]]"#);
    assert!(js_sys::Reflect::get(&js_sys::Object::new(), &"polluted".into()).unwrap().is_undefined());
}

#[wasm_bindgen_test]
fn ten_thousand_calls_answer_in_order() {
    let mut d = destination(r#"{"portalId":"1"}"#);
    for i in 0..10_000 {
        let (commands, _) = answer(&d.track(&format!(r#"{{"event":"E{i}","properties":{{"n":{i}}}}}"#)));
        assert_eq!(json(&commands), format!(r#"[["trackEvent",{{"n":{i},"id":"E{i}"}}]]"#));
    }
}
