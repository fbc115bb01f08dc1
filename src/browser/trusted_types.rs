//! Trusted Types: on a page whose CSP says `require-trusted-types-for 'script'`, a script's URL
//! must be a `TrustedScriptURL`, made by a policy the page's `trusted-types` directive names.
//! The plugin creates its own, `hubspot-wasm`, once, at its first script, where the browser has
//! Trusted Types. The policy is kept here and never handed out, and it is only given the URLs of
//! HubSpot's scripts that the settings validated (`settings.rs`: https, http or relative, nothing
//! else), so passing them through unchanged is its whole rule: the page's own `String` function
//! (the identity on a URL string; no closure to keep alive).
//!
//! Only calls the plugin imports anyway (`Reflect.get`/`set`, `Function.prototype.call`), each
//! caught: no Trusted Types, a refused name and a refused URL all end as an `Err`.

use super::global;
use super::read::get;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    /// The policy, created at the first script; `undefined` when the browser has no Trusted Types or
    /// the page does not allow the name (asked once: every refusal is a CSP violation report).
    static POLICY: JsValue = create();
}

/// `this[name]` as a function: calling anything else is an `Err` (a TypeError, caught).
fn method(this: &JsValue, name: &str) -> Function {
    get(this, name).unchecked_into()
}

/// `trustedTypes.createPolicy('hubspot-wasm', { createScriptURL: String })`, or `undefined`.
fn create() -> JsValue {
    let factory = get(&global(), "trustedTypes");
    let rules = Object::new();
    let _ = Reflect::set(&rules, &"createScriptURL".into(), &get(&global(), "String"));
    method(&factory, "createPolicy").call2(&factory, &"hubspot-wasm".into(), &rules).unwrap_or_default()
}

/// Sets `script.src` to `url` (validated by the settings): a `TrustedScriptURL` of the plugin's
/// policy where there is one, else the string, as on a page without Trusted Types. False when
/// the page refuses it (it requires Trusted Types and does not allow the policy).
pub fn set_script_url(script: &JsValue, url: &str) -> bool {
    let url = JsValue::from_str(url);
    let src = match POLICY.with(|policy| method(policy, "createScriptURL").call1(policy, &url)) {
        Ok(trusted) => trusted,
        Err(_) => url,
    };
    Reflect::set(script, &"src".into(), &src).is_ok()
}
