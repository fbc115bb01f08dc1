//! A Segment site, in the browser: settings from the workspace (analytics-next's
//! `analytics.settings.cdnSettings`), standing aside for Segment's own HubSpot destination, and
//! HubSpot's form announcements turned into analytics calls. `analytics` is a stand-in with the
//! members the plugin reads; the end-to-end suites run the real analytics-next.
#![cfg(target_arch = "wasm32")]

mod support;

use hubspot_wasm::browser::HubSpotPlugin;
use hubspot_wasm::settings::SettingsError;
use js_sys::{Error, Promise};
use support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// analytics-next's instance as far as the plugin reads it: the workspace's settings, the plugins
/// it runs (by name: `plugins` is a JS list of names), `on('reset')`, and `track`/`identify`,
/// which record their arguments.
fn analytics(cdn_settings: &str, plugins: &str) -> JsValue {
    js(&format!(
        "{{ settings: {{ cdnSettings: {cdn_settings} }}, queue: {{ plugins: {plugins}.map((name) => ({{ name, type: 'destination' }})) }},
            calls: [], on() {{}}, track(...args) {{ this.calls.push(['track', ...args]); }}, identify(...args) {{ this.calls.push(['identify', ...args]); }} }}"
    ))
}

const CLASSIC: &str = "{ integrations: { 'Segment.io': { apiKey: 'k' }, HubSpot: { portalId: '62515', enableEuropeanDataCenter: true,
    loadFormsSdk: true, type: 'browser', bundlingStatus: 'bundled', versionSettings: { componentTypes: ['browser'] } } } }";
const ACTIONS: &str = "{ integrations: { 'HubSpot Web (Actions)': { portalId: '7', enableEuropeanDataCenter: false, loadFormsSDK: false,
    versionSettings: { componentTypes: [] } } }, remotePlugins: [{ name: 'HubSpot Web (Actions)', creationName: 'HubSpot Web (Actions)',
    libraryName: 'hubspot-webDestination', url: 'https://cdn.segment.com/next-integrations/actions/hubspot-web/x.js', settings: {} }] }";
/// The workspace's settings with Segment's destinations kept off the page (Classic in cloud mode,
/// Actions without its remote plugin).
const CLASSIC_SETTINGS_ONLY: &str =
    "{ integrations: { HubSpot: { portalId: '62515', enableEuropeanDataCenter: true, loadFormsSdk: true,
    bundlingStatus: 'unbundled' } } }";
const ACTIONS_SETTINGS_ONLY: &str =
    "{ integrations: { 'HubSpot Web (Actions)': { portalId: '7', flushIdentifyImmediately: true } } }";

fn src(id: &str) -> Option<String> {
    script(id).map(|s| s.src())
}

/// Settles a `load()` whose script the page's CSP refuses (or that resolved at once).
async fn finish(loaded: &Promise) {
    let _ = settle(loaded).await;
}

#[wasm_bindgen_test]
async fn without_a_portal_the_workspace_settings_are_taken_at_load() {
    clean_page();
    let classic = plugin("{}");
    assert_eq!(count("script[src*='hs-']"), 0, "nothing before load()");
    let loaded = classic.load(analytics(CLASSIC_SETTINGS_ONLY, "[]"));
    assert_eq!(src("hs-script-loader").as_deref(), Some("https://js-eu1.hs-scripts.com/62515.js"));
    assert_eq!(src("hs-forms-loader").as_deref(), Some("https://js-eu1.hsforms.net/forms/embed/v2.js"));
    finish(&loaded).await;

    // HubSpot Web (Actions)' settings: its flushIdentifyImmediately, and custom behavioral events.
    clean_page();
    let actions = plugin("null");
    let loaded = actions.load(analytics(ACTIONS_SETTINGS_ONLY, "[]"));
    assert_eq!(src("hs-script-loader").as_deref(), Some("https://js.hs-scripts.com/7.js"));
    finish(&loaded).await;
    actions.identify(js("{ event: { traits: { email: 'a@b.co' } } }"));
    actions.track(js("{ event: { event: 'Video Played' } }"));
    run_hubspot_startup();
    sleep(10).await;
    assert_eq!(
        received(),
        r#"[["setPortalId",62515],["trackPageView"],["identify",{"email":"a@b.co"}],["trackPageView"],["trackCustomBehavioralEvent",{"name":"pe7_video_played","properties":{}}]]"#
    );
}

