//! A Segment site in plain Rust: the HubSpot settings a Segment workspace serves for the
//! write key (analytics-next's `analytics.settings.cdnSettings`, handed over as a value by the
//! browser edge), and the names of Segment's own HubSpot destinations.

use crate::value::Value;

/// Segment's classic HubSpot destination, as the workspace and `integrations` name it.
pub const CLASSIC: &str = "HubSpot";
/// Segment's HubSpot Web (Actions) destination.
pub const ACTIONS: &str = "HubSpot Web (Actions)";

/// Whether the code's settings give `key` (`null`, like `undefined`, is not given).
fn given(code: &Value<'_>, key: &str) -> bool {
    code.get(key).is_some_and(|v| !matches!(v, Value::Null))
}

/// Whether the code's settings name a portal: then they are the settings, and the workspace is
/// not read at all.
pub fn names_portal(code: &Value<'_>) -> bool {
    given(code, "portalId")
}

/// The consent categories the workspace gives Segment's HubSpot destination
/// (`consentSettings.categories` of Classic, else of Actions): the categories this plugin needs
/// when the code names none. A consent wrapper in opt-in mode deletes the entry of a destination
/// the visitor has not consented to, so there the code must name them (`consentCategories`).
pub fn consent_categories(cdn_settings: &Value<'_>) -> Vec<String> {
    let integrations = cdn_settings.get("integrations");
    let categories = [CLASSIC, ACTIONS].iter().find_map(|name| {
        match integrations?.get(name)?.get("consentSettings")?.get("categories")? {
            Value::Array(ids) => Some(ids.as_slice()),
            _ => None,
        }
    });
    let mut ids = Vec::new();
    for id in categories.unwrap_or_default() {
        if let Some(id) = id.as_text() {
            ids.push(String::from(id));
        }
    }
    ids
}

/// The settings of the workspace's HubSpot Web (Actions) plugin (its `remotePlugins` entry, named
/// either way Segment spells it), where the settings come from that destination: the code names no
/// portal and the workspace has no Classic HubSpot settings (which would win).
#[cfg(feature = "workspace-actions")]
pub fn actions_plugin<'v>(code: &Value<'_>, cdn_settings: &'v Value<'v>) -> Option<&'v Value<'v>> {
    let integrations = cdn_settings.get("integrations");
    let classic = integrations.and_then(|all| all.get(CLASSIC)).is_some_and(|s| matches!(s, Value::Object(_)));
    if names_portal(code) || classic {
        return None;
    }
    let Some(Value::Array(plugins)) = cdn_settings.get("remotePlugins") else { return None };
    let named = |plugin: &Value<'_>| {
        ["name", "creationName"]
            .iter()
            .any(|key| plugin.get(key).and_then(Value::as_text).is_some_and(|name| ACTIONS_NAMES.contains(&name)))
    };
    plugins.iter().find(|plugin| named(plugin))?.get("settings")
}

/// Both spellings of the Actions destination's name: the catalogue's, and its code's.
pub const ACTIONS_NAMES: [&str; 2] = [ACTIONS, "Hubspot Web (Actions)"];

/// A Segment workspace's HubSpot settings, as they complete the code's: its destination's
/// settings, read under our keys.
#[derive(Clone, Copy, Debug)]
pub struct Workspace<'v> {
    settings: &'v Value<'v>,
    /// (Ours, the workspace's key); no key of theirs: always `true`.
    keys: &'static [(&'static str, &'static str)],
}

impl<'v> Workspace<'v> {
    /// The workspace's value for our setting `key`, if it maps one.
    pub fn get(self, key: &str) -> Option<&'v Value<'v>> {
        let (_, theirs) = self.keys.iter().find(|(ours, _)| *ours == key)?;
        // Actions sends every track as a custom behavioral event: that is what its users have.
        if theirs.is_empty() {
            return Some(&Value::Bool(true));
        }
        self.settings.get(theirs)
    }
}

