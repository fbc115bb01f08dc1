//! Segment's settings object for the destination, parsed and validated. Pure Rust.

use crate::mapping::trim_text;
use crate::segment::Workspace;
use crate::value::{concat, Value};

mod keys;
pub use keys::{misspelt, KEYS};

/// HubSpot's data centres.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// North America 1, the default (`js.hs-scripts.com`).
    Na1,
    /// North America 2.
    Na2,
    /// Europe (EU data residency).
    Eu1,
    /// Asia Pacific.
    Ap1,
}

impl Region {
    const ALL: [Region; 4] = [Region::Na1, Region::Na2, Region::Eu1, Region::Ap1];

    /// In `Region`'s order, each data centre's code (as the `region` setting gives it) and where
    /// the URLs of its scripts start: `https://js.` in na1, `https://js-{region}.` elsewhere.
    const NAMES: [(&'static str, &'static str); 4] =
        [("na1", "https://js."), ("na2", "https://js-na2."), ("eu1", "https://js-eu1."), ("ap1", "https://js-ap1.")];

    /// HubSpot's name of the data centre, as the `region` setting gives it.
    fn code(self) -> &'static str {
        Region::NAMES[self as usize].0
    }

    /// Where the URLs of HubSpot's scripts start.
    fn scripts(self) -> &'static str {
        Region::NAMES[self as usize].1
    }
}

/// Validated settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The Hub ID, digits only.
    pub portal_id: String,
    /// The data centre.
    pub region: Region,
    /// Also load the Forms SDK.
    pub load_forms_sdk: bool,
    /// `track` sends `trackCustomBehavioralEvent`.
    pub custom_behavioral_events: bool,
    /// Forward the first `page` call too.
    pub track_initial_page_view: bool,
    /// `identify` sends at once, with a page view.
    pub flush_identify_immediately: bool,
    /// Set `window.disableHubSpotCookieBanner` before the tracker loads.
    pub disable_cookie_banner: bool,
    /// How long `load()` waits for the tracker, in milliseconds.
    pub load_timeout_ms: u32,
    /// The tracking code's URL.
    pub tracker_url: String,
    /// The Forms SDK's URL.
    pub forms_url: String,
    /// CSP nonce for injected scripts.
    pub nonce: Option<String>,
    /// Forward HubSpot form submissions to analytics as `Form Submitted`.
    pub track_form_submissions: bool,
    /// Form fields (names) whose values go with `Form Submitted`; none by default.
    pub form_fields: Vec<String>,
    /// A submitted email becomes an identify.
    pub identify_form_submitters: bool,
    /// The Segment consent categories this destination needs (`consentCategories`, or the
    /// workspace's `consentSettings.categories`); none: no consent is required.
    pub consent_categories: Vec<String>,
    /// `apiKey` or `privateAppToken` was given: server credentials that must not ship to
    /// browsers. Only the fact is kept, never the value.
    pub has_server_credentials: bool,
}

/// Why Segment's settings were refused. The page is told [`SettingsError::message`], as a
/// JavaScript `Error` (`browser`).
#[derive(Clone, Debug, PartialEq)]
pub enum SettingsError<'v> {
    /// No `portalId` in `hubspotPlugin()` nor in the Segment workspace's settings.
    NoPortalId,
    /// The setting `key` holds a value it cannot.
    Invalid {
        /// The setting's name.
        key: &'static str,
        /// The bad value.
        value: &'v Value<'v>,
        /// What the setting takes.
        expected: &'static str,
    },
    /// `trackFormSubmissions: true` in the lean build, which has no form forwarding.
    FormsNeedFullWasm,
}

impl SettingsError<'_> {
    /// What the page is told: the setting and its bad value (a string quoted, a list or an object
    /// by its kind: no JSON writer in the wasm for one message), or where a portal was looked for.
    pub fn message(&self) -> String {
        match self {
            SettingsError::NoPortalId => {
                String::from("hubspot-wasm: no portalId in hubspotPlugin() nor in the workspace's HubSpot settings")
            }
            SettingsError::Invalid { key, value, expected } => {
                let (quote, shown) = match value {
                    Value::Null => ("", "null"),
                    Value::Bool(true) => ("", "true"),
                    Value::Bool(false) => ("", "false"),
                    Value::Number(text) => ("", &**text),
                    Value::String(text) => ("\"", &**text),
                    Value::Array(_) => ("", "[…]"),
                    Value::Object(_) => ("", "{…}"),
                };
                concat(&["hubspot-wasm: invalid setting ", key, " = ", quote, shown, quote, ": ", expected])
            }
            SettingsError::FormsNeedFullWasm => {
                String::from("hubspot-wasm: trackFormSubmissions needs the full wasm: init({ full: true })")
            }
        }
    }
}