#[wasm_bindgen_test]
async fn settings_in_code_win_key_by_key() {
    clean_page();
    let plugin = plugin("{ region: 'ap1', loadFormsSdk: false }");
    let loaded = plugin.load(analytics(CLASSIC_SETTINGS_ONLY, "[]"));
    assert_eq!(src("hs-script-loader").as_deref(), Some("https://js-ap1.hs-scripts.com/62515.js"));
    assert_eq!(src("hs-forms-loader"), None);
    finish(&loaded).await;

    // A portal in code: the workspace is not consulted at all.
    clean_page();
    let loaded = plugin_with_portal().load(analytics(CLASSIC_SETTINGS_ONLY, "[]"));
    assert_eq!(src("hs-script-loader").as_deref(), Some(TRACKER_URL));
    assert_eq!(src("hs-forms-loader"), None);
    finish(&loaded).await;
}

fn plugin_with_portal() -> HubSpotPlugin {
    plugin("{ portalId: '62515' }")
}

#[wasm_bindgen_test]
async fn no_portal_anywhere_rejects_saying_where_it_looked() {
    clean_page();
    for workspace in ["{ integrations: {} }", "undefined"] {
        let loaded = plugin("{ region: 'eu1' }").load(analytics(workspace, "[]"));
        let reason: Error = settle(&loaded).await.expect_err("load() resolved").dyn_into().expect("an Error");
        assert_eq!(String::from(reason.message()), SettingsError::NoPortalId.message());
    }
    // And without analytics at all.
    assert!(settle(&plugin("{}").load(JsValue::UNDEFINED)).await.is_err());
    assert_eq!(count("script[src*='hs-']"), 0);
    assert!(js("window._hsq").is_undefined(), "nothing was prepared");
}

/// Loads a plugin beside Segment's own destination (analytics runs a plugin of that name): resolves
/// at once, one warning with the fix, no script of ours, no command for its events.
async fn stands_aside(cdn_settings: &str, segments: &str, fix: &str) {
    clean_page();
    let warnings = Warnings::capture();
    let plugin = plugin("{}");
    let plugins = format!("['Segment.io', '{segments}', 'hubspot-wasm']");
    let loaded = plugin.load(analytics(cdn_settings, &plugins));
    assert_eq!(state(&loaded).await, "resolved");
    let messages = warnings.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("Segment's HubSpot") && messages[0].contains(fix), "{}", messages[0]);
    assert_eq!(count("#hs-script-loader, #hs-forms-loader"), 0, "a second tracker");
    fresh_queue();
    plugin.identify(js("{ event: { traits: { email: 'a@b.co' } } }"));
    plugin.track(js("{ event: { event: 'Bought' } }"));
    plugin.page(js("{ event: { properties: { path: '/x' } } }"));
    assert_eq!(queue("_hsq"), "[]", "an event pushed beside Segment's destination");
    assert_eq!(settle(&plugin.load(analytics(cdn_settings, &plugins))).await, Ok(JsValue::UNDEFINED));
    assert_eq!(warnings.messages().len(), 1, "warned twice");
}

#[wasm_bindgen_test]
async fn segments_classic_hubspot_in_device_mode_is_left_to_send() {
    stands_aside(CLASSIC, "HubSpot", "integrations: { HubSpot: false, 'hubspot-wasm': true }").await;
}

#[wasm_bindgen_test]
async fn segments_hubspot_web_actions_is_left_to_send() {
    stands_aside(
        ACTIONS,
        "HubSpot Web (Actions)",
        "integrations: { 'HubSpot Web (Actions)': false, 'hubspot-wasm': true }",
    )
    .await;
}

