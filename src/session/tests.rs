//! The ordering rules: held identity, the skipped first page, reset.

use super::*;
use crate::mapping::commands_json;
use std::format;

fn session(extra: &str) -> Session {
    let text = format!(r#"{{"portalId":"62515"{extra}}}"#);
    let settings = Value::parse(&text, &mut false).unwrap();
    Session::new(Settings::from_value(&settings).unwrap())
}

fn event(text: &str) -> Value<'_> {
    Value::parse(text, &mut false).unwrap()
}

fn identify(s: &mut Session, text: &str) -> String {
    commands_json(&s.identify(&event(text), &mut Problems::default()))
}

fn track(s: &mut Session, text: &str) -> String {
    commands_json(&s.track(&event(text), &mut Problems::default()))
}

fn page(s: &mut Session, text: &str) -> String {
    commands_json(&s.page(&event(text), "/here", "?q=1").commands)
}

#[test]
fn first_page_is_hubspots_own_view() {
    let mut s = session("");
    // Only the path of HubSpot's own view: its tracker sends that page view itself.
    assert_eq!(page(&mut s, r#"{"properties":{"path":"/a"}}"#), r#"[["setPath","/a?q=1"]]"#);
    assert!(!s.page(&event("{}"), "/", "").hubspots_view, "only the first page is HubSpot's own view");
    assert_eq!(page(&mut s, r#"{"properties":{"path":"/b","search":""}}"#), r#"[["setPath","/b"],["trackPageView"]]"#);
}

#[test]
fn track_initial_page_view_forwards_the_first() {
    let mut s = session(r#","trackInitialPageView":true"#);
    assert_eq!(
        page(&mut s, r#"{"properties":{"path":"/a","search":"?x"}}"#),
        r#"[["setPath","/a?x"],["trackPageView"]]"#
    );
}

#[test]
fn identify_waits_for_the_next_page_even_the_first() {
    let mut s = session("");
    assert_eq!(identify(&mut s, r#"{"userId":"u1","traits":{"email":"a@b.co"}}"#), "[]");
    assert!(s.has_pending_identity());
    assert_eq!(page(&mut s, "{}"), r#"[["identify",{"email":"a@b.co","id":"u1"}],["setPath","/here?q=1"]]"#);
    assert!(!s.has_pending_identity());
    assert_eq!(page(&mut s, r#"{"properties":{"path":"/b"}}"#), r#"[["setPath","/b?q=1"],["trackPageView"]]"#);
}

#[test]
fn identify_rides_the_next_track_and_merges() {
    let mut s = session("");
    identify(&mut s, r#"{"userId":"u1","traits":{"email":"a@b.co","plan":"free","seats":1}}"#);
    identify(&mut s, r#"{"userId":"u1","traits":{"email":"a@b.co","plan":"pro"}}"#);
    identify(&mut s, r#"{"userId":"u1","traits":{"plan":"ignored: no email"}}"#);
    assert_eq!(
        track(&mut s, r#"{"event":"Bought","properties":{"revenue":9}}"#),
        r#"[["identify",{"email":"a@b.co","plan":"pro","seats":1,"id":"u1"}],["trackCustomBehavioralEvent",{"name":"pe62515_bought","properties":{"revenue":9}}]]"#
    );
    assert_eq!(
        track(&mut s, r#"{"event":"Again"}"#),
        r#"[["trackCustomBehavioralEvent",{"name":"pe62515_again","properties":{}}]]"#
    );
}

#[test]
fn identify_without_email_sends_nothing() {
    let mut s = session("");
    assert_eq!(identify(&mut s, r#"{"userId":"u1","traits":{"name":"x"}}"#), "[]");
    assert_eq!(
        track(&mut s, r#"{"event":"E"}"#),
        r#"[["trackCustomBehavioralEvent",{"name":"pe62515_e","properties":{}}]]"#
    );
}

#[test]
fn flush_identify_immediately_sends_with_a_page_view() {
    let mut s = session(r#","flushIdentifyImmediately":true"#);
    assert_eq!(
        identify(&mut s, r#"{"traits":{"email":"a@b.co"}}"#),
        r#"[["identify",{"email":"a@b.co"}],["trackPageView"]]"#
    );
    assert_eq!(identify(&mut s, r#"{"traits":{"name":"no email"}}"#), "[]");
}

#[test]
fn reset_drops_pending_identity() {
    let mut s = session("");
    identify(&mut s, r#"{"traits":{"email":"first@b.co"}}"#);
    assert_eq!(commands_json(&s.reset()), r#"["resetVisitor"]"#);
    assert_eq!(
        track(&mut s, r#"{"event":"E"}"#),
        r#"[["trackCustomBehavioralEvent",{"name":"pe62515_e","properties":{}}]]"#
    );
}

#[test]
fn track_context_traits_with_email_identify_first() {
    let mut s = session("");
    assert_eq!(
        track(&mut s, r#"{"event":"E","userId":"u9","context":{"traits":{"email":"c@d.co","firstname":"Peter"}}}"#),
        r#"[["identify",{"email":"c@d.co","firstname":"Peter","id":"u9"}],["trackCustomBehavioralEvent",{"name":"pe62515_e","properties":{}}]]"#
    );
    assert_eq!(
        track(&mut s, r#"{"event":"E","context":{"traits":{"firstname":"no email"}}}"#),
        r#"[["trackCustomBehavioralEvent",{"name":"pe62515_e","properties":{}}]]"#
    );
}

#[test]
fn custom_behavioral_events_by_default_legacy_only_when_asked() {
    let mut s = session("");
    assert_eq!(
        track(&mut s, r#"{"event":"Clicked Buy","properties":{"Color":"red"}}"#),
        r#"[["trackCustomBehavioralEvent",{"name":"pe62515_clicked_buy","properties":{"color":"red"}}]]"#
    );
    let mut legacy = session(r#","customBehavioralEvents":false"#);
    assert_eq!(
        track(&mut legacy, r#"{"event":"Clicked Buy","properties":{"Color":"red","revenue":9}}"#),
        r#"[["trackEvent",{"color":"red","value":9,"id":"Clicked Buy"}]]"#
    );
}

#[test]
fn track_without_a_name_is_skipped_and_keeps_identity_pending() {
    let mut s = session("");
    identify(&mut s, r#"{"traits":{"email":"a@b.co"}}"#);
    for bad in [r#"{}"#, r#"{"event":""}"#, r#"{"event":"  "}"#, r#"{"event":{"x":1}}"#, r#"{"event":null}"#] {
        let mut problems = Problems::default();
        assert!(s.track(&event(bad), &mut problems).is_empty(), "{bad}");
        assert!(problems.no_event_name);
    }
    assert!(s.has_pending_identity());
    assert_eq!(
        track(&mut s, r#"{"event":7}"#),
        r#"[["identify",{"email":"a@b.co"}],["trackCustomBehavioralEvent",{"name":"pe62515_7","properties":{}}]]"#
    );
}
