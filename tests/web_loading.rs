//! Loading: the scripts the plugin injects, the embeds it detects, and how `load()` and
//! `ready()` settle. The page's CSP refuses HubSpot's hosts ([`clean_page`]), so an injected
//! script fails at once with an `error` event; a tracker that never starts is staged with a planted
//! `#hs-script-loader` (never fetched, so it never fails), and HubSpot starting with
//! [`start_tracker`].
//!
//! Every `load()` is awaited before its test ends: a plugin still polling would warn into a later
//! test.
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::{Error, Promise};
use support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The message `load()` rejected with; panics if it resolved or rejected with a non-Error.
async fn rejection(loaded: &Promise) -> String {
    let reason = settle(loaded).await.expect_err("load() resolved");
    let error: Error = reason.dyn_into().expect("load() rejected with something other than an Error");
    error.message().into()
}

#[wasm_bindgen_test]
async fn the_tracker_script_per_region() {
    for (settings, url) in [
        ("{ portalId: ' 62515 ' }", TRACKER_URL),
        ("{ portalId: 62515, region: 'na1' }", TRACKER_URL),
        ("{ portalId: '62515', region: 'eu1' }", "https://js-eu1.hs-scripts.com/62515.js"),
        ("{ portalId: '62515', enableEuropeanDataCenter: true }", "https://js-eu1.hs-scripts.com/62515.js"),
        ("{ portalId: '62515', region: 'na2' }", "https://js-na2.hs-scripts.com/62515.js"),
        ("{ portalId: '62515', region: 'ap1' }", "https://js-ap1.hs-scripts.com/62515.js"),
        // `region` wins over the European flag.
        ("{ portalId: '62515', region: 'na1', enableEuropeanDataCenter: true }", TRACKER_URL),
        (
            "{ portalId: '62515', region: 'eu1', trackerUrl: 'https://hubspot.example.com/t.js' }",
            "https://hubspot.example.com/t.js",
        ),
    ] {
        clean_page();
        let plugin = plugin(settings);
        let loaded = plugin.load(JsValue::UNDEFINED);
        let script = script("hs-script-loader").unwrap_or_else(|| panic!("{settings}: no #hs-script-loader"));
        assert_eq!(script.src(), url, "{settings}");
        assert!(script.r#async() && script.defer(), "{settings}: not async and defer");
        assert_eq!(count("script[src*='hs-scripts.com'], script[src*='hubspot.example.com']"), 1, "{settings}");
        assert_eq!(count("#hs-forms-loader, script[src*='hsforms.net']"), 0, "{settings}: forms not asked for");
        // Refused by the page's CSP: the script fails and load() says where from.
        let message = rejection(&loaded).await;
        assert!(message.contains(url), "{settings}: {message}");
    }
}

#[wasm_bindgen_test]
async fn the_nonce_goes_on_every_injected_script() {
    clean_page();
    let plugin = plugin("{ portalId: '62515', loadFormsSdk: true, nonce: 'r4nd0m' }");
    let loaded = plugin.load(JsValue::UNDEFINED);
    for id in ["hs-script-loader", "hs-forms-loader"] {
        let script = script(id).unwrap_or_else(|| panic!("no #{id}"));
        // The property is what CSP checks (browsers may hide the attribute).
        assert_eq!(script.nonce(), "r4nd0m", "#{id}");
    }
    let _ = settle(&loaded).await;
}

#[wasm_bindgen_test]
async fn the_forms_sdk_only_when_asked_for() {
    for (settings, forms) in [
        ("{ portalId: '62515', loadFormsSdk: true }", Some(FORMS_URL)),
        ("{ portalId: '62515', loadFormsSDK: true }", Some(FORMS_URL)),
        (
            "{ portalId: '62515', loadFormsSdk: true, region: 'eu1' }",
            Some("https://js-eu1.hsforms.net/forms/embed/v2.js"),
        ),
        (
            "{ portalId: '62515', loadFormsSdk: true, enableEuropeanDataCenter: true }",
            Some("https://js-eu1.hsforms.net/forms/embed/v2.js"),
        ),
        ("{ portalId: '62515', loadFormsSdk: true, formsUrl: '/self-hosted/forms.js' }", Some("/self-hosted/forms.js")),
        ("{ portalId: '62515', loadFormsSdk: false }", None),
        ("{ portalId: '62515' }", None),
    ] {
        clean_page();
        let loaded = plugin(settings).load(JsValue::UNDEFINED);
        match forms {
            Some(url) => {
                let script = script("hs-forms-loader").unwrap_or_else(|| panic!("{settings}: no #hs-forms-loader"));
                assert!(script.src().ends_with(url), "{settings}: {}", script.src());
                assert!(script.r#async() && script.defer(), "{settings}");
                assert_eq!(count("script[src*='hsforms.net'], script[src*='self-hosted']"), 1, "{settings}");
            }
            None => assert_eq!(count("#hs-forms-loader, script[src*='hsforms.net']"), 0, "{settings}"),
        }
        let _ = settle(&loaded).await;
    }
}

#[wasm_bindgen_test]
async fn disable_cookie_banner_sets_hubspots_flag() {
    for (settings, flag) in [
        ("{ portalId: '62515', disableCookieBanner: true }", JsValue::TRUE),
        ("{ portalId: '62515' }", JsValue::UNDEFINED),
    ] {
        clean_page();
        let loaded = plugin(settings).load(JsValue::UNDEFINED);
        assert_eq!(js("window.disableHubSpotCookieBanner"), flag, "{settings}");
        let _ = settle(&loaded).await;
    }
}

#[wasm_bindgen_test]
async fn a_page_that_embeds_hubspot_gets_no_second_tracker() {
    for embed in [
        r#"<script id="hs-script-loader" type="text/plain"></script>"#,
        r#"<script type="text/plain" src="https://js.hs-scripts.com/62515.js"></script>"#,
        r#"<script type="text/plain" src="https://js-eu1.hs-scripts.com/999.js"></script>"#,
        r#"<script type="text/plain" src="https://js.hs-analytics.net/analytics/1700000000000/62515.js"></script>"#,
    ] {
        clean_page();
        plant(embed);
        let warnings = Warnings::capture();
        let loaded = plugin("{ portalId: '62515', loadTimeoutMs: 30 }").load(JsValue::UNDEFINED);
        assert_eq!(
            count("script[src*='hs-scripts.com'], script[src*='hs-analytics.net'], #hs-script-loader"),
            1,
            "{embed}"
        );
        // The planted embed never starts: a timeout, not a failure.
        assert!(settle(&loaded).await.is_ok(), "{embed}");
        assert_eq!(warnings.containing("has not started within 30 ms").len(), 1, "{embed}");
    }
}

#[wasm_bindgen_test]
async fn a_tracker_already_running_is_loaded_at_once() {
    clean_page();
    start_tracker();
    let plugin = plugin("{ portalId: '62515' }");
    assert!(plugin.is_loaded(), "isLoaded() before load()");
    let loaded = plugin.load(JsValue::UNDEFINED);
    assert_eq!(state(&loaded).await, "resolved");
    assert_eq!(state(&plugin.ready()).await, "resolved");
    assert_eq!(count("script[src*='hs-scripts.com'], #hs-script-loader"), 0, "a running tracker is not loaded again");
}

#[wasm_bindgen_test]
async fn load_resolves_when_hubspot_starts() {
    clean_page();
    plant(r#"<script id="hs-script-loader" type="text/plain"></script>"#);
    let plugin = plugin("{ portalId: '62515' }");
    let loaded = plugin.load(JsValue::UNDEFINED);
    sleep(60).await;
    assert!(!plugin.is_loaded());
    assert_eq!(state(&loaded).await, "pending");
    assert_eq!(state(&plugin.ready()).await, "pending");

    start_tracker();
    assert!(plugin.is_loaded(), "isLoaded() tells the truth at once");
    assert!(settle(&loaded).await.is_ok());
    assert!(settle(&plugin.ready()).await.is_ok());

    // Commands now go through HubSpot's push, even from a tracker that never ran the plugin's
    // start-up entry (this stand-in runs nothing it finds queued).
    plugin.track(js("{ event: { event: 'Started' } }"));
    assert_eq!(
        canonical(&js("window._hsq.at(-1)")),
        r#"["trackCustomBehavioralEvent",{"name":"pe62515_started","properties":{}}]"#
    );
}

#[wasm_bindgen_test]
async fn load_twice_returns_the_same_promise() {
    clean_page();
    let plugin = plugin("{ portalId: '62515' }");
    let first = plugin.load(JsValue::UNDEFINED);
    let second = plugin.load(JsValue::UNDEFINED);
    assert!(same(&first, &second));
    assert_eq!(count("#hs-script-loader"), 1);
    let _ = settle(&first).await;
    assert!(same(&plugin.load(JsValue::UNDEFINED), &first), "a settled load() is not started again");
    assert_eq!(count("#hs-script-loader"), 1);
}

#[wasm_bindgen_test]
async fn a_failing_tracker_rejects_load_naming_the_url_and_ready_still_resolves() {
    clean_page();
    let warnings = Warnings::capture();
    let plugin = plugin("{ portalId: '62515' }");
    let loaded = plugin.load(JsValue::UNDEFINED);
    let message = rejection(&loaded).await;
    assert!(message.contains(TRACKER_URL), "{message}");
    assert!(settle(&plugin.ready()).await.is_ok(), "ready() never rejects");
    assert!(!plugin.is_loaded());
    assert_eq!(warnings.containing("has not started").len(), 0, "a failure is not also a timeout");

    // Calls made after the failure do not throw, and wait for HubSpot's tracker should it run after all.
    plugin.track(js("{ event: { event: 'After Failure' } }"));
    assert_eq!(js("window._hsq.length === 1 && typeof window._hsq[0]"), JsValue::from("function"));
    run_hubspot_startup();
    sleep(10).await;
    assert!(
        received().ends_with(r#"["trackCustomBehavioralEvent",{"name":"pe62515_after_failure","properties":{}}]]"#),
        "{}",
        received()
    );
}

#[wasm_bindgen_test]
async fn a_tracker_that_does_not_start_in_time_warns_once_and_load_resolves() {
    clean_page();
    plant(r#"<script id="hs-script-loader" type="text/plain"></script>"#);
    let warnings = Warnings::capture();
    let plugin = plugin("{ portalId: '62515', loadTimeoutMs: 50 }");
    let loaded = plugin.load(JsValue::UNDEFINED);
    assert_eq!(state(&loaded).await, "pending");
    assert!(settle(&loaded).await.is_ok(), "a slow tracker must not make analytics-next drop the destination");
    assert!(settle(&plugin.ready()).await.is_ok());
    assert!(!plugin.is_loaded());
    sleep(100).await; // the polling has stopped: no second warning
    let messages = warnings.containing(TRACKER_URL);
    assert_eq!(messages.len(), 1, "{:?}", warnings.messages());
    assert!(messages[0].contains("has not started within 50 ms"), "{}", messages[0]);

    // HubSpot starting late is still seen.
    start_tracker();
    assert!(plugin.is_loaded());
}

#[wasm_bindgen_test]
async fn the_forms_load_even_when_the_tracker_fails() {
    clean_page();
    let warnings = Warnings::capture();
    let plugin = plugin("{ portalId: '62515', loadFormsSdk: true }");
    let loaded = plugin.load(JsValue::UNDEFINED);
    assert!(rejection(&loaded).await.contains(TRACKER_URL));
    assert_eq!(
        script("hs-forms-loader").map(|s| s.src()).as_deref(),
        Some(FORMS_URL),
        "the forms were given up with the tracker"
    );
    assert!(settle(&plugin.ready()).await.is_ok(), "ready() waits for the forms and never rejects");
    assert_eq!(
        warnings.containing(FORMS_URL).len(),
        1,
        "the forms failure is a warning naming its URL: {:?}",
        warnings.messages()
    );
}

#[wasm_bindgen_test]
async fn a_forms_failure_is_a_warning_not_a_load_failure() {
    clean_page();
    start_tracker();
    let warnings = Warnings::capture();
    let plugin = plugin("{ portalId: '62515', loadFormsSdk: true }");
    let loaded = plugin.load(JsValue::UNDEFINED);
    assert!(settle(&loaded).await.is_ok());
    let messages = warnings.containing(FORMS_URL);
    assert_eq!(messages.len(), 1, "{:?}", warnings.messages());
    assert!(messages[0].contains("Forms SDK could not be loaded"), "{}", messages[0]);
}

#[wasm_bindgen_test]
async fn load_waits_for_the_forms_sdk_to_run() {
    clean_page();
    start_tracker();
    plant(r#"<script id="hs-forms-loader" type="text/plain"></script>"#);
    let plugin = plugin("{ portalId: '62515', loadFormsSdk: true }");
    let loaded = plugin.load(JsValue::UNDEFINED);
    sleep(60).await;
    assert_eq!(state(&loaded).await, "pending", "the tracker runs, but the forms do not yet");
    run("window.hbspt = { forms: { create() {} } };");
    assert!(settle(&loaded).await.is_ok());
    assert!(settle(&plugin.ready()).await.is_ok());
}

#[wasm_bindgen_test]
async fn load_makes_the_queues_and_keeps_what_they_hold() {
    clean_page();
    start_tracker();
    let first = plugin("{ portalId: '62515' }");
    let _ = settle(&first.load(JsValue::UNDEFINED)).await;
    assert!(js("Array.isArray(window._hsp)").is_truthy(), "_hsp made an array");

    clean_page();
    run("window._hsq = [['setPortalId', 62515]]; window._hsp = [['addPrivacyConsentListener']]; window.__queues = [window._hsq, window._hsp];");
    start_tracker();
    let plugin = plugin("{ portalId: '62515' }");
    let _ = settle(&plugin.load(JsValue::UNDEFINED)).await;
    assert!(
        js("window._hsq === window.__queues[0] && window._hsp === window.__queues[1]").is_truthy(),
        "a queue was replaced"
    );
    plugin.track(js("{ event: { event: 'Bought' } }"));
    plugin.revoke_cookie_consent();
    assert_eq!(
        queue("_hsq"),
        r#"[["setPortalId",62515],["trackCustomBehavioralEvent",{"name":"pe62515_bought","properties":{}}]]"#
    );
    assert_eq!(queue("_hsp"), r#"[["addPrivacyConsentListener"],["revokeCookieConsent"]]"#);
    run("delete window.__queues;");
}
