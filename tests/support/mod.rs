//! Shared by the browser suites (`tests/web*.rs`). wasm-bindgen-test runs every test of a file in
//! one page, one after another, so each test starts with [`clean_page`]; JS values are written as
//! JS source ([`js`]), and what the plugin pushed is read back as canonical JSON ([`queue`]).
#![allow(dead_code)] // each suite uses its own share of these

use hubspot_wasm::browser::HubSpotPlugin;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsError, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The default script URLs for portal 62515, the one every suite uses.
pub const TRACKER_URL: &str = "https://js.hs-scripts.com/62515.js";
pub const FORMS_URL: &str = "https://js.hsforms.net/forms/embed/v2.js";

/// The value of a JS expression, e.g. `js("{ event: { event: 'Bought' } }")`.
pub fn js(expression: &str) -> JsValue {
    js_sys::eval(&format!("({expression})")).unwrap_or_else(|e| panic!("{expression}: {e:?}"))
}

/// Runs JS statements for their effect on the page.
pub fn run(statements: &str) {
    Function::new_no_args(statements).call0(&JsValue::UNDEFINED).unwrap_or_else(|e| panic!("{statements}: {e:?}"));
}

/// Undoes what earlier tests (and the plugins they made) left in the page: HubSpot's scripts,
/// injected or planted, its globals, and a console.warn capture a failed test never restored.
///
/// It also gives the page a Content-Security-Policy that refuses every script from another
/// origin: the tests must never run HubSpot's real code (on a machine with a network,
/// js.hs-scripts.com/62515.js exists), and a refused script fails at once, where a failed DNS
/// lookup here has taken up to 5 seconds. The refusal is an `error` event, as a 404 or a
/// blocked request is.
pub fn clean_page() {
    run(r#"
        if (!document.getElementById('hermetic-csp')) {
          const csp = document.createElement('meta');
          csp.id = 'hermetic-csp';
          csp.httpEquiv = 'Content-Security-Policy';
          csp.content = "script-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'";
          document.head.prepend(csp);
        }
        window.__warnCapture?.restore();
        document.querySelectorAll(
          '#hs-script-loader, #hs-forms-loader, script[src*="hs-scripts.com"], script[src*="hsforms.net"], script[src*="hs-analytics.net"]'
        ).forEach((script) => script.remove());
        for (const name of ['_hsq', '_hsp', 'hbspt', 'disableHubSpotCookieBanner']) delete window[name];
    "#);
}

/// A plugin for valid settings written as a JS object literal.
pub fn plugin(settings: &str) -> HubSpotPlugin {
    HubSpotPlugin::new(&js(settings)).unwrap_or_else(|e| panic!("{settings} refused: {}", message(e)))
}

/// The message of an `Error` the plugin threw.
pub fn message(error: JsError) -> String {
    JsValue::from(error).unchecked_into::<js_sys::Error>().message().into()
}

/// JSON with object keys sorted: expectations do not depend on the order properties were set in,
/// while the order of commands (arrays) still counts.
pub fn canonical(value: &JsValue) -> String {
    let stringify = Function::new_with_args(
        "value",
        "return JSON.stringify(value, (key, v) => v && typeof v === 'object' && !Array.isArray(v)
           ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v)",
    );
    stringify.call1(&JsValue::UNDEFINED, value).unwrap().as_string().unwrap_or_else(|| "undefined".into())
}

/// `window[name]` (`_hsq` or `_hsp`) as canonical JSON; `[]` when the plugin never created it.
pub fn queue(name: &str) -> String {
    canonical(&js(&format!("window.{name} ?? []")))
}

/// Empties `window._hsq` in place (keeping its `push`, so a started tracker stays started), so a
/// test sees only what comes next.
pub fn fresh_queue() {
    run("if (Array.isArray(window._hsq)) window._hsq.length = 0; else window._hsq = [];");
}

/// [`clean_page`] with HubSpot's tracker already running ([`start_tracker`]): the plugin's
/// commands then reach `_hsq` at once, in order, and the suite reads them there.
pub fn tracker_page() {
    clean_page();
    start_tracker();
}

