//! Hostile input through the real wasm: values only JavaScript can make (Proxies whose traps
//! throw, throwing getters, cycles, BigInts, symbols, a megabyte string, ten thousand keys, keys
//! aimed at prototypes). Every method is called from JavaScript, as a page calls it: it must
//! return `ctx` without throwing, push only well-formed commands, leave every prototype alone,
//! warn at most once per kind of problem, and the next well-formed call must still be delivered
//! (a trap or a `RefCell` left borrowed would break it).
#![cfg(target_arch = "wasm32")]

mod support;

use hubspot_wasm::browser::HubSpotPlugin;
use hubspot_wasm::settings::SettingsError;
use js_sys::{Array, Function};
use support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// (group, alias and screen are the package entry's own: HubSpot has no such calls.)
const EVENT_METHODS: [&str; 3] = ["page", "identify", "track"];

/// Defines the page-side helpers the cases are written with.
fn install_helpers() {
    run(r#"
        // A Proxy every one of whose traps throws.
        window.trap = () => new Proxy({}, Object.fromEntries(
          ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'set', 'apply']
            .map((name) => [name, () => { throw new Error(`trap ${name}`); }])));
        window.revoked = () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; };
        window.protoShape = () => [Object.prototype, Array.prototype, Function.prototype, String.prototype]
          .map((p) => Reflect.ownKeys(p).map(String).join()).join('|');
    "#);
}

/// A plugin as JavaScript holds it.
fn js_plugin(settings: &str) -> JsValue {
    plugin(settings).into()
}

/// `plugin[method](ctx)` from JS: it must not throw and must return `ctx` itself.
fn send(plugin: &JsValue, method: &str, ctx: &JsValue) {
    let returned =
        call(plugin, method, std::slice::from_ref(ctx)).unwrap_or_else(|error| panic!("{method} threw: {error}"));
    assert!(same(&returned, ctx), "{method} did not return its ctx");
}

/// Every command on `_hsq` and `_hsp` is a known HubSpot command made of plain data: plain
/// objects and arrays, finite numbers, no key that reaches a prototype.
fn assert_well_formed() {
    let check = Function::new_no_args(
        r#"
        const known = ['identify', 'setPath', 'trackPageView', 'trackEvent', 'trackCustomBehavioralEvent',
                       'doNotTrack', 'revokeCookieConsent', 'setHubSpotConsent'];
        const problems = [];
        const plain = (v, at) => {
          if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
          if (typeof v === 'number') { if (!Number.isFinite(v)) problems.push(`${at}: ${v}`); return; }
          if (typeof v !== 'object') return void problems.push(`${at}: a ${typeof v}`);
          const proto = Object.getPrototypeOf(v);
          if (proto !== Object.prototype && proto !== Array.prototype) problems.push(`${at}: not a plain object`);
          for (const key of Reflect.ownKeys(v)) {
            if (typeof key === 'symbol') { problems.push(`${at}: a symbol key`); continue; }
            if (['__proto__', 'constructor', 'prototype'].includes(key)) problems.push(`${at}: key ${key}`);
            if (!(Array.isArray(v) && key === 'length')) plain(v[key], `${at}.${key.slice(0, 30)}`);
          }
        };
        for (const name of ['_hsq', '_hsp']) {
          (window[name] ?? []).forEach((command, i) => {
            if (!Array.isArray(command) || !known.includes(command[0])) problems.push(`${name}[${i}]: not a HubSpot command`);
            plain(command, `${name}[${i}]`);
          });
        }
        return problems;
        "#,
    );
    let problems: Array = check.call0(&JsValue::UNDEFINED).unwrap().into();
    assert_eq!(problems.length(), 0, "{}", canonical(&problems));
}

/// The next well-formed call is delivered, last on `_hsq`.
fn assert_still_works(plugin: &JsValue) {
    send(plugin, "track", &js("{ event: { event: 'Still Works' } }"));
    let last = canonical(&js("window._hsq.at(-1)"));
    let legacy = r#"["trackEvent",{"id":"Still Works"}]"#;
    let custom = r#"["trackCustomBehavioralEvent",{"name":"pe62515_still_works","properties":{}}]"#;
    assert!(last == legacy || last == custom, "the next call was not delivered: {last}");
}