/// The error for a bad value of the setting `key`.
fn invalid<'v>(key: &'static str, value: &'v Value<'v>, expected: &'static str) -> SettingsError<'v> {
    SettingsError::Invalid { key, value, expected }
}

/// The settings as given: the code's, completed by the Segment workspace's where the code names
/// no portal.
#[derive(Clone, Copy)]
struct Given<'v> {
    code: &'v Value<'v>,
    workspace: Option<Workspace<'v>>,
}

/// A setting, the code's if it gives one, else the workspace's; `null` (and so `undefined`,
/// dropped by JSON) is absent.
fn setting<'v>(settings: Given<'v>, key: &str) -> Option<&'v Value<'v>> {
    #[cfg(test)]
    tests::READ.with_borrow_mut(|read| read.push(key.to_string()));
    let given = |value: &&Value<'_>| !matches!(value, Value::Null);
    let workspace = || settings.workspace?.get(key);
    settings.code.get(key).filter(given).or_else(workspace).filter(given)
}

fn boolean<'v>(settings: Given<'v>, keys: &[&'static str], default: bool) -> Result<bool, SettingsError<'v>> {
    for key in keys {
        match setting(settings, key) {
            None => continue,
            Some(Value::Bool(b)) => return Ok(*b),
            Some(other) => return Err(invalid(key, other, "expected true or false")),
        }
    }
    Ok(default)
}

/// A script URL setting, if given: `https:`, `http:` or relative, never `javascript:`, `data:`
/// and kin.
fn script_url<'v>(settings: Given<'v>, key: &'static str) -> Result<Option<String>, SettingsError<'v>> {
    let Some(value) = setting(settings, key) else { return Ok(None) };
    let bad = || invalid(key, value, "expected an https:, http: or relative URL");
    let Value::String(text) = value else { return Err(bad()) };
    // The URL parser strips surrounding C0 controls and spaces and removes tabs and newlines
    // anywhere (`java\nscript:` is `javascript:`), so the scheme is judged on that same text;
    // any other control character is refused.
    let mut url = String::new();
    for c in text.trim_matches(|c| c <= ' ').chars() {
        match c {
            '\t' | '\n' | '\r' => {}
            c if c < ' ' => return Err(bad()),
            c => url.push(c),
        }
    }
    // The scheme, if any: what comes before a `:` that no `/`, `?` or `#` precedes. (`[c]`
    // patterns, as in the mapping: one searcher in the wasm.)
    let scheme = url.split_once([':']).map(|(scheme, _)| scheme).filter(|s| !s.contains(['/', '?', '#']));
    let web = scheme.is_none_or(|s| s.eq_ignore_ascii_case("https") || s.eq_ignore_ascii_case("http"));
    if url.is_empty() || !web {
        return Err(bad());
    }
    Ok(Some(url))
}

impl Settings {
    /// Parses Segment's settings object (as JSON value); unknown keys are ignored.
    pub fn from_value<'v>(settings: &'v Value<'_>) -> Result<Settings, SettingsError<'v>> {
        Settings::from_code_and_workspace(settings, None)
    }

    /// Parses the settings given in code, each key the code does not give taken from the
    /// Segment workspace's HubSpot settings ([`crate::segment::workspace_settings`]).
    pub fn from_code_and_workspace<'v>(
        code: &'v Value<'_>,
        workspace: Option<Workspace<'v>>,
    ) -> Result<Settings, SettingsError<'v>> {
        if !matches!(code, Value::Object(_)) {
            return Err(invalid("settings", code, "expected an object with portalId"));
        }
        let settings = Given { code, workspace };
        let Some(portal) = setting(settings, "portalId") else { return Err(SettingsError::NoPortalId) };
        let portal_id = match portal.as_text().map(trim_text) {
            Some(id) if digits(id) => id,
            _ => return Err(invalid("portalId", portal, "expected the Hub ID, digits only")),
        };

        // `region` wins over enableEuropeanDataCenter, but a malformed flag is an error either way.
        let european = boolean(settings, &["enableEuropeanDataCenter"], false)?;
        let bad_region = |value| invalid("region", value, "expected 'na1', 'na2', 'eu1' or 'ap1'");
        let region = match setting(settings, "region") {
            // A code in any case; an empty one is the default.
            Some(value @ Value::String(s)) => match trim_text(s) {
                "" => Region::Na1,
                code => match Region::ALL.into_iter().find(|region| region.code().eq_ignore_ascii_case(code)) {
                    Some(region) => region,
                    None => return Err(bad_region(value)),
                },
            },
            Some(value) => return Err(bad_region(value)),
            None if european => Region::Eu1,
            None => Region::Na1,
        };

        let load_timeout_ms = match setting(settings, "loadTimeoutMs") {
            None => 10_000,
            Some(value) => match value {
                Value::Number(n) => parse_millis(n),
                _ => None,
            }
            .ok_or_else(|| invalid("loadTimeoutMs", value, "expected milliseconds, 0 to 2147483647"))?,
        };

        let nonce = match setting(settings, "nonce") {
            None => None,
            Some(Value::String(s)) => Some(&**s).filter(|s| !s.is_empty()),
            Some(other) => return Err(invalid("nonce", other, "expected a string")),
        };

        let tracker_url = match script_url(settings, "trackerUrl")? {
            Some(url) => url,
            None => concat(&[region.scripts(), "hs-scripts.com/", portal_id, ".js"]),
        };
        let forms_url = match script_url(settings, "formsUrl")? {
            Some(url) => url,
            None => concat(&[region.scripts(), "hsforms.net/forms/embed/v2.js"]),
        };

        // Without form forwarding in the build (the lean wasm, which refuses trackFormSubmissions),
        // formFields and identifyFormSubmitters are settings it does not know, and so ignores.
        #[cfg(feature = "form-submissions")]
        let form_fields = form_fields(settings)?;
        #[cfg(not(feature = "form-submissions"))]
        let form_fields = Vec::new();

        let mut consent_categories = Vec::new();
        if let Some(value) = setting(settings, "consentCategories") {
            let bad = || invalid("consentCategories", value, "expected a list of category ids");
            let Value::Array(ids) = value else { return Err(bad()) };
            for id in ids {
                match id.as_text().map(trim_text) {
                    Some(id) if !id.is_empty() => consent_categories.push(id.to_string()),
                    _ => return Err(bad()),
                }
            }
        }

        // The lean build has no form forwarding to give: a page that asks for it needs the full one.
        let track_form_submissions = boolean(settings, &["trackFormSubmissions"], false)?;
        if track_form_submissions && !cfg!(feature = "form-submissions") {
            return Err(SettingsError::FormsNeedFullWasm);
        }

        Ok(Settings {
            region,
            consent_categories,
            track_form_submissions,
            form_fields,
            identify_form_submitters: cfg!(feature = "form-submissions")
                && boolean(settings, &["identifyFormSubmitters"], false)?,
            load_forms_sdk: boolean(settings, &["loadFormsSdk", "loadFormsSDK"], false)?,
            custom_behavioral_events: boolean(settings, &["customBehavioralEvents"], true)?,
            track_initial_page_view: boolean(settings, &["trackInitialPageView"], false)?,
            flush_identify_immediately: boolean(settings, &["flushIdentifyImmediately"], false)?,
            disable_cookie_banner: boolean(settings, &["disableCookieBanner"], false)?,
            load_timeout_ms,
            tracker_url,
            forms_url,
            nonce: nonce.map(String::from),
            has_server_credentials: ["apiKey", "privateAppToken"]
                .iter()
                .any(|k| matches!(setting(settings, k), Some(Value::String(s)) if !s.is_empty())),
            portal_id: String::from(portal_id),
        })
    }
}