/// What HubSpot's real tracker does when it finally starts, for the commands queued before it:
/// `_hsq.push` becomes a dispatcher (functions are called with the tracker, commands recorded
/// in `window.__received`), the script's own `setPortalId` and `trackPageView` are appended to
/// the queue, set-up commands (`setPath`, `identify`, …) are taken out of the whole queue and run
/// first, then the rest in order. The tracker's `resetVisitor` is recorded as a command.
pub fn run_hubspot_startup() {
    run(r#"
        const q = (window._hsq ??= []);
        const received = (window.__received = []);
        const tracker = { resetVisitor() { received.push(['resetVisitor']); } };
        const dispatch = (entry) => (typeof entry === 'function' ? entry(tracker) : received.push(entry));
        q.push = dispatch;
        Array.prototype.push.call(q, ['setPortalId', 62515], ['trackPageView']);
        const first = ['setPortalId', 'setCanonicalUrl', 'setPath', 'setContentType', 'identify'];
        for (let i = 0; i < q.length; i++) {
          if (Array.isArray(q[i]) && first.includes(q[i][0])) dispatch(q.splice(i--, 1)[0]);
        }
        while (q.length) dispatch(q.shift());
    "#);
}

/// What the tracker received, in order, as canonical JSON (see [`run_hubspot_startup`]).
pub fn received() -> String {
    canonical(&js("window.__received ?? []"))
}

/// What HubSpot's code does when it starts: it replaces `_hsq.push`. This stand-in keeps storing
/// into the array, so [`queue`] still shows what was pushed.
pub fn start_tracker() {
    run("const q = (window._hsq ??= []); q.push = function (...commands) { return Array.prototype.push.apply(this, commands); };");
}

/// Plants markup at the end of `<head>`. Scripts written this way are never fetched nor run:
/// they stand for a HubSpot embed already on the page.
pub fn plant(html: &str) {
    let plant = Function::new_with_args("html", "document.head.insertAdjacentHTML('beforeend', html)");
    plant.call1(&JsValue::UNDEFINED, &html.into()).unwrap();
}

/// How many elements match a CSS selector.
pub fn count(selector: &str) -> u32 {
    document().query_selector_all(selector).unwrap().length()
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// The `<script>` with this id, if the page has one.
pub fn script(id: &str) -> Option<web_sys::HtmlScriptElement> {
    document().get_element_by_id(id).map(|e| e.dyn_into().expect("a <script>"))
}

/// Waits `ms` milliseconds, letting the plugin's timers run.
pub async fn sleep(ms: i32) {
    let timer = Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(timer).await.unwrap();
}

/// Awaits a promise: `Ok(value)` or `Err(reason)`.
pub async fn settle(promise: &Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise.clone()).await
}

/// `"resolved"`, `"rejected"` or `"pending"`: where the promise stands once the microtasks
/// queued so far have run.
pub async fn state(promise: &Promise) -> String {
    let race = Function::new_with_args(
        "p",
        "return Promise.race([p.then(() => 'resolved', () => 'rejected'), new Promise((r) => setTimeout(r, 0, 'pending'))])",
    );
    let raced: Promise = race.call1(&JsValue::UNDEFINED, promise).unwrap().unchecked_into();
    JsFuture::from(raced).await.unwrap().as_string().unwrap()
}

/// console.warn, replaced for the life of the value: every call's arguments joined by spaces.
pub struct Warnings(JsValue);

impl Warnings {
    pub fn capture() -> Warnings {
        Warnings(js(r#"(() => {
            window.__warnCapture?.restore();
            const original = console.warn;
            const messages = [];
            console.warn = (...args) => { messages.push(args.map(String).join(' ')); };
            return (window.__warnCapture = { messages, restore() { console.warn = original; delete window.__warnCapture; } });
        })()"#))
    }

    pub fn messages(&self) -> Vec<String> {
        let messages: Array = Reflect::get(&self.0, &"messages".into()).unwrap().unchecked_into();
        messages.iter().map(|m| m.as_string().unwrap()).collect()
    }

    /// The warnings that contain `text`.
    pub fn containing(&self, text: &str) -> Vec<String> {
        self.messages().into_iter().filter(|m| m.contains(text)).collect()
    }

    /// Panics when the same warning was given twice (the plugin warns once per kind of problem).
    pub fn assert_no_repeats(&self) {
        let messages = self.messages();
        for (i, message) in messages.iter().enumerate() {
            assert!(!messages[..i].contains(message), "warned twice: {message}");
        }
    }
}

impl Drop for Warnings {
    fn drop(&mut self) {
        let restore: Function = Reflect::get(&self.0, &"restore".into()).unwrap().unchecked_into();
        let _ = restore.call0(&self.0);
    }
}

/// Calls `target[method](...args)` from JavaScript, as analytics-next does: `Ok` with what it
/// returned or `Err` with what it threw, as text.
pub fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let call = Function::new_with_args(
        "target, method, args",
        "try { return { returned: target[method](...args) }; } catch (error) { return { threw: String(error) }; }",
    );
    let args: Array = args.iter().collect();
    let outcome = call.call3(&JsValue::UNDEFINED, target, &method.into(), &args).unwrap();
    match Reflect::get(&outcome, &"threw".into()).unwrap().as_string() {
        Some(error) => Err(error),
        None => Ok(Reflect::get(&outcome, &"returned".into()).unwrap()),
    }
}

/// Whether two JS values are the same (`Object.is`).
pub fn same(a: &JsValue, b: &JsValue) -> bool {
    Object::is(a, b)
}
