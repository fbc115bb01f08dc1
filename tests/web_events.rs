//! Events through the real wasm: events in as analytics-next's `ctx`, commands out on
//! `window._hsq` / `window._hsp` as the JS values HubSpot reads (numbers as numbers, in order).
//! Queues are read back as JSON with sorted object keys (see [`canonical`]).
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::{Function, Reflect};
use support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// 2024-01-15T10:00:00Z in milliseconds since the epoch.
const JAN_15: &str = "1705312800000";

#[wasm_bindgen_test]
fn identify_is_held_until_the_next_track_and_goes_first() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.identify(js("{ event: { userId: 'u1', traits: { email: 'a@b.co', firstName: ' Peter\\u200b ', plan: { name: 'pro' }, tags: ['a', 'b'] } } }"));
    assert_eq!(queue("_hsq"), "[]", "identify alone sends nothing");

    plugin.track(js("{ event: { event: 'Bought', properties: { revenue: 49.5, id: 'sku-1' } } }"));
    assert_eq!(
        queue("_hsq"),
        r#"[["identify",{"email":"a@b.co","firstname":"Peter","id":"u1","plan_name":"pro","tags":"a;b"}],["trackCustomBehavioralEvent",{"name":"pe62515_bought","properties":{"id":"sku-1","revenue":49.5}}]]"#
    );
    assert_eq!(js("typeof window._hsq[1][1].properties.revenue"), JsValue::from("number"));

    fresh_queue();
    plugin.track(js("{ event: { event: 'Again' } }"));
    assert_eq!(
        queue("_hsq"),
        r#"[["trackCustomBehavioralEvent",{"name":"pe62515_again","properties":{}}]]"#,
        "the identity went once"
    );
}

#[wasm_bindgen_test]
fn identifies_merge_until_sent_later_values_winning() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.identify(js("{ event: { traits: { email: 'a@b.co', plan: 'free', city: 'Oslo' } } }"));
    plugin.identify(js("{ event: { traits: { email: 'a@b.co', plan: 'pro' } } }"));
    plugin.identify(js("{ event: { traits: { firstName: 'No Email' } } }")); // no email: ignored
    plugin.page(js("{ event: { properties: { path: '/' } } }"));
    assert_eq!(queue("_hsq"), r#"[["identify",{"city":"Oslo","email":"a@b.co","plan":"pro"}],["setPath","/"]]"#);
}

#[wasm_bindgen_test]
fn an_email_shaped_user_id_is_the_email() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.identify(js("{ event: { userId: 'opaque-42', traits: { plan: 'pro' } } }"));
    plugin.identify(js("{ event: { userId: 'ann@b.co' } }"));
    plugin.track(js("{ event: { event: 'E' } }"));
    assert_eq!(
        queue("_hsq"),
        r#"[["identify",{"email":"ann@b.co","id":"ann@b.co"}],["trackCustomBehavioralEvent",{"name":"pe62515_e","properties":{}}]]"#
    );
}

#[wasm_bindgen_test]
fn flush_identify_immediately_sends_it_with_a_page_view() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515', flushIdentifyImmediately: true }");
    plugin.identify(js("{ event: { traits: { email: 'a@b.co' } } }"));
    assert_eq!(queue("_hsq"), r#"[["identify",{"email":"a@b.co"}],["trackPageView"]]"#);
}

#[wasm_bindgen_test]
fn the_first_page_is_skipped_but_sends_held_identity_later_pages_set_the_path() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.identify(js("{ event: { traits: { email: 'a@b.co' } } }"));
    plugin.page(js("{ event: { properties: { path: '/', search: '' } } }"));
    assert_eq!(
        queue("_hsq"),
        r#"[["identify",{"email":"a@b.co"}],["setPath","/"]]"#,
        "HubSpot counts the first view itself"
    );

    fresh_queue();
    plugin.page(js("{ event: { properties: { path: '/pricing', search: '?plan=pro' } } }"));
    plugin.page(js("{ event: { properties: { path: '/docs', search: 'q=1' } } }"));
    assert_eq!(
        queue("_hsq"),
        r#"[["setPath","/pricing?plan=pro"],["trackPageView"],["setPath","/docs?q=1"],["trackPageView"]]"#
    );
}