/// Sends `ctx` (a JS expression, evaluated afresh for each call) to every event method of a
/// plugin of each kind, checking the plugin's promises after each call.
fn through_every_method(ctx: &str) {
    install_helpers();
    let shape = js("protoShape()");
    for settings in
        ["{ portalId: '62515' }", "{ portalId: '62515', customBehavioralEvents: true, flushIdentifyImmediately: true }"]
    {
        let plugin = js_plugin(settings);
        for method in EVENT_METHODS {
            fresh_queue();
            let warnings = Warnings::capture();
            send(&plugin, method, &js(ctx));
            assert_well_formed();
            warnings.assert_no_repeats();
            drop(warnings);
            assert_still_works(&plugin);
        }
    }
    assert_eq!(js("protoShape()"), shape, "a built-in prototype changed");
    assert!(js("({}).polluted === undefined && [].polluted === undefined").is_truthy());
}

/// Sends `traits` in an identify, then a track: the identify command that went with it.
fn identify_then_track(plugin: &JsValue, traits: &str) -> String {
    fresh_queue();
    send(plugin, "identify", &js(&format!("{{ event: {{ traits: {traits} }} }}")));
    send(plugin, "track", &js("{ event: { event: 'E' } }"));
    assert_well_formed();
    canonical(&js("window._hsq.find(([name]) => name === 'identify') ?? null"))
}

/// Sends `properties` in a track: its `trackCustomBehavioralEvent` command.
fn track_properties(plugin: &JsValue, properties: &str) -> String {
    fresh_queue();
    send(plugin, "track", &js(&format!("{{ event: {{ event: 'E', properties: {properties} }} }}")));
    assert_well_formed();
    canonical(&js("window._hsq.at(-1)"))
}

