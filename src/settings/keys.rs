//! The settings' keys: the list the package's TypeScript declarations must match, and the
//! warning for a key that looks like a misspelling of one.

use crate::value::{concat, Value};

/// Every key [`Settings::from_value`](super::Settings::from_value) reads. The declarations'
/// `HubSpotSettings` lists exactly these (an end-to-end test compares the two files).
pub const KEYS: [&str; 19] = [
    "portalId",
    "region",
    "enableEuropeanDataCenter",
    "loadFormsSdk",
    "loadFormsSDK",
    "customBehavioralEvents",
    "consentCategories",
    "trackInitialPageView",
    "flushIdentifyImmediately",
    "disableCookieBanner",
    "loadTimeoutMs",
    "trackerUrl",
    "formsUrl",
    "nonce",
    "trackFormSubmissions",
    "formFields",
    "identifyFormSubmitters",
    "apiKey",
    "privateAppToken",
];

/// `warn` gets one warning for each key of the settings that is not one of [`KEYS`] but one
/// slip away from one, case aside (`portalID`, `regoin`, `loadFormSdk`): such a key is ignored
/// like any other unknown key, and the setting meant would silently keep its default.
pub fn misspelt(settings: &Value<'_>, mut warn: impl FnMut(&str)) {
    let Value::Object(members) = settings else { return };
    for (key, _) in members {
        if KEYS.contains(&&**key) {
            continue;
        }
        if let Some(known) = KEYS.iter().find(|known| near(key.as_bytes(), known.as_bytes())) {
            warn(&concat(&["hubspot-wasm: unknown setting `", key, "`: did you mean `", known, "`?"]));
        }
    }
}

/// Whether `a` and `b`, ASCII case aside, are one slip apart: one character added, dropped or
/// replaced, or two neighbours swapped (or the case alone). No two known keys are, but
/// `loadFormsSdk` and `loadFormsSDK`, the same setting.
fn near(a: &[u8], b: &[u8]) -> bool {
    let same = |x: &u8, y: &u8| x.eq_ignore_ascii_case(y);
    // The common start, then the common end of what is left: what remains differs.
    let mut start = 0;
    while start < a.len().min(b.len()) && same(&a[start], &b[start]) {
        start += 1;
    }
    let (mut a_end, mut b_end) = (a.len(), b.len());
    while a_end > start && b_end > start && same(&a[a_end - 1], &b[b_end - 1]) {
        a_end -= 1;
        b_end -= 1;
    }
    match (&a[start..a_end], &b[start..b_end]) {
        ([x, y], [p, q]) => same(x, q) && same(y, p),
        (rest_a, rest_b) => rest_a.len() <= 1 && rest_b.len() <= 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(json: &str) -> Vec<String> {
        let mut warnings = Vec::new();
        misspelt(&Value::parse(json, &mut false).unwrap(), |warning| warnings.push(warning.to_string()));
        warnings
    }

    #[test]
    fn a_key_near_a_known_one_is_named_with_it() {
        assert_eq!(
            warnings(r#"{"portalID":"1","regoin":"eu1","loadFormSdk":true,"trackInitialPageview":true}"#),
            [
                "hubspot-wasm: unknown setting `portalID`: did you mean `portalId`?",
                "hubspot-wasm: unknown setting `regoin`: did you mean `region`?",
                "hubspot-wasm: unknown setting `loadFormSdk`: did you mean `loadFormsSdk`?",
                "hubspot-wasm: unknown setting `trackInitialPageview`: did you mean `trackInitialPageView`?",
            ]
        );
        assert_eq!(warnings(r#"{"noncee":"n"}"#), ["hubspot-wasm: unknown setting `noncee`: did you mean `nonce`?"]);
    }

    #[test]
    fn known_keys_and_far_ones_are_quiet() {
        let all = KEYS.iter().map(|k| concat(&["\"", k, "\":null"])).collect::<Vec<_>>().join(",");
        assert!(warnings(&concat(&["{", &all, "}"])).is_empty());
        // Segment's own keys for its HubSpot destinations, passed on as they are: unknown, and
        // no misspelling of ours.
        let segment = r#"{"formatCustomBehavioralEventNames":true,"versionSettings":{},"type":"browser","bundlingStatus":"bundled","id":"x","":1,"ü":2}"#;
        assert!(warnings(segment).is_empty());
        assert!(warnings("[]").is_empty() && warnings("null").is_empty());
    }

    #[test]
    fn near_is_one_slip_case_aside() {
        for (a, b) in [
            ("region", "region"),
            ("portalID", "portalId"),
            ("regoin", "region"),
            ("noncee", "nonce"),
            ("api_key", "apiKey"),
        ] {
            assert!(near(a.as_bytes(), b.as_bytes()), "{a} {b}");
        }
        for (a, b) in [
            ("rgeoin", "region"),
            ("reason", "region"),
            ("node", "nonce"),
            ("portal", "portalId"),
            ("abc", "xyz"),
            ("a", "abcd"),
            ("xregion", "regionx"),
        ] {
            assert!(!near(a.as_bytes(), b.as_bytes()), "{a} {b}");
        }
        assert!(near(b"", b"a") && !near(b"", b"ab"));
    }

    #[test]
    fn no_two_settings_are_one_slip_apart_but_the_two_spellings_of_one() {
        for a in KEYS {
            for b in KEYS {
                let same_setting = a.eq_ignore_ascii_case(b);
                assert_eq!(near(a.as_bytes(), b.as_bytes()), same_setting, "{a} {b}");
            }
        }
    }
}