#[wasm_bindgen_test]
fn track_initial_page_view_forwards_the_first_page_from_the_location() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515', trackInitialPageView: true }");
    plugin.page(js("{ event: { type: 'page' } }"));
    let location = web_sys::window().unwrap().location();
    let path = location.pathname().unwrap() + &location.search().unwrap();
    assert_eq!(queue("_hsq"), format!(r#"[["setPath","{path}"],["trackPageView"]]"#));
}

#[wasm_bindgen_test]
fn track_sends_numbers_and_dates_as_numbers() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.track(js(
        "{ event: { event: ' Ordered ', properties: { revenue: 49.5, quantity: 3, at: new Date(Date.UTC(2024, 0, 15, 10)),
           iso: '2024-01-15T10:00:00Z', day: '2024-01-15', note: ' gift\\u200b ', paid: true } } }",
    ));
    assert_eq!(
        queue("_hsq"),
        format!(
            r#"[["trackCustomBehavioralEvent",{{"name":"pe62515_ordered","properties":{{"at":{JAN_15},"day":1705276800000,"iso":{JAN_15},"note":"gift","paid":true,"quantity":3,"revenue":49.5}}}}]]"#
        )
    );
    for key in ["revenue", "quantity", "at", "iso"] {
        assert_eq!(js(&format!("typeof window._hsq[0][1].properties.{key}")), JsValue::from("number"), "{key}");
    }
}

#[wasm_bindgen_test]
fn identify_dates_become_epoch_milliseconds() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.identify(js("{ event: { traits: { email: 'a@b.co', offerDate: new Date(Date.UTC(2024, 0, 15, 10)), signedUp: '2024-01-15T12:00:00+02:00', bad: new Date(NaN) } } }"));
    plugin.track(js("{ event: { event: 'E' } }"));
    assert_eq!(
        queue("_hsq"),
        format!(
            r#"[["identify",{{"email":"a@b.co","offerdate":{JAN_15},"signedup":{JAN_15}}}],["trackCustomBehavioralEvent",{{"name":"pe62515_e","properties":{{}}}}]]"#
        )
    );
}

#[wasm_bindgen_test]
fn custom_behavioral_events_get_hubspots_internal_names() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515', customBehavioralEvents: true }");
    plugin.track(js("{ event: { event: 'Video Played', properties: { 'Duration Seconds': 12.5, plan: { name: 'pro' }, at: new Date(Date.UTC(2024, 0, 15, 10)) } } }"));
    plugin.track(js("{ event: { event: 'pe62515_already_named', properties: {} } }"));
    plugin.track(js("{ event: { event: 'Checkout.Step  Done' } }"));
    assert_eq!(
        queue("_hsq"),
        format!(
            r#"[["trackCustomBehavioralEvent",{{"name":"pe62515_video_played","properties":{{"at":{JAN_15},"duration_seconds":12.5,"plan_name":"pro"}}}}],["trackCustomBehavioralEvent",{{"name":"pe62515_already_named","properties":{{}}}}],["trackCustomBehavioralEvent",{{"name":"pe62515_checkout_step_done","properties":{{}}}}]]"#
        )
    );
}

#[wasm_bindgen_test]
fn custom_events_keep_hubspots_fifty_properties_and_say_which_were_dropped() {
    tracker_page();
    let warnings = Warnings::capture();
    let plugin = plugin("{ portalId: '62515', customBehavioralEvents: true }");
    plugin.track(js("{ event: { event: 'Big', properties: Object.fromEntries(Array.from({ length: 52 }, (_, i) => ['p' + i, i])) } }"));
    assert_eq!(js("Object.keys(window._hsq[0][1].properties).length"), JsValue::from(50));
    let messages = warnings.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("p50") && messages[0].contains("p51"), "{}", messages[0]);
}

