//! Segment's consent rule as the plugin applies it, through the real wasm, on the values a page
//! can put in `context.consent`: missing, `null`, arrays, strings, getters and `Proxy` traps that
//! throw. A blocked event never reaches `_hsq` and is not held; nothing throws into the page.
#![cfg(target_arch = "wasm32")]

mod support;

use support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A plugin governed by the consent category C0002, loaded, with HubSpot's tracker running.
async fn governed() -> JsValue {
    tracker_page();
    let plugin = plugin("{ portalId: '62515', consentCategories: ['C0002'] }");
    assert!(settle(&plugin.load(JsValue::UNDEFINED)).await.is_ok());
    plugin.into()
}

/// Tracks `name` with `context` (a JS expression) from JS; whether HubSpot's queue got it.
fn tracked(plugin: &JsValue, name: &str, context: &str) -> bool {
    let ctx = js(&format!("{{ event: {{ event: '{name}', context: {context} }} }}"));
    let returned = call(plugin, "track", std::slice::from_ref(&ctx)).unwrap_or_else(|e| panic!("track threw: {e}"));
    assert!(same(&returned, &ctx), "track did not return its ctx");
    let event = format!("pe62515_{}", name.to_lowercase());
    js(&format!("window._hsq.some((c) => c[0] === 'trackCustomBehavioralEvent' && c[1].name === '{event}')"))
        .is_truthy()
}

#[wasm_bindgen_test]
async fn events_without_a_consent_object_flow_and_malformed_ones_are_blocked() {
    let plugin = governed().await;
    install_traps();
    for (name, context, passes) in [
        ("NoContext", "undefined", true),
        ("NoConsent", "{}", true),
        ("NullConsent", "{ consent: null }", true),
        ("Granted", "{ consent: { categoryPreferences: { C0002: true, C0004: false } } }", true),
        ("Empty", "{ consent: { categoryPreferences: {} } }", false),
        ("Denied", "{ consent: { categoryPreferences: { C0002: false } } }", false),
        ("TruthyString", "{ consent: { categoryPreferences: { C0002: 'true' } } }", false),
        ("ArrayConsent", "{ consent: [true] }", false),
        ("StringConsent", "{ consent: 'granted' }", false),
        ("FunctionConsent", "{ consent: () => true }", false),
        ("ArrayPreferences", "{ consent: { categoryPreferences: [true] } }", false),
        ("NullPreferences", "{ consent: { categoryPreferences: null } }", false),
        ("ThrowingConsent", "throwing('consent')", false),
        ("ThrowingPreferences", "{ consent: throwing('categoryPreferences') }", false),
        ("ThrowingCategory", "{ consent: { categoryPreferences: throwing('C0002') } }", false),
        ("TrappedConsent", "{ consent: trap() }", false),
        ("Regranted", "{ consent: { categoryPreferences: { C0002: true } } }", true),
    ] {
        assert_eq!(tracked(&plugin, name, context), passes, "{name}: {context}");
    }
}

#[wasm_bindgen_test]
async fn a_context_whose_getter_throws_blocks_without_throwing() {
    let plugin = governed().await;
    let ctx = js("{ event: Object.defineProperty({ event: 'Hidden' }, 'context', { get() { throw new Error('no'); }, enumerable: true }) }");
    let returned = call(&plugin, "track", std::slice::from_ref(&ctx)).expect("no throw");
    assert!(same(&returned, &ctx));
    assert!(!js("JSON.stringify(window._hsq).includes('hidden')").is_truthy());
    assert!(tracked(&plugin, "After", "{ consent: { categoryPreferences: { C0002: true } } }"), "still usable");
}

#[wasm_bindgen_test]
async fn a_blocked_identify_is_not_held_for_later() {
    let plugin = governed().await;
    let denied = "{ consent: { categoryPreferences: { C0002: false } } }";
    let granted = "{ consent: { categoryPreferences: { C0002: true } } }";
    let ctx = js(&format!("{{ event: {{ traits: {{ email: 'blocked@b.co' }}, context: {denied} }} }}"));
    call(&plugin, "identify", &[ctx]).unwrap();
    assert!(tracked(&plugin, "Later", granted));
    assert!(!js("JSON.stringify(window._hsq).includes('blocked@b.co')").is_truthy(), "{}", queue("_hsq"));
}

#[wasm_bindgen_test]
async fn a_withdrawal_stops_hubspot_and_a_new_grant_lets_it_go_on() {
    let plugin = governed().await;
    let granted = "{ consent: { categoryPreferences: { C0002: true } } }";
    let denied = "{ consent: { categoryPreferences: { C0002: false } } }";
    assert!(tracked(&plugin, "First", granted));
    fresh_queue();
    assert!(!tracked(&plugin, "Withdrawn", denied));
    assert!(!tracked(&plugin, "Still", denied));
    assert_eq!(queue("_hsq"), r#"[["doNotTrack"]]"#, "HubSpot told once");
    fresh_queue();
    let preference = js(&format!("{{ event: {{ event: 'Segment Consent Preference Updated', context: {granted} }} }}"));
    call(&plugin, "track", &[preference]).unwrap();
    assert_eq!(queue("_hsq"), r#"[["doNotTrack",{"track":true}]]"#, "the preference event itself is not sent");
    assert!(tracked(&plugin, "Again", granted));
}

#[wasm_bindgen_test]
async fn nothing_of_hubspots_loads_before_the_first_consented_event() {
    clean_page();
    let plugin = plugin("{ portalId: '62515', consentCategories: ['C0002'] }");
    let loaded = plugin.load(JsValue::UNDEFINED);
    assert_eq!(state(&loaded).await, "resolved", "load() does not wait for consent");
    let plugin: JsValue = plugin.into();
    let denied = js("{ event: { event: 'Denied', context: { consent: { categoryPreferences: {} } } } }");
    call(&plugin, "track", &[denied]).unwrap();
    call(&plugin, "reset", &[]).unwrap(); // a log-out before consent: nothing for HubSpot to forget
    assert_eq!(count("#hs-script-loader"), 0, "no HubSpot script before consent");
    assert!(js("window._hsq === undefined || window._hsq.length === 0").is_truthy(), "{}", queue("_hsq"));
    let granted = js("{ event: { event: 'Granted', context: { consent: { categoryPreferences: { C0002: true } } } } }");
    call(&plugin, "track", &[granted]).unwrap();
    assert_eq!(count("#hs-script-loader"), 1, "HubSpot loads with the first consented event");
}

/// `throwing(key)`: an object whose `key` getter throws. `trap()`: a `Proxy` every trap of which throws.
fn install_traps() {
    run(r#"
        window.throwing = (key) => Object.defineProperty({}, key, { get() { throw new Error('getter'); }, enumerable: true });
        window.trap = () => new Proxy({}, Object.fromEntries(['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf']
          .map((name) => [name, () => { throw new Error(`trap ${name}`); }])));
    "#);
}