/// The workspace's HubSpot settings that complete the code's, each key the code gives winning.
/// None when the code names a portal: its settings are then the settings, and the workspace is
/// not read at all. Classic's are taken when the workspace has both destinations.
pub fn workspace_settings<'v>(code: &Value<'_>, cdn_settings: &'v Value<'v>) -> Option<Workspace<'v>> {
    if names_portal(code) {
        return None;
    }
    let integrations = cdn_settings.get("integrations");
    let workspace = |name| integrations.and_then(|all| all.get(name)).filter(|s| matches!(s, Value::Object(_)));
    // The casing of the forms flag differs.
    if let Some(settings) = workspace(CLASSIC) {
        let keys = &[
            ("portalId", "portalId"),
            ("enableEuropeanDataCenter", "enableEuropeanDataCenter"),
            ("loadFormsSdk", "loadFormsSdk"),
        ];
        return Some(Workspace { settings, keys });
    }
    let keys = &[
        ("portalId", "portalId"),
        ("enableEuropeanDataCenter", "enableEuropeanDataCenter"),
        ("loadFormsSdk", "loadFormsSDK"),
        ("flushIdentifyImmediately", "flushIdentifyImmediately"),
        ("customBehavioralEvents", ""),
    ];
    workspace(ACTIONS).map(|settings| Workspace { settings, keys })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn value(json: &str) -> Value<'_> {
        Value::parse(json, &mut false).unwrap()
    }

    /// What the settings read, shown as one object in JSON: the code's settings, then the
    /// workspace's mapped keys that the code does not give. (The settings read them key by key,
    /// without such an object: settings.rs tests that reading.)
    fn merged(code: &str, cdn: &str) -> String {
        let (code, cdn) = (value(code), value(cdn));
        let (Value::Object(mut members), Some(workspace)) = (code.clone(), workspace_settings(&code, &cdn)) else {
            return code.to_json();
        };
        for (key, _) in workspace.keys {
            if let (false, Some(value)) = (given(&code, key), workspace.get(key)) {
                members.push((Cow::Borrowed(key), value.clone()));
            }
        }
        Value::Object(members).to_json()
    }

    const CLASSIC_CDN: &str = r#"{"integrations":{"Segment.io":{"apiKey":"k"},"HubSpot":{"portalId":"62515","enableEuropeanDataCenter":true,
        "loadFormsSdk":true,"apiKey":"secret","type":"browser","bundlingStatus":"bundled","versionSettings":{"componentTypes":["browser"]}}}}"#;
    const ACTIONS_CDN: &str = r#"{"integrations":{"HubSpot Web (Actions)":{"portalId":"7","enableEuropeanDataCenter":false,"loadFormsSDK":true,
        "flushIdentifyImmediately":true,"formatCustomBehavioralEventNames":true,"versionSettings":{"componentTypes":[]}}},
        "remotePlugins":[{"name":"HubSpot Web (Actions)","creationName":"HubSpot Web (Actions)","libraryName":"hubspot-webDestination","url":"https://cdn.segment.com/x.js","settings":{}}]}"#;

    #[test]
    fn code_with_a_portal_ignores_the_workspace() {
        assert_eq!(merged(r#"{"portalId":"1","region":"ap1"}"#, CLASSIC_CDN), r#"{"portalId":"1","region":"ap1"}"#);
    }

    #[test]
    fn classic_settings_are_mapped_and_never_its_api_key() {
        assert_eq!(
            merged("{}", CLASSIC_CDN),
            r#"{"portalId":"62515","enableEuropeanDataCenter":true,"loadFormsSdk":true}"#
        );
    }

    #[test]
    fn actions_settings_are_mapped_with_custom_behavioral_events() {
        assert_eq!(
            merged("{}", ACTIONS_CDN),
            r#"{"portalId":"7","enableEuropeanDataCenter":false,"loadFormsSdk":true,"flushIdentifyImmediately":true,"customBehavioralEvents":true}"#
        );
    }

    #[test]
    fn code_settings_win_key_by_key() {
        let out =
            merged(r#"{"loadFormsSdk":false,"portalId":null,"customBehavioralEvents":false,"nonce":"n"}"#, ACTIONS_CDN);
        assert_eq!(
            out,
            r#"{"loadFormsSdk":false,"portalId":null,"customBehavioralEvents":false,"nonce":"n","portalId":"7","enableEuropeanDataCenter":false,"flushIdentifyImmediately":true}"#
        );
        // The later portalId wins when read, as in JavaScript.
        assert_eq!(value(&out).get("portalId").and_then(Value::as_text), Some("7"));
    }

    #[test]
    fn consent_categories_come_from_classic_else_actions() {
        let both = r#"{"integrations":{"HubSpot Web (Actions)":{"consentSettings":{"categories":["C9"]}},"HubSpot":{"consentSettings":{"categories":["C0002","C0004"]}}}}"#;
        assert_eq!(consent_categories(&value(both)), ["C0002", "C0004"]);
        let actions = r#"{"integrations":{"HubSpot Web (Actions)":{"consentSettings":{"categories":["C9"]}}}}"#;
        assert_eq!(consent_categories(&value(actions)), ["C9"]);
        for none in [
            "{}",
            "null",
            r#"{"integrations":{"HubSpot":{"portalId":"1"}}}"#,
            r#"{"integrations":{"HubSpot":{"consentSettings":{"categories":"C1"}}}}"#,
        ] {
            assert!(consent_categories(&value(none)).is_empty(), "{none}");
        }
    }

    #[cfg(feature = "workspace-actions")]
    #[test]
    fn the_actions_plugin_settings_only_where_the_settings_come_from_actions() {
        let cdn = |name: &str, classic: bool| {
            let classic = if classic { r#""HubSpot":{"portalId":"1"},"# } else { "" };
            [r#"{"integrations":{"#, classic, r#""HubSpot Web (Actions)":{"portalId":"7"}},"remotePlugins":[{"name":"Other","settings":{}},{"creationName":""#, name, r#"","settings":{"subscriptions":[]}}]}"#].concat()
        };
        for name in ACTIONS_NAMES {
            let text = cdn(name, false);
            let cdn = value(&text);
            assert_eq!(
                actions_plugin(&value("{}"), &cdn).map(Value::to_json).as_deref(),
                Some(r#"{"subscriptions":[]}"#)
            );
            assert_eq!(actions_plugin(&value(r#"{"portalId":"1"}"#), &cdn), None, "a portal in code");
        }
        let text = cdn(ACTIONS, true);
        assert_eq!(actions_plugin(&value("{}"), &value(&text)), None, "Classic's settings win");
        assert_eq!(actions_plugin(&value("{}"), &value(r#"{"remotePlugins":{}}"#)), None);
    }

    #[test]
    fn classic_wins_when_the_workspace_has_both() {
        let both = r#"{"integrations":{"HubSpot Web (Actions)":{"portalId":"7"},"HubSpot":{"portalId":"62515"}}}"#;
        assert_eq!(merged("{}", both), r#"{"portalId":"62515"}"#);
    }

    #[test]
    fn no_workspace_settings_leaves_the_code_alone() {
        for cdn in ["{}", r#"{"integrations":{}}"#, r#"{"integrations":{"HubSpot":"62515"}}"#, "null"] {
            assert_eq!(merged(r#"{"region":"eu1"}"#, cdn), r#"{"region":"eu1"}"#, "{cdn}");
        }
        assert_eq!(merged("[]", CLASSIC_CDN), "[]");
    }
}