/// analytics with Segment's destination `segments` registered, as analytics-next has it while
/// that destination loads: `window.__segments.run()` resolves its `ready()`, `.fail()` reports it
/// failed (`initialization_failure`) and drops it, as analytics-next does.
fn analytics_loading_segments(cdn_settings: &str, segments: &str) -> JsValue {
    js(&format!(
        "(() => {{
            let ran;
            const plugin = {{ name: '{segments}', type: 'destination', ready: () => new Promise((ok) => (ran = ok)) }};
            const failures = [];
            const analytics = {{ settings: {{ cdnSettings: {cdn_settings} }}, on() {{}},
                queue: {{ plugins: [plugin], on(name, listener) {{ if (name === 'initialization_failure') failures.push(listener); }} }} }};
            window.__segments = {{
                run: () => ran(true),
                fail: () => {{ analytics.queue.plugins = []; failures.forEach((listener) => listener(plugin)); }},
            }};
            return analytics;
        }})()"
    ))
}

/// A page, an identify and a track, as a visitor's first calls.
fn first_calls(plugin: &HubSpotPlugin) {
    plugin.page(js("{ event: { properties: { path: '/a' } } }"));
    plugin.identify(js("{ event: { traits: { email: 'a@b.co' } } }"));
    plugin.track(js("{ event: { event: 'Bought' } }"));
}

#[wasm_bindgen_test]
async fn segments_destination_counts_once_its_load_succeeds() {
    for (workspace, segments) in [(CLASSIC, "HubSpot"), (ACTIONS, "HubSpot Web (Actions)")] {
        clean_page();
        let warnings = Warnings::capture();
        let plugin = plugin("{}");
        assert_eq!(state(&plugin.load(analytics_loading_segments(workspace, segments))).await, "resolved");
        first_calls(&plugin);
        assert_eq!(count("#hs-script-loader, #hs-forms-loader"), 0, "a second tracker");
        assert_eq!(js("window._hsq?.length ?? 0"), JsValue::from(0), "an event pushed beside Segment's destination");
        run("window.__segments.run()");
        sleep(10).await;
        let messages = warnings.messages();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("runs here too") && messages[0].contains(segments), "{}", messages[0]);
        // Decided: a failure reported later changes nothing, and later calls stay quiet.
        run("window.__segments.fail()");
        first_calls(&plugin);
        sleep(10).await;
        assert_eq!(count("#hs-script-loader, #hs-forms-loader"), 0, "a second tracker");
        assert_eq!(js("window._hsq?.length ?? 0"), JsValue::from(0));
        assert_eq!(warnings.messages().len(), 1);
    }
}

#[wasm_bindgen_test]
async fn where_segments_destination_fails_to_load_ours_delivers_every_held_call_once_in_order() {
    for (workspace, segments) in [(CLASSIC, "HubSpot"), (ACTIONS, "HubSpot Web (Actions)")] {
        clean_page();
        let warnings = Warnings::capture();
        let plugin = plugin("{}");
        assert_eq!(state(&plugin.load(analytics_loading_segments(workspace, segments))).await, "resolved");
        first_calls(&plugin);
        assert_eq!(count("#hs-script-loader"), 0, "loaded before Segment's failed");
        run("window.__segments.fail()");
        let messages = warnings.messages();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("could not load") && messages[0].contains(segments), "{}", messages[0]);
        assert!(src("hs-script-loader").is_some(), "ours did not load HubSpot");
        plugin.track(js("{ event: { event: 'Later' } }"));
        run_hubspot_startup();
        sleep(10).await;
        let portal = if segments == "HubSpot" { "62515" } else { "7" };
        assert_eq!(
            received(),
            format!(
                r#"[["setPortalId",62515],["setPath","/a"],["trackPageView"],["identify",{{"email":"a@b.co"}}],["trackCustomBehavioralEvent",{{"name":"pe{portal}_bought","properties":{{}}}}],["trackCustomBehavioralEvent",{{"name":"pe{portal}_later","properties":{{}}}}]]"#
            ),
            "each call once, in order"
        );
    }
}

