//! Segment Consent Management's rule, in plain Rust. A consent wrapper
//! (`@segment/analytics-consent-tools` and those built on it) stamps every event with
//! `context.consent.categoryPreferences`, and filters or blocks only the destinations the
//! workspace's CDN settings describe: a plugin registered in code applies the rule itself.
//! HubSpot's cookie banner can be that wrapper's source: its choices become Segment categories.

use crate::value::Value;

/// The event that a consent wrapper sends when the visitor changes their choice. It carries
/// the new choice for the plugin; HubSpot has no use for it as an event.
pub const PREFERENCE_UPDATED: &str = "Segment Consent Preference Updated";

/// What an event says of consent.
#[derive(Debug, PartialEq)]
pub enum Stamp<'a> {
    /// No `context.consent` (or `null`): no consent management on this event.
    Absent,
    /// `context.consent` could not be read (a getter or a `Proxy` trap threw).
    Unreadable,
    /// `context.consent` as read.
    Consent(&'a Value<'a>),
}

/// Segment's rule: a destination without categories is not governed; an event without a consent
/// object flows; with one, every category of the destination must be `true` in its
/// `categoryPreferences` (so an empty object blocks). Anything malformed or unreadable blocks.
pub fn allows(categories: &[String], stamp: &Stamp<'_>) -> bool {
    if categories.is_empty() {
        return true;
    }
    match stamp {
        Stamp::Absent => true,
        Stamp::Unreadable => false,
        Stamp::Consent(consent) => match consent.get("categoryPreferences") {
            Some(preferences @ Value::Object(_)) => {
                categories.iter().all(|category| matches!(preferences.get(category), Some(Value::Bool(true))))
            }
            _ => false,
        },
    }
}

#[cfg(feature = "cookie-banner")]
mod banner;
#[cfg(feature = "cookie-banner")]
pub use banner::{BannerMapping, BannerMappingError};

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> Value<'_> {
        Value::parse(json, &mut false).unwrap()
    }

    fn allowed(categories: &[&str], consent: &str) -> bool {
        let categories: Vec<String> = categories.iter().map(|c| c.to_string()).collect();
        let consent = value(consent);
        allows(&categories, &Stamp::Consent(&consent))
    }

    #[test]
    fn every_category_must_be_true() {
        assert!(allowed(&["C0002"], r#"{"categoryPreferences":{"C0002":true,"C0004":false}}"#));
        assert!(allowed(&["C0002", "C0004"], r#"{"categoryPreferences":{"C0002":true,"C0004":true}}"#));
        assert!(!allowed(&["C0002", "C0004"], r#"{"categoryPreferences":{"C0002":true,"C0004":false}}"#));
        assert!(!allowed(&["C0002"], r#"{"categoryPreferences":{}}"#), "an empty object blocks");
        assert!(!allowed(&["C0002"], r#"{"categoryPreferences":{"C0002":"true"}}"#), "only true is true");
        assert!(!allowed(&["C0002"], r#"{"categoryPreferences":{"C0002":1}}"#));
    }

    #[test]
    fn malformed_consent_blocks_and_no_consent_flows() {
        for malformed in [r#"{}"#, r#"{"categoryPreferences":null}"#, r#"{"categoryPreferences":[true]}"#, "[]", "7"] {
            assert!(!allowed(&["C0002"], malformed), "{malformed}");
        }
        let governed = ["C0002".to_string()];
        assert!(allows(&governed, &Stamp::Absent));
        assert!(!allows(&governed, &Stamp::Unreadable));
    }

    #[test]
    fn a_destination_without_categories_is_not_governed() {
        assert!(allowed(&[], r#"{"categoryPreferences":{}}"#));
        assert!(allows(&[], &Stamp::Unreadable));
    }
}