#[wasm_bindgen_test]
async fn proxies_whose_traps_throw() {
    tracker_page();
    for ctx in [
        "trap()",
        "{ event: trap() }",
        "{ event: { event: 'E', userId: trap(), traits: trap(), properties: trap(), context: trap() } }",
        "{ event: { event: trap(), traits: { email: 'a@b.co', nested: trap() } } }",
        "revoked()",
        "{ event: { event: 'E', traits: revoked(), properties: { inner: revoked() } } }",
    ] {
        through_every_method(ctx);
    }

    // What can be read is kept.
    let plugin = js_plugin("{ portalId: '62515' }");
    assert_eq!(
        identify_then_track(&plugin, "{ email: 'a@b.co', company: trap(), plan: 'pro' }"),
        r#"["identify",{"email":"a@b.co","plan":"pro"}]"#
    );

    // The consent methods and the constructor take them too.
    let warnings = Warnings::capture();
    for method in ["setConsent", "doNotTrack"] {
        call(&plugin, method, &[js("trap()")]).unwrap_or_else(|error| panic!("{method} threw: {error}"));
    }
    assert_eq!(queue("_hsp"), r#"[["setHubSpotConsent",{}]]"#);
    assert_eq!(canonical(&js("window._hsq.at(-1)")), r#"["doNotTrack"]"#, "a Proxy is not `false`: still opted out");
    // Settings that cannot be read are no settings: no portal, which load() says.
    let unreadable = HubSpotPlugin::new(&js("trap()")).unwrap_or_else(|e| panic!("{}", message(e)));
    let refused = settle(&unreadable.load(JsValue::UNDEFINED)).await.expect_err("load() resolved without a portal");
    let message = js_sys::Reflect::get(&refused, &"message".into()).unwrap();
    assert_eq!(message.as_string(), Some(SettingsError::NoPortalId.message()));
    drop(warnings);
    assert_still_works(&plugin);
}

#[wasm_bindgen_test]
fn getters_that_throw() {
    tracker_page();
    through_every_method("{ event: { event: 'E', get userId() { throw new Error('getter') }, traits: { email: 'a@b.co', get plan() { throw 1 } } } }");
    through_every_method("{ get event() { throw new Error('getter') } }");
    through_every_method(
        "{ event: { event: 'E', properties: { toJSON() { throw new Error('toJSON') }, sku: 'A-1' } } }",
    );

    let warnings = Warnings::capture();
    let plugin = js_plugin("{ portalId: '62515' }");
    assert_eq!(
        identify_then_track(&plugin, "{ email: 'a@b.co', get company() { throw new Error('boom') }, plan: 'pro' }"),
        r#"["identify",{"email":"a@b.co","plan":"pro"}]"#
    );
    assert_eq!(warnings.containing("could not be read").len(), 1, "{:?}", warnings.messages());
    drop(warnings);
    assert_still_works(&plugin);
}

#[wasm_bindgen_test]
fn cyclic_objects() {
    tracker_page();
    through_every_method("(() => { const traits = { email: 'a@b.co' }; traits.self = traits; const list = [1]; list.push(list); return { event: { event: 'E', traits, properties: { list, traits } } }; })()");
    through_every_method("(() => { const ctx = { event: { event: 'E' } }; ctx.event.ctx = ctx; ctx.event.properties = ctx; return ctx; })()");

    let plugin = js_plugin("{ portalId: '62515' }");
    let warnings = Warnings::capture();
    assert_eq!(
        identify_then_track(&plugin, "(() => { const t = { email: 'a@b.co', plan: 'pro' }; t.self = t; return t; })()"),
        r#"["identify",{"email":"a@b.co","plan":"pro"}]"#
    );
    // A value met twice is no cycle: both places keep it.
    assert_eq!(
        identify_then_track(&plugin, "(() => { const shared = { name: 'x' }; const t = { email: 'a@b.co', a: shared, b: shared }; t.self = t; return t; })()"),
        r#"["identify",{"a_name":"x","b_name":"x","email":"a@b.co"}]"#
    );
    drop(warnings);
    assert_still_works(&plugin);
}

#[wasm_bindgen_test]
fn a_megabyte_string() {
    tracker_page();
    install_helpers();
    run("window.megabyte = 'x'.repeat(1 << 20);");
    through_every_method("{ event: { event: megabyte, userId: megabyte, traits: { email: 'a@b.co', bio: megabyte }, properties: { bio: megabyte } } }");

    let plugin = js_plugin("{ portalId: '62515' }");
    identify_then_track(&plugin, "{ email: 'a@b.co', bio: megabyte }");
    assert!(js("window._hsq[0][1].bio === megabyte").is_truthy(), "the trait was not delivered whole");
    run("delete window.megabyte;");
}

#[wasm_bindgen_test]
fn ten_thousand_keys() {
    tracker_page();
    install_helpers();
    run("window.manyKeys = (first) => Object.assign(first, Object.fromEntries(Array.from({ length: 10000 }, (_, i) => ['k' + i, i])));");
    through_every_method("{ event: { event: 'E', traits: manyKeys({ email: 'a@b.co' }), properties: manyKeys({}) } }");

    let warnings = Warnings::capture();
    let plugin = js_plugin("{ portalId: '62515' }");
    fresh_queue();
    send(&plugin, "identify", &js("{ event: { userId: 'u1', traits: manyKeys({ email: 'a@b.co' }) } }"));
    send(&plugin, "track", &js("{ event: { event: 'Many', properties: manyKeys({}) } }"));
    let (identify, track) = (js("window._hsq[0][1]"), js("window._hsq[1][1].properties"));
    let keys = Function::new_with_args("o", "return Object.keys(o).length");
    for (what, properties, must_have, most) in
        [("identify", &identify, ["email", "id"], 1000.0), ("trackCustomBehavioralEvent", &track, ["k0", "k49"], 50.0)]
    {
        let n = keys.call1(&JsValue::UNDEFINED, properties).unwrap().as_f64().unwrap();
        assert!(n > 0.0 && n <= most, "{what} pushed {n} properties");
        for key in must_have {
            assert!(js_sys::Reflect::has(properties, &key.into()).unwrap(), "{what} lost {key}");
        }
    }
    assert_eq!(warnings.containing("properties past 1000").len(), 2, "one per call: {:?}", warnings.messages());
    drop(warnings);
    assert_still_works(&plugin);
    run("delete window.manyKeys;");
}

#[wasm_bindgen_test]
fn bigints_become_decimal_strings() {
    tracker_page();
    through_every_method(
        "{ event: { event: 'E', userId: 10n, traits: { email: 'a@b.co', big: 2n ** 70n }, properties: { big: -5n } } }",
    );

    let plugin = js_plugin("{ portalId: '62515' }");
    assert_eq!(
        identify_then_track(&plugin, "{ email: 'a@b.co', big: 12345678901234567890n, list: [1n, 2n] }"),
        r#"["identify",{"big":"12345678901234567890","email":"a@b.co","list":"1;2"}]"#
    );
    assert_eq!(
        track_properties(&plugin, "{ n: 2n ** 70n, revenue: 3n }"),
        r#"["trackCustomBehavioralEvent",{"name":"pe62515_e","properties":{"n":"1180591620717411303424","revenue":"3"}}]"#
    );
    assert_still_works(&plugin);
}

#[wasm_bindgen_test]
fn symbols_and_functions_are_dropped() {
    tracker_page();
    through_every_method(
        "{ event: { event: Symbol('e'), traits: { email: 'a@b.co', s: Symbol('x'), f() {} }, properties: () => 1 } }",
    );

    let plugin = js_plugin("{ portalId: '62515' }");
    let traits = "{ email: 'a@b.co', s: Symbol('x'), f() {}, u: undefined, [Symbol('key')]: 1, plan: 'pro' }";
    assert_eq!(identify_then_track(&plugin, traits), r#"["identify",{"email":"a@b.co","plan":"pro"}]"#);
    // The same through the careful walk (a BigInt makes JSON.stringify throw).
    let traits = "{ email: 'a@b.co', s: Symbol('x'), f() {}, u: undefined, [Symbol('key')]: 1, plan: 'pro', n: 1n }";
    assert_eq!(identify_then_track(&plugin, traits), r#"["identify",{"email":"a@b.co","n":"1","plan":"pro"}]"#);
    assert_eq!(
        track_properties(&plugin, "{ s: Symbol('x'), f() {}, list: [Symbol('y'), () => 1, 2], n: 1n }"),
        r#"["trackCustomBehavioralEvent",{"name":"pe62515_e","properties":{"list":"2","n":"1"}}]"#
    );
    assert_still_works(&plugin);
}

#[wasm_bindgen_test]
fn the_careful_walk_reads_values_as_json_does() {
    tracker_page();
    let plugin = js_plugin("{ portalId: '62515' }");
    // Values that define their JSON form: a URL (toJSON), boxed primitives, a class with toJSON.
    let values = "site: new URL('https://example.com/x'), plan: new String('pro'), seats: new Number(3), paid: new Boolean(true),
                  price: { toJSON() { return '9.99'; } }";
    let expected = r#"["identify",{"email":"a@b.co","paid":true,"plan":"pro","price":"9.99","seats":3,"site":"https://example.com/x"}]"#;
    assert_eq!(
        identify_then_track(&plugin, &format!("{{ email: 'a@b.co', {values} }}")),
        expected,
        "through JSON.stringify"
    );
    // A BigInt elsewhere in the traits makes JSON.stringify throw: the walk must read the others alike.
    let expected = r#"["identify",{"email":"a@b.co","n":"1","paid":true,"plan":"pro","price":"9.99","seats":3,"site":"https://example.com/x"}]"#;
    assert_eq!(
        identify_then_track(&plugin, &format!("{{ email: 'a@b.co', n: 1n, {values} }}")),
        expected,
        "through the careful walk"
    );
}

#[wasm_bindgen_test]
fn date_objects_become_epoch_milliseconds_on_both_paths() {
    tracker_page();
    let plugin = js_plugin("{ portalId: '62515' }");
    let dates = "at: new Date(Date.UTC(2024, 0, 15, 10)), bad: new Date(NaN)";
    let expected = r#"["identify",{"at":1705312800000,"email":"a@b.co"}]"#;
    assert_eq!(identify_then_track(&plugin, &format!("{{ email: 'a@b.co', {dates} }}")), expected);
    // With a BigInt, JSON.stringify throws and the walk reads the Dates.
    let expected = r#"["identify",{"at":1705312800000,"email":"a@b.co","n":"1"}]"#;
    assert_eq!(identify_then_track(&plugin, &format!("{{ email: 'a@b.co', n: 1n, {dates} }}")), expected);
    assert_eq!(
        track_properties(&plugin, &format!("{{ n: 1n, {dates} }}")),
        r#"["trackCustomBehavioralEvent",{"name":"pe62515_e","properties":{"at":1705312800000,"n":"1"}}]"#
    );
    assert_still_works(&plugin);
}

#[wasm_bindgen_test]
fn keys_aimed_at_prototypes_are_never_written() {
    tracker_page();
    install_helpers();
    run(
        r#"window.poison = () => JSON.parse('{"email":"a@b.co","plan":"pro","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"prototype":{"polluted":1},"nested":{"__proto__":{"polluted":1},"ok":1}}');"#,
    );
    through_every_method(
        "{ event: { event: 'E', traits: poison(), properties: poison(), context: { traits: poison() } } }",
    );
    // And through the careful walk.
    through_every_method("{ event: { event: 'E', traits: Object.assign(poison(), { n: 1n }), properties: Object.assign(poison(), { n: 1n }) } }");

    let plugin = js_plugin("{ portalId: '62515' }");
    // Properties are flattened under HubSpot's names (`__proto__` is none: `proto`), so the
    // dangerous keys only survive inside longer, harmless names.
    let warnings = Warnings::capture();
    let flat = r#"{"constructor_prototype_polluted":1,"email":"a@b.co","nested_ok":1,"nested_proto_polluted":1,"plan":"pro","proto_polluted":1,"prototype_polluted":1}"#;
    assert_eq!(identify_then_track(&plugin, "poison()"), format!(r#"["identify",{flat}]"#));
    assert_eq!(
        track_properties(&plugin, "poison()"),
        format!(r#"["trackCustomBehavioralEvent",{{"name":"pe62515_e","properties":{flat}}}]"#)
    );
    assert_eq!(
        warnings.containing(r#""__proto__" sent as "proto""#).len(),
        1,
        "once per page: {:?}",
        warnings.messages()
    );
    drop(warnings);
    // Through setConsent too.
    call(&plugin, "setConsent", &[js("JSON.parse('{\"analytics\":true,\"__proto__\":{\"advertisement\":true}}')")])
        .unwrap();
    assert_eq!(queue("_hsp"), r#"[["setHubSpotConsent",{"analytics":true}]]"#);
    assert!(js("Object.getPrototypeOf(window._hsp[0][1]) === Object.prototype").is_truthy());
    assert_still_works(&plugin);
    run("delete window.poison;");
}

#[wasm_bindgen_test]
fn malformed_ctx_and_events() {
    tracker_page();
    for ctx in [
        "null",
        "undefined",
        "42",
        "'text'",
        "{}",
        "[]",
        "{ event: null }",
        "{ event: [] }",
        "{ event: [{ event: 'E' }] }",
        "{ event: 'text' }",
        "{ event: { event: ['a'], userId: {}, traits: [1, 2], properties: 'text', context: [] } }",
        "{ event: { event: '   ', traits: null, properties: null } }",
        "{ event: { event: 'E', traits: { email: ['a@b.co'] }, properties: [1, 2, 3] } }",
    ] {
        through_every_method(ctx);
    }
}

#[wasm_bindgen_test]
fn deep_nesting() {
    tracker_page();
    install_helpers();
    run("window.deep = (levels) => { const root = {}; let at = root; for (let i = 0; i < levels; i++) at = at.a = {}; return root; };");
    // 2,000 levels: JSON.stringify copes and the parser stops at its depth limit; 200,000: JSON.stringify
    // overflows its stack and throws, and the careful walk stops at the same limit.
    for levels in [2_000, 200_000] {
        through_every_method(&format!("{{ event: {{ event: 'E', traits: Object.assign(deep({levels}), {{ email: 'a@b.co' }}), properties: deep({levels}) }} }}"));
    }
    let plugin = js_plugin("{ portalId: '62515' }");
    let warnings = Warnings::capture();
    assert_eq!(
        identify_then_track(&plugin, "Object.assign(deep(2000), { email: 'a@b.co' })"),
        r#"["identify",{"email":"a@b.co"}]"#
    );
    assert_eq!(warnings.containing("nested past 32 levels").len(), 1, "{:?}", warnings.messages());
    drop(warnings);
    run("delete window.deep;");
}

#[wasm_bindgen_test]
fn an_endless_object_made_by_getters() {
    tracker_page();
    // Every read makes two new children: no cycle to detect, no end to reach.
    run("window.endless = () => ({ get a() { return endless(); }, get b() { return endless(); } });");
    let plugin = js_plugin("{ portalId: '62515' }");
    send(&plugin, "identify", &js("{ event: { traits: Object.assign(endless(), { email: 'a@b.co' }) } }"));
    send(&plugin, "track", &js("{ event: { event: 'E', properties: endless() } }"));
    assert_well_formed();
    assert_still_works(&plugin);
    run("delete window.endless;");
}

#[wasm_bindgen_test]
fn the_callers_objects_are_never_modified() {
    tracker_page();
    run("window.deepFreeze = (o) => { Object.values(o).forEach((v) => v && typeof v === 'object' && deepFreeze(v)); return Object.freeze(o); };");
    let ctx = "{ event: { event: ' Bought ', userId: 'u1', properties: { revenue: 49.5, id: 'sku', path: '/p', at: new Date(0), nested: { a: [1, ' x '] } },
                 traits: { email: ' a@b.co ', firstName: 'Ann', company: { name: 'Acme' }, address: { city: 'Oslo' } },
                 context: { traits: { email: 'ctx@b.co' } } } }";
    for settings in [
        "{ portalId: '62515', trackInitialPageView: true }",
        "{ portalId: '62515', customBehavioralEvents: true, flushIdentifyImmediately: true }",
    ] {
        let plugin = js_plugin(settings);
        for method in EVENT_METHODS {
            // Frozen: a write would throw (modules are strict) or be lost.
            let frozen = js(&format!("deepFreeze({ctx})"));
            send(&plugin, method, &frozen);
            let plain = js(ctx);
            let before = canonical(&plain);
            send(&plugin, method, &plain);
            assert_eq!(canonical(&plain), before, "{method} changed its ctx");
        }
        assert_well_formed();
    }
    run("delete window.deepFreeze;");
}

#[wasm_bindgen_test]
fn a_page_whose_queue_and_console_throw() {
    tracker_page();
    let plugin = js_plugin("{ portalId: '62515' }");
    run("window.__warn = console.warn; console.warn = () => { throw new Error('console'); }; window._hsq = { push() { throw new Error('queue'); } };");
    // A track without a name warns, a track with one pushes: both throw inside; neither escapes.
    send(&plugin, "track", &js("{ event: { properties: {} } }"));
    send(&plugin, "track", &js("{ event: { event: 'E' } }"));
    call(&plugin, "doNotTrack", &[]).unwrap();
    run("console.warn = window.__warn; delete window.__warn;");
    fresh_queue();
    assert_still_works(&plugin);
}

#[wasm_bindgen_test]
async fn hostile_analytics_objects_do_not_break_load() {
    tracker_page();
    install_helpers();
    start_tracker(); // load() resolves at once, nothing injected
    for analytics in
        ["trap()", "revoked()", "{ on() { throw new Error('on'); } }", "{ on: 'not a function' }", "null", "42"]
    {
        let plugin = js_plugin("{ portalId: '62515' }");
        let loaded = call(&plugin, "load", &[js("trap()"), js(analytics)])
            .unwrap_or_else(|error| panic!("load({analytics}) threw: {error}"));
        assert!(settle(&loaded.dyn_into().expect("a Promise")).await.is_ok(), "load({analytics})");
        assert_still_works(&plugin);
    }
}