/// `formFields`: the names of the form fields whose values go with `Form Submitted`.
#[cfg(feature = "form-submissions")]
fn form_fields<'v>(settings: Given<'v>) -> Result<Vec<String>, SettingsError<'v>> {
    let mut fields = Vec::new();
    if let Some(value) = setting(settings, "formFields") {
        let bad = || invalid("formFields", value, "expected a list of field names");
        let Value::Array(names) = value else { return Err(bad()) };
        for name in names {
            let Value::String(name) = name else { return Err(bad()) };
            fields.push(String::from(&**name));
        }
    }
    Ok(fields)
}

/// Whether `text` is one or more ASCII digits (a Hub ID, a whole number of milliseconds).
fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `1500` or `1500.5` (floored) within setTimeout's range; no exponents, no negatives.
fn parse_millis(text: &str) -> Option<u32> {
    let whole = match text.split_once(['.']) {
        Some((whole, fraction)) if fraction.is_empty() || digits(fraction) => whole,
        Some(_) => return None,
        None => text,
    };
    if whole.len() > 10 || !digits(whole) {
        return None;
    }
    let ms = whole.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    u32::try_from(ms).ok().filter(|ms| *ms <= i32::MAX as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    /// The settings, or the message of their refusal.
    fn parse(json: &str) -> Result<Settings, String> {
        Settings::from_value(&Value::parse(json, &mut false).unwrap()).map_err(|error| error.message())
    }

    /// The setting a refusal names, and the bad value as JSON.
    fn refused(json: &str) -> (&'static str, String) {
        match Settings::from_value(&Value::parse(json, &mut false).unwrap()) {
            Err(SettingsError::Invalid { key, value, .. }) => (key, value.to_json()),
            other => panic!("{json}: {other:?}"),
        }
    }

    /// Whether the settings are refused with `error`.
    fn refused_with(json: &str, error: SettingsError) -> bool {
        Settings::from_value(&Value::parse(json, &mut false).unwrap()) == Err(error)
    }

    #[test]
    fn the_codes_settings_win_key_by_key_over_the_workspaces() {
        // The workspace (Actions): portal 7, the Forms SDK, flushed identifies, custom events.
        let cdn = Value::parse(
            r#"{"integrations":{"HubSpot Web (Actions)":{"portalId":"7","enableEuropeanDataCenter":true,"loadFormsSDK":true,"flushIdentifyImmediately":true}}}"#,
            &mut false,
        )
        .unwrap();
        // The code: no Forms SDK, EU left to the workspace by `null`, a key the workspace lacks.
        let code =
            Value::parse(r#"{"loadFormsSdk":false,"enableEuropeanDataCenter":null,"nonce":"n"}"#, &mut false).unwrap();
        let workspace = crate::segment::workspace_settings(&code, &cdn);
        let settings = Settings::from_code_and_workspace(&code, workspace).unwrap();
        assert_eq!(settings.portal_id, "7");
        assert!(!settings.load_forms_sdk, "the code's false wins over the workspace's true");
        assert_eq!(settings.region, Region::Eu1, "null in the code leaves the key to the workspace");
        assert!(settings.flush_identify_immediately && settings.custom_behavioral_events);
        assert_eq!(settings.nonce.as_deref(), Some("n"));
        // A bad value of the workspace's is refused as the code's would be, unless the code gives the key.
        let cdn =
            Value::parse(r#"{"integrations":{"HubSpot":{"portalId":"7","loadFormsSdk":"yes"}}}"#, &mut false).unwrap();
        assert!(Settings::from_code_and_workspace(&code, crate::segment::workspace_settings(&code, &cdn)).is_ok());
        let code = Value::parse(r#"{"nonce":"n"}"#, &mut false).unwrap();
        let refusal = Settings::from_code_and_workspace(&code, crate::segment::workspace_settings(&code, &cdn));
        assert!(matches!(refusal, Err(SettingsError::Invalid { key: "loadFormsSdk", .. })), "{refusal:?}");
    }

    std::thread_local! {
        /// The keys `setting` was asked for on this thread.
        pub(super) static READ: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    #[test]
    fn the_keys_read_are_the_listed_keys() {
        READ.with_borrow_mut(Vec::clear);
        parse(r#"{"portalId":"1"}"#).unwrap();
        let mut read = READ.with_borrow_mut(std::mem::take);
        read.sort();
        read.dedup();
        let mut listed: Vec<&str> = KEYS.to_vec();
        // Without form forwarding in the build its two extra settings are not read.
        if !cfg!(feature = "form-submissions") {
            listed.retain(|key| !["formFields", "identifyFormSubmitters"].contains(key));
        }
        listed.sort();
        assert_eq!(read, listed);
    }

    #[test]
    fn defaults_from_portal_id_alone() {
        let s = parse(r#"{"portalId":"62515","unknown":1}"#).unwrap();
        assert_eq!(s.tracker_url, "https://js.hs-scripts.com/62515.js");
        assert_eq!(s.forms_url, "https://js.hsforms.net/forms/embed/v2.js");
        assert_eq!(s.load_timeout_ms, 10_000);
        assert_eq!(s.region, Region::Na1);
        assert!(!s.load_forms_sdk && s.custom_behavioral_events && !s.has_server_credentials);
        assert!(s.consent_categories.is_empty());
    }

    #[test]
    fn portal_id_is_digits_string_or_number_trimmed() {
        assert_eq!(parse(r#"{"portalId":62515}"#).unwrap().portal_id, "62515");
        assert_eq!(parse(r#"{"portalId":" 62515\n"}"#).unwrap().portal_id, "62515");
        assert!(refused_with("{}", SettingsError::NoPortalId));
        assert!(refused_with(r#"{"portalId":null}"#, SettingsError::NoPortalId));
        assert!(SettingsError::NoPortalId.message().contains("workspace's HubSpot settings"));
        for bad in [
            r#"{"portalId":""}"#,
            r#"{"portalId":"62a"}"#,
            r#"{"portalId":-1}"#,
            r#"{"portalId":1.5}"#,
            r#"{"portalId":"../x"}"#,
            r#"{"portalId":true}"#,
        ] {
            assert_eq!(refused(bad).0, "portalId", "{bad}");
        }
        assert_eq!(refused(r#"{"portalId":"abc"}"#), ("portalId", "\"abc\"".into()));
        assert_eq!(refused(r#"{"portalId":[1]}"#), ("portalId", "[1]".into()));
        assert_eq!(refused("[]"), ("settings", "[]".into()));
    }

    #[test]
    fn a_refusal_names_the_setting_its_value_and_what_it_takes() {
        assert_eq!(
            parse(r#"{"portalId":"1","region":"us"}"#).unwrap_err(),
            "hubspot-wasm: invalid setting region = \"us\": expected 'na1', 'na2', 'eu1' or 'ap1'"
        );
        assert_eq!(
            parse(r#"{"portalId":"1","nonce":5}"#).unwrap_err(),
            "hubspot-wasm: invalid setting nonce = 5: expected a string"
        );
        assert_eq!(
            parse(r#"{"portalId":"1","consentCategories":{"a":[]}}"#).unwrap_err(),
            "hubspot-wasm: invalid setting consentCategories = {…}: expected a list of category ids"
        );
    }

    #[test]
    fn regions_pick_their_hosts() {
        for (json, tracker, forms) in [
            (
                r#"{"portalId":"1","region":"eu1"}"#,
                "https://js-eu1.hs-scripts.com/1.js",
                "https://js-eu1.hsforms.net/forms/embed/v2.js",
            ),
            (
                r#"{"portalId":"1","region":"NA2"}"#,
                "https://js-na2.hs-scripts.com/1.js",
                "https://js-na2.hsforms.net/forms/embed/v2.js",
            ),
            (
                r#"{"portalId":"1","region":"ap1"}"#,
                "https://js-ap1.hs-scripts.com/1.js",
                "https://js-ap1.hsforms.net/forms/embed/v2.js",
            ),
            (
                r#"{"portalId":"1","enableEuropeanDataCenter":true}"#,
                "https://js-eu1.hs-scripts.com/1.js",
                "https://js-eu1.hsforms.net/forms/embed/v2.js",
            ),
            (
                r#"{"portalId":"1","region":"na1","enableEuropeanDataCenter":true}"#,
                "https://js.hs-scripts.com/1.js",
                "https://js.hsforms.net/forms/embed/v2.js",
            ),
        ] {
            let s = parse(json).unwrap();
            assert_eq!((s.tracker_url.as_str(), s.forms_url.as_str()), (tracker, forms), "{json}");
        }
        assert_eq!(refused(r#"{"portalId":"1","region":"us"}"#), ("region", "\"us\"".into()));
    }

    #[test]
    fn script_urls_only_http_https_or_relative() {
        for ok in ["https://cdn.example.com/hs.js", "HTTP://x/y.js", "/hs/62515.js", "./e.js", "//cdn.x/y.js", "e.js"] {
            let s = parse(&format!(r#"{{"portalId":"1","trackerUrl":"{ok}","formsUrl":"{ok}"}}"#)).unwrap();
            assert_eq!(s.tracker_url, ok);
        }
        for bad in [
            "javascript:alert(1)",
            " java\\nscript:alert(1)",
            "data:text/javascript,1",
            "JaVaScRiPt:1",
            "",
            "blob:x",
            "a\\u0000b",
        ] {
            assert_eq!(refused(&format!(r#"{{"portalId":"1","trackerUrl":"{bad}"}}"#)).0, "trackerUrl", "{bad}");
        }
        assert_eq!(refused(r#"{"portalId":"1","formsUrl":"data:x"}"#).0, "formsUrl");
    }

    #[test]
    fn booleans_timeouts_nonce_and_credentials() {
        let s = parse(
            r#"{"portalId":"1","loadFormsSDK":true,"customBehavioralEvents":true,"trackInitialPageView":true,
            "flushIdentifyImmediately":true,"disableCookieBanner":true,"loadTimeoutMs":2500.7,"nonce":"abc",
            "privateAppToken":"pat-na1-secret"}"#,
        )
        .unwrap();
        assert!(s.load_forms_sdk && s.custom_behavioral_events && s.track_initial_page_view);
        assert!(s.flush_identify_immediately && s.disable_cookie_banner && s.has_server_credentials);
        assert_eq!((s.load_timeout_ms, s.nonce.as_deref()), (2500, Some("abc")));
        assert!(!format!("{s:?}").contains("secret"));
        for (bad, key) in [
            (r#""loadFormsSdk":"yes""#, "loadFormsSdk"),
            (r#""loadTimeoutMs":-5"#, "loadTimeoutMs"),
            (r#""loadTimeoutMs":1e21"#, "loadTimeoutMs"),
            (r#""loadTimeoutMs":"10""#, "loadTimeoutMs"),
            (r#""nonce":5"#, "nonce"),
            (r#""enableEuropeanDataCenter":1"#, "enableEuropeanDataCenter"),
        ] {
            assert_eq!(refused(&format!(r#"{{"portalId":"1",{bad}}}"#)).0, key, "{bad}");
        }
        assert!(parse(r#"{"portalId":"1","loadTimeoutMs":null,"region":null}"#).is_ok());
        assert!(!parse(r#"{"portalId":"1","customBehavioralEvents":false}"#).unwrap().custom_behavioral_events);
    }

    #[test]
    fn consent_categories_are_segment_category_ids() {
        let s = parse(r#"{"portalId":"1","consentCategories":["C0002"," C0004 "]}"#).unwrap();
        assert_eq!(s.consent_categories, ["C0002", "C0004"]);
        for bad in
            [r#""consentCategories":"C0002""#, r#""consentCategories":["C0002",""]"#, r#""consentCategories":[{}]"#]
        {
            assert_eq!(refused(&format!(r#"{{"portalId":"1",{bad}}}"#)).0, "consentCategories", "{bad}");
        }
    }

    #[test]
    #[cfg(not(feature = "form-submissions"))]
    fn the_lean_build_refuses_form_forwarding_and_ignores_its_settings() {
        assert!(refused_with(r#"{"portalId":"1","trackFormSubmissions":true}"#, SettingsError::FormsNeedFullWasm));
        let s = parse(r#"{"portalId":"1","trackFormSubmissions":false,"formFields":7,"identifyFormSubmitters":1}"#);
        assert!(s.is_ok_and(|s| s.form_fields.is_empty() && !s.identify_form_submitters));
    }

    #[test]
    #[cfg(feature = "form-submissions")]
    fn form_forwarding_settings() {
        let s = parse(r#"{"portalId":"1"}"#).unwrap();
        assert!(!s.track_form_submissions && !s.identify_form_submitters && s.form_fields.is_empty());
        let s = parse(r#"{"portalId":"1","trackFormSubmissions":true,"identifyFormSubmitters":true,"formFields":["firstname","0-1/company"]}"#).unwrap();
        assert!(s.track_form_submissions && s.identify_form_submitters);
        assert_eq!(s.form_fields, ["firstname", "0-1/company"]);
        for (bad, key) in [
            (r#""formFields":"firstname""#, "formFields"),
            (r#""formFields":["a",1]"#, "formFields"),
            (r#""trackFormSubmissions":"yes""#, "trackFormSubmissions"),
            (r#""identifyFormSubmitters":1"#, "identifyFormSubmitters"),
        ] {
            assert_eq!(refused(&format!(r#"{{"portalId":"1",{bad}}}"#)).0, key, "{bad}");
        }
    }
}
