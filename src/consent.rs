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

/// Where HubSpot's tracker stands for a governed destination.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tracking {
    /// HubSpot's scripts wait for the first event whose consent passes.
    NotLoaded,
    /// Loaded and collecting.
    On,
    /// Loaded, and told to stop (`doNotTrack`) when consent was withdrawn.
    Stopped,
}

/// What one event's consent means for HubSpot, decided here and acted on by the browser edge.
#[derive(Debug, PartialEq)]
pub enum Decision {
    /// The event goes to HubSpot.
    Deliver {
        /// First, HubSpot's scripts loaded (the first consent).
        load_hubspot: bool,
        /// First, the do-not-track an earlier withdrawal set lifted.
        resume_tracking: bool,
    },
    /// The event is kept from HubSpot (and not held).
    Block {
        /// A running tracker told to stop (once).
        stop_tracking: bool,
    },
}

/// Segment's rule applied to one event, given where HubSpot's tracker stands.
pub fn decide(categories: &[String], stamp: &Stamp<'_>, tracking: Tracking) -> Decision {
    match allows(categories, stamp) {
        true => Decision::Deliver {
            load_hubspot: tracking == Tracking::NotLoaded,
            resume_tracking: tracking == Tracking::Stopped,
        },
        false => Decision::Block { stop_tracking: tracking == Tracking::On },
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
    fn the_first_consent_loads_hubspot_a_withdrawal_stops_it_once_and_consent_resumes_it() {
        let governed = ["C0002".to_string()];
        let yes = value(r#"{"categoryPreferences":{"C0002":true}}"#);
        let (yes, no) = (Stamp::Consent(&yes), Stamp::Unreadable);
        let deliver = |load_hubspot, resume_tracking| Decision::Deliver { load_hubspot, resume_tracking };
        assert_eq!(decide(&governed, &yes, Tracking::NotLoaded), deliver(true, false));
        assert_eq!(decide(&governed, &yes, Tracking::On), deliver(false, false));
        assert_eq!(decide(&governed, &yes, Tracking::Stopped), deliver(false, true));
        assert_eq!(decide(&governed, &no, Tracking::NotLoaded), Decision::Block { stop_tracking: false });
        assert_eq!(decide(&governed, &no, Tracking::On), Decision::Block { stop_tracking: true });
        assert_eq!(decide(&governed, &no, Tracking::Stopped), Decision::Block { stop_tracking: false });
        assert_eq!(decide(&[], &no, Tracking::On), deliver(false, false), "not governed");
    }

    #[test]
    fn a_destination_without_categories_is_not_governed() {
        assert!(allowed(&[], r#"{"categoryPreferences":{}}"#));
        assert!(allows(&[], &Stamp::Unreadable));
    }
}
