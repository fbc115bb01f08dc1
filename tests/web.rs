//! The plugin object as analytics-next sees it, compiled to wasm and run in headless Chromium and
//! Firefox: its methods, its settings checks and `ready()` before `load()`. Loading, the
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
fn the_methods_analytics_next_calls() {
    clean_page();
    // Name, type and version, and the no-op group/alias/screen, are the package entry's.
    let plugin: JsValue = plugin("{ portalId: '62515' }").into();
    for method in [
        "isLoaded",
        "load",
        "ready",
        "unload",
        "page",
        "identify",
        "track",
        "doNotTrack",
        "revokeCookieConsent",
        "setConsent",
    ] {
        assert!(property(&plugin, method).is_function(), "plugin.{method} is not a function");
    }
    assert_eq!(call(&plugin, "isLoaded", &[]), Ok(JsValue::FALSE));
}

#[wasm_bindgen_test]
fn invalid_settings_are_refused_naming_the_setting_and_the_value() {
    clean_page();
    for (settings, setting, value) in [
        ("{ portalId: 'abc' }", "portalId", "\"abc\""),
        ("{ portalId: '' }", "portalId", "\"\""),
        ("{ portalId: '62515', region: 'mars' }", "region", "\"mars\""),
        ("{ portalId: '62515', trackerUrl: 'javascript:alert(1)' }", "trackerUrl", "\"javascript:alert(1)\""),
        ("{ portalId: '62515', formsUrl: 'data:text/javascript,1' }", "formsUrl", "\"data:text/javascript,1\""),
        ("{ portalId: '62515', loadTimeoutMs: -5 }", "loadTimeoutMs", "-5"),
        ("{ portalId: '62515', loadFormsSdk: 'yes' }", "loadFormsSdk", "\"yes\""),
        ("{ portalId: '62515', nonce: 42 }", "nonce", "42"),
        ("'62515'", "settings", "\"62515\""),
    ] {
        let message = match HubSpotPlugin::new(&js(settings)) {
            Ok(_) => panic!("{settings} was accepted"),
            Err(error) => message(error),
        };
        let named = format!("hubspot-wasm: invalid setting {setting} = {value}: ");
        assert!(message.starts_with(&named), "{settings}: {message}");
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
async fn ready_before_load_resolves() {
    clean_page();
    let plugin = plugin("{ portalId: '62515' }");
    assert_eq!(state(&plugin.ready()).await, "resolved");
    assert_eq!(count("#hs-script-loader"), 0, "ready() alone loads nothing");
}