#[wasm_bindgen_test]
async fn a_second_plugin_on_the_same_analytics_stays_quiet_with_one_warning() {
    tracker_page();
    let warnings = Warnings::capture();
    let shared = analytics("{}", "[]");
    let (first, second) = (plugin_with_portal(), plugin_with_portal());
    assert!(settle(&first.load(shared.clone())).await.is_ok());
    assert!(settle(&second.load(shared.clone())).await.is_ok());
    let messages = warnings.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("Register hubspotPlugin() once"), "{}", messages[0]);
    fresh_queue();
    for plugin in [&first, &second] {
        plugin.track(js("{ event: { event: 'Bought' } }"));
    }
    assert_eq!(queue("_hsq"), r#"[["trackCustomBehavioralEvent",{"name":"pe62515_bought","properties":{}}]]"#);
    // Another analytics instance is another matter.
    let third = plugin_with_portal();
    assert!(settle(&third.load(analytics("{}", "[]"))).await.is_ok());
    assert_eq!(warnings.messages().len(), 1);

    // Deregistered (analytics-next unloads it), the first gives its place to one registered after.
    first.unload(JsValue::UNDEFINED, shared.clone());
    let fourth = plugin_with_portal();
    assert!(settle(&fourth.load(shared.clone())).await.is_ok());
    assert_eq!(warnings.messages().len(), 1);
    fresh_queue();
    fourth.track(js("{ event: { event: 'Again' } }"));
    assert_eq!(queue("_hsq"), r#"[["trackCustomBehavioralEvent",{"name":"pe62515_again","properties":{}}]]"#);
}

#[wasm_bindgen_test]
async fn a_workspace_destination_analytics_does_not_run_is_no_reason_to_stand_aside() {
    // What the load-time switch leaves: the workspace's settings, without Segment's plugin.
    for workspace in [CLASSIC, ACTIONS] {
        clean_page();
        let warnings = Warnings::capture();
        let loaded = plugin("{}").load(analytics(workspace, "['Segment.io', 'hubspot-wasm', 'HubSpot Web']"));
        assert!(src("hs-script-loader").is_some(), "ours did not load");
        finish(&loaded).await;
        assert_eq!(warnings.containing("Segment's"), Vec::<String>::new());
    }
}

#[wasm_bindgen_test]
async fn segments_classic_code_already_on_the_page_is_found_too() {
    clean_page();
    plant(r#"<script id="hs-analytics" type="text/plain"></script>"#);
    let warnings = Warnings::capture();
    let loaded = plugin_with_portal().load(analytics("{}", "[]"));
    assert_eq!(state(&loaded).await, "resolved");
    assert_eq!(warnings.containing("integrations: { HubSpot: false, 'hubspot-wasm': true }").len(), 1);
    run("document.getElementById('hs-analytics').remove()");
}

#[cfg(feature = "form-submissions")]
/// The calls a form submission made on the stand-in analytics, as canonical JSON.
fn calls(analytics: &JsValue) -> String {
    canonical(&js_sys::Reflect::get(analytics, &"calls".into()).unwrap())
}

#[cfg(feature = "form-submissions")]
const KEPT_FROM_HUBSPOT: &str =
    r#"{"integrations":{"HubSpot":false,"HubSpot Web (Actions)":false,"hubspot-wasm":false}}"#;

#[cfg(feature = "form-submissions")]
#[wasm_bindgen_test]
async fn legacy_form_submissions_become_form_submitted() {
    clean_page();
    start_tracker();
    let analytics = analytics("{}", "[]");
    let plugin = plugin(
        "{ portalId: '62515', trackFormSubmissions: true, formFields: ['firstname'], identifyFormSubmitters: true }",
    );
    assert!(settle(&plugin.load(analytics.clone())).await.is_ok());
    let message = "{ type: 'hsFormCallback', id: 'f-1', data: { submissionValues: { email: ' ada@example.com ', firstname: 'Ada', message: 'private' } } }";
    // Only onFormSubmitted counts: onFormSubmit comes before HubSpot accepted the submission.
    run(&format!("window.postMessage({{ eventName: 'onFormSubmit', ...{message} }}, '*'); window.postMessage({{ eventName: 'onFormSubmitted', ...{message} }}, '*');"));
    sleep(50).await;
    assert_eq!(
        calls(&analytics),
        format!(
            r#"[["identify",{{"email":"ada@example.com"}},{KEPT_FROM_HUBSPOT}],["track","Form Submitted",{{"firstname":"Ada","form_id":"f-1"}},{KEPT_FROM_HUBSPOT}]]"#
        )
    );
    assert!(!calls(&analytics).contains("private"));
}

#[cfg(feature = "form-submissions")]
#[wasm_bindgen_test]
async fn newer_embed_submissions_become_form_submitted() {
    clean_page();
    start_tracker();
    run("window.HubSpotFormsV4 = { getFormFromEvent: (event) => ({ getFormFieldValues: () => Promise.resolve([
        { name: '0-1/email', value: 'bo@example.com' }, { name: '0-1/firstname', value: 'Bo' }, { name: '0-1/message', value: 'private' }]) }) };");
    let success = "window.dispatchEvent(new CustomEvent('hs-form-event:on-submission:success', { detail: { formId: 'f-2', instanceId: 'i-2' } }))";

    // By default: the form and nothing of its fields, no identify.
    let quiet = analytics("{}", "[]");
    assert!(settle(&plugin("{ portalId: '62515', trackFormSubmissions: true }").load(quiet.clone())).await.is_ok());
    // Asked for a field and the email.
    let asked = analytics("{}", "[]");
    let settings = "{ portalId: '62515', trackFormSubmissions: true, formFields: ['firstname', 'phone'], identifyFormSubmitters: true }";
    assert!(settle(&plugin(settings).load(asked.clone())).await.is_ok());
    // Not asked to forward at all.
    let off = analytics("{}", "[]");
    assert!(settle(&plugin_with_portal().load(off.clone())).await.is_ok());

    run(success);
    sleep(50).await;
    assert_eq!(calls(&quiet), format!(r#"[["track","Form Submitted",{{"form_id":"f-2"}},{KEPT_FROM_HUBSPOT}]]"#));
    assert_eq!(
        calls(&asked),
        format!(
            r#"[["identify",{{"email":"bo@example.com"}},{KEPT_FROM_HUBSPOT}],["track","Form Submitted",{{"firstname":"Bo","form_id":"f-2"}},{KEPT_FROM_HUBSPOT}]]"#
        )
    );
    assert_eq!(calls(&off), "[]");

    // The form's values cannot be had: the submission still goes, without them.
    run("window.HubSpotFormsV4 = { getFormFromEvent: () => ({ getFormFieldValues: () => Promise.reject(new Error('gone')) }) };");
    run(&success.replace("f-2", "f-3"));
    sleep(50).await;
    assert!(
        calls(&asked).ends_with(&format!(r#"["track","Form Submitted",{{"form_id":"f-3"}},{KEPT_FROM_HUBSPOT}]]"#)),
        "{}",
        calls(&asked)
    );
    run("delete window.HubSpotFormsV4");
}

#[cfg(feature = "form-submissions")]
#[wasm_bindgen_test]
async fn announcements_from_other_frames_or_without_a_form_are_ignored() {
    clean_page();
    start_tracker();
    let analytics = analytics("{}", "[]");
    assert!(settle(&plugin("{ portalId: '62515', trackFormSubmissions: true }").load(analytics.clone())).await.is_ok());
    run("window.dispatchEvent(new MessageEvent('message', { origin: 'https://evil.example',
            data: { type: 'hsFormCallback', eventName: 'onFormSubmitted', id: 'forged', data: {} } }));
         window.postMessage({ type: 'hsFormCallback', eventName: 'onFormSubmitted', data: {} }, '*');
         window.postMessage('hsFormCallback', '*');
         window.dispatchEvent(new CustomEvent('hs-form-event:on-submission:success'));");
    sleep(50).await;
    assert_eq!(calls(&analytics), "[]");
}
