//! The plugin object as analytics-next sees it, compiled to wasm and run in headless Chromium and
//! Firefox: its names, its settings checks and the methods that push nothing. Loading, the
//! `_hsq` bridge and hostile input have their own suites (`web_loading.rs`, `web_events.rs`,
//! `web_hostile.rs`); `support/` holds what they share.
#![cfg(target_arch = "wasm32")]

mod support;

use hubspot_wasm::browser::HubSpotPlugin;
use js_sys::Reflect;
use support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn property(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn name_type_and_version_as_analytics_next_reads_them() {
    clean_page();
    let rust = plugin("{ portalId: '62515' }");
    assert_eq!((rust.name(), rust.kind(), rust.version()), ("HubSpot".into(), "destination".into(), env!("CARGO_PKG_VERSION").into()));

    // Through JS, under the names analytics-next uses.
    let plugin: JsValue = rust.into();
    assert_eq!(property(&plugin, "name").as_string().as_deref(), Some("HubSpot"));
    assert_eq!(property(&plugin, "type").as_string().as_deref(), Some("destination"));
    assert_eq!(property(&plugin, "version").as_string().as_deref(), Some(env!("CARGO_PKG_VERSION")));
    for method in ["isLoaded", "load", "ready", "unload", "page", "identify", "track", "group", "alias", "screen",
                   "doNotTrack", "revokeCookieConsent", "setConsent"] {
        assert!(property(&plugin, method).is_function(), "plugin.{method} is not a function");
    }
    assert_eq!(call(&plugin, "isLoaded", &[]), Ok(JsValue::FALSE));
}

#[wasm_bindgen_test]
fn invalid_settings_are_refused_naming_the_setting_and_the_value() {
    clean_page();
    for (settings, setting, value) in [
        ("{ portalId: 'abc' }", "portalId", "\"abc\""),
        ("{}", "portalId", "null"),
        ("{ portalId: '62515', region: 'mars' }", "region", "\"mars\""),
        ("{ portalId: '62515', trackerUrl: 'javascript:alert(1)' }", "trackerUrl", "javascript:alert(1)"),
        ("{ portalId: '62515', formsUrl: 'data:text/javascript,1' }", "formsUrl", "data:text/javascript,1"),
        ("{ portalId: '62515', loadTimeoutMs: -5 }", "loadTimeoutMs", "-5"),
        ("{ portalId: '62515', loadFormsSdk: 'yes' }", "loadFormsSdk", "\"yes\""),
        ("{ portalId: '62515', nonce: 42 }", "nonce", "42"),
        ("null", "settings", "null"),
        ("'62515'", "settings", "\"62515\""),
    ] {
        let message = match HubSpotPlugin::new(&js(settings)) {
            Ok(_) => panic!("{settings} was accepted"),
            Err(error) => String::from(error.message()),
        };
        assert!(message.contains(setting) && message.contains(value), "{settings}: {message}");
    }
    // Nothing reached the page.
    assert_eq!(count("script[src*='hs-scripts.com'], script[src*='hsforms.net'], script[src^='javascript:']"), 0);
    assert!(js("window._hsq").is_undefined());
}

#[wasm_bindgen_test]
fn server_credentials_are_warned_about_without_their_value() {
    clean_page();
    for (key, secret) in [("apiKey", "secret-api-key-7d1f"), ("privateAppToken", "pat-na1-0000-secret")] {
        let warnings = Warnings::capture();
        let plugin = plugin(&format!("{{ portalId: '62515', {key}: '{secret}' }}"));
        let messages = warnings.messages();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("apiKey/privateAppToken"), "{messages:?}");
        assert!(!messages[0].contains(secret), "the warning leaks the secret: {}", messages[0]);

        // Nor does the secret ride any command.
        fresh_queue();
        plugin.identify(js("{ event: { traits: { email: 'a@b.co' } } }"));
        plugin.track(js("{ event: { event: 'Bought' } }"));
        assert!(!queue("_hsq").contains(secret));
    }
    let warnings = Warnings::capture();
    let _ = plugin("{ portalId: '62515' }");
    assert_eq!(warnings.messages(), Vec::<String>::new(), "no credentials, no warning");
}

#[wasm_bindgen_test]
fn group_alias_and_screen_return_ctx_unchanged_and_push_nothing() {
    clean_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.identify(js("{ event: { userId: 'u1', traits: { email: 'held@b.co' } } }"));
    fresh_queue();
    type Method = fn(&HubSpotPlugin, JsValue) -> JsValue;
    let cases: [(&str, Method); 3] = [("group", HubSpotPlugin::group), ("alias", HubSpotPlugin::alias), ("screen", HubSpotPlugin::screen)];
    for (method, send) in cases {
        let ctx = js("{ event: { type: 'x', groupId: 'g1', previousId: 'p1', name: 'Home', traits: { email: 'other@b.co' } } }");
        let before = canonical(&ctx);
        let returned = send(&plugin, ctx.clone());
        assert!(same(&returned, &ctx), "{method} did not return its ctx");
        assert_eq!(canonical(&ctx), before, "{method} changed its ctx");
        assert_eq!(queue("_hsq"), "[]", "{method} pushed a command");
    }
    // The identity held before them is neither sent nor dropped by them.
    plugin.track(js("{ event: { event: 'After' } }"));
    assert_eq!(queue("_hsq"), r#"[["identify",{"email":"held@b.co","id":"u1"}],["trackEvent",{"id":"After"}]]"#);
}

#[wasm_bindgen_test]
async fn ready_before_load_resolves() {
    clean_page();
    let plugin = plugin("{ portalId: '62515' }");
    assert_eq!(state(&plugin.ready()).await, "resolved");
    assert_eq!(count("#hs-script-loader"), 0, "ready() alone loads nothing");
}