#[wasm_bindgen_test]
fn track_context_traits_with_an_email_identify_first() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.track(js(
        "{ event: { event: 'Signed Up', userId: 'u9', context: { traits: { email: 'ctx@b.co', lastName: 'Lee' } } } }",
    ));
    assert_eq!(
        queue("_hsq"),
        r#"[["identify",{"email":"ctx@b.co","id":"u9","lastname":"Lee"}],["trackCustomBehavioralEvent",{"name":"pe62515_signed_up","properties":{}}]]"#
    );
}

#[wasm_bindgen_test]
fn calls_arrive_in_order() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.page(js("{ event: { properties: { path: '/first' } } }")); // HubSpot's own first view: its path
    let mut expected = vec![r#"["setPath","/first"]"#.to_string()];
    for i in 0..200 {
        match i % 3 {
            0 => {
                plugin.track(js(&format!("{{ event: {{ event: 'E{i}' }} }}")));
                expected.push(format!(r#"["trackCustomBehavioralEvent",{{"name":"pe62515_e{i}","properties":{{}}}}]"#));
            }
            1 => {
                plugin.identify(js(&format!("{{ event: {{ traits: {{ email: 'u{i}@b.co' }} }} }}")));
            }
            _ => {
                plugin.page(js(&format!("{{ event: {{ properties: {{ path: '/p{i}' }} }} }}")));
                expected.push(format!(r#"["identify",{{"email":"u{}@b.co"}}]"#, i - 1));
                expected.push(format!(r#"["setPath","/p{i}"]"#));
                expected.push(r#"["trackPageView"]"#.into());
            }
        }
    }
    assert_eq!(queue("_hsq"), format!("[{}]", expected.join(",")));
}

#[wasm_bindgen_test]
fn do_not_track_opts_out_and_only_an_explicit_false_opts_back_in() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    for (argument, command) in [
        (JsValue::UNDEFINED, r#"["doNotTrack"]"#),
        (JsValue::TRUE, r#"["doNotTrack"]"#),
        (JsValue::FALSE, r#"["doNotTrack",{"track":true}]"#),
        (JsValue::NULL, r#"["doNotTrack"]"#),
        (JsValue::from(0), r#"["doNotTrack"]"#),
        (JsValue::from("false"), r#"["doNotTrack"]"#),
    ] {
        fresh_queue();
        plugin.do_not_track(argument.clone());
        assert_eq!(queue("_hsq"), format!("[{command}]"), "doNotTrack({argument:?})");
    }
    // And from JS with no argument at all, as a page would call it.
    fresh_queue();
    let plugin: JsValue = plugin.into();
    assert!(call(&plugin, "doNotTrack", &[]).is_ok());
    assert_eq!(queue("_hsq"), r#"[["doNotTrack"]]"#);
}

#[wasm_bindgen_test]
fn cookie_consent_goes_to_the_privacy_queue() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.revoke_cookie_consent();
    plugin.set_consent(js("{ analytics: true, advertisement: false, functionality: 'yes', marketing: true, __proto__: { analytics: false } }"));
    plugin.set_consent(js("{ functionality: true, analytics: 1 }"));
    plugin.set_consent(JsValue::NULL);
    assert_eq!(
        queue("_hsp"),
        r#"[["revokeCookieConsent"],["setHubSpotConsent",{"advertisement":false,"analytics":true}],["setHubSpotConsent",{"functionality":true}],["setHubSpotConsent",{}]]"#
    );
    assert_eq!(queue("_hsq"), "[]", "consent is not a tracking command");
}

#[wasm_bindgen_test]
fn unload_drops_held_traits() {
    tracker_page();
    let plugin = plugin("{ portalId: '62515' }");
    plugin.identify(js("{ event: { traits: { email: 'first@b.co' } } }"));
    plugin.unload(JsValue::UNDEFINED, JsValue::UNDEFINED);
    plugin.track(js("{ event: { event: 'E' } }"));
    assert_eq!(queue("_hsq"), r#"[["trackCustomBehavioralEvent",{"name":"pe62515_e","properties":{}}]]"#);
}

#[wasm_bindgen_test]
async fn analytics_reset_drops_held_traits() {
    tracker_page(); // so load() resolves at once, with nothing injected
                    // analytics-next's emitter, as far as the plugin uses it.
    let analytics = js("{ handlers: [], on(name, handler) { this.handlers.push([name, handler]); } }");
    let emit = Function::new_with_args(
        "analytics, name",
        "analytics.handlers.filter(([n]) => n === name).forEach(([, handler]) => handler())",
    );
    let plugin = plugin("{ portalId: '62515' }");
    let loaded = plugin.load(analytics.clone());
    let _ = plugin.load(analytics.clone());
    assert!(settle(&loaded).await.is_ok());
    assert_eq!(
        canonical(&Reflect::get(&analytics, &"handlers".into()).unwrap()),
        r#"[["reset",null]]"#,
        "subscribed once, to reset"
    );

    plugin.identify(js("{ event: { traits: { email: 'first-user@b.co' } } }"));
    emit.call2(&JsValue::UNDEFINED, &analytics, &"reset".into()).unwrap();
    plugin.track(js("{ event: { event: 'Next User Event' } }"));
    // The reset is a function entry, which HubSpot runs with its tracker: a new visitor.
    assert_eq!(js("typeof window._hsq[0]"), JsValue::from("function"));
    run("window.__resets = 0; window._hsq[0]({ resetVisitor() { window.__resets += 1; } }); window._hsq[0]({});");
    assert_eq!(js("window.__resets"), JsValue::from(1), "resetVisitor called, and a tracker without it is fine");
    assert_eq!(
        canonical(&js("window._hsq.slice(1)")),
        r#"[["trackCustomBehavioralEvent",{"name":"pe62515_next_user_event","properties":{}}]]"#,
        "one user's identity rode the next one's event"
    );
}

#[wasm_bindgen_test]
async fn analytics_reset_still_works_once_the_plugin_is_gone() {
    tracker_page();
    let analytics = js("{ handlers: [], on(name, handler) { this.handlers.push([name, handler]); } }");
    let plugin = plugin("{ portalId: '62515' }");
    assert!(settle(&plugin.load(analytics.clone())).await.is_ok());
    // What wasm-bindgen's FinalizationRegistry does once the page lets go of the plugin (after
    // `analytics.deregister('HubSpot')`, say); analytics keeps the `reset` handler.
    drop(plugin);
    let reset = Function::new_with_args(
        "analytics",
        "try { analytics.handlers.forEach(([, handler]) => handler()); return 'ok'; } catch (error) { return String(error); }",
    );
    assert_eq!(reset.call1(&JsValue::UNDEFINED, &analytics).unwrap(), JsValue::from("ok"), "analytics.reset() throws");
}

#[wasm_bindgen_test]
async fn calls_made_before_hubspots_tracker_runs_reach_it_in_order_each_with_its_path_and_identity() {
    clean_page(); // no tracker yet
    let plugin = plugin("{ portalId: '62515' }");
    plugin.identify(js("{ event: { traits: { email: 'a@b.co' } } }"));
    plugin.page(js("{ event: { properties: { path: '/a', search: '' } } }"));
    plugin.track(js("{ event: { event: 'X' } }"));
    plugin.page(js("{ event: { properties: { path: '/b', search: '' } } }"));
    plugin.reset();
    plugin.identify(js("{ event: { traits: { email: 'b@b.co' } } }"));
    plugin.track(js("{ event: { event: 'Y' } }"));
    assert_eq!(js("window._hsq.length"), JsValue::from(1), "only the start-up entry waits in _hsq");
    assert_eq!(js("typeof window._hsq[0]"), JsValue::from("function"));

    run_hubspot_startup();
    assert_eq!(
        received(),
        r#"[["setPortalId",62515],["identify",{"email":"a@b.co"}],["setPath","/a"],["trackPageView"]]"#,
        "the first page's identity and path ride HubSpot's own page view"
    );
    sleep(10).await;
    assert_eq!(
        received(),
        concat!(
            r#"[["setPortalId",62515],["identify",{"email":"a@b.co"}],["setPath","/a"],["trackPageView"],"#,
            r#"["trackCustomBehavioralEvent",{"name":"pe62515_x","properties":{}}],["setPath","/b"],["trackPageView"],"#,
            r#"["resetVisitor"],["identify",{"email":"b@b.co"}],["trackCustomBehavioralEvent",{"name":"pe62515_y","properties":{}}]]"#
        ),
        "the rest after HubSpot's page view, in order"
    );
    plugin.track(js("{ event: { event: 'Z' } }"));
    assert!(
        received().ends_with(r#"["trackCustomBehavioralEvent",{"name":"pe62515_z","properties":{}}]]"#),
        "then straight to the tracker"
    );
}

#[wasm_bindgen_test]
async fn every_call_waits_for_a_tracker_on_its_way() {
    clean_page();
    let warnings = Warnings::capture();
    let plugin = plugin("{ portalId: '62515' }");
    for i in 0..2500 {
        plugin.track(js(&format!("{{ event: {{ event: 'E{i}' }} }}")));
    }
    assert_eq!(warnings.messages(), Vec::<String>::new());
    run_hubspot_startup();
    sleep(10).await;
    assert_eq!(
        js("window.__received.filter((c) => c[0] === 'trackCustomBehavioralEvent').map((c) => c[1].name).join()"),
        JsValue::from((0..2500).map(|i| format!("pe62515_e{i}")).collect::<Vec<_>>().join(",")),
        "all of them, in order"
    );
}

#[wasm_bindgen_test]
async fn at_most_a_thousand_calls_wait_for_a_tracker_that_did_not_start_in_time() {
    clean_page();
    // HubSpot's embed is on the page, but its tracker does not start.
    plant(r#"<script id="hs-script-loader" type="text/plain"></script>"#);
    let warnings = Warnings::capture();
    let plugin = plugin("{ portalId: '62515', loadTimeoutMs: 30 }");
    let loaded = plugin.load(JsValue::UNDEFINED);
    for i in 0..1005 {
        plugin.track(js(&format!("{{ event: {{ event: 'E{i}' }} }}")));
    }
    assert_eq!(warnings.containing("calls are waiting"), Vec::<String>::new(), "not while it may still come");
    assert!(settle(&loaded).await.is_ok());
    let messages = warnings.containing("calls are waiting");
    assert_eq!(messages.len(), 1, "{:?}", warnings.messages());
    assert!(messages[0].contains("1000 calls are waiting"), "{}", messages[0]);
    for i in 1005..1010 {
        plugin.track(js(&format!("{{ event: {{ event: 'E{i}' }} }}")));
    }
    assert_eq!(warnings.containing("calls are waiting").len(), 1, "warned once");
    run_hubspot_startup();
    sleep(10).await;
    assert_eq!(
        js("window.__received.filter((c) => c[0] === 'trackCustomBehavioralEvent').length"),
        JsValue::from(1000)
    );
    assert_eq!(
        js("window.__received.find((c) => c[0] === 'trackCustomBehavioralEvent')[1].name"),
        JsValue::from("pe62515_e10"),
        "the oldest were dropped"
    );
    run("document.getElementById('hs-script-loader').remove()");
}
