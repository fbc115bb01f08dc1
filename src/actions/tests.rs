use super::*;
use crate::mapping::commands_json;
use crate::settings::Settings;

fn value(json: &str) -> Value<'static> {
    Value::parse(json, &mut false).unwrap().into_owned()
}

/// A workspace: its plugin settings (JSON), a session for portal 62515 with `session_settings`.
struct Workspace {
    subscriptions: Option<Subscriptions>,
    session: Session,
    warnings: Vec<String>,
}

fn workspace(plugin_settings: &str, session_settings: &str) -> Workspace {
    let mut warnings = Vec::new();
    let subscriptions = Subscriptions::from_settings(&value(plugin_settings), &mut warnings);
    let settings = Settings::from_value(&value(session_settings)).unwrap();
    Workspace { subscriptions, session: Session::new(settings), warnings }
}

impl Workspace {
    /// The commands of one event, as JSON.
    fn send(&mut self, event: &str) -> String {
        let event = value(event);
        let mut problems = Problems::default();
        let subscriptions = self.subscriptions.as_mut().expect("subscriptions");
        let page = subscriptions.run(&event, &mut self.session, ("/here", ""), &mut problems, &mut self.warnings);
        commands_json(&page.commands)
    }
}

const PORTAL: &str = r#"{"portalId":"62515"}"#;
const PRESET_MAPPINGS: &str = r#"
  {"partnerAction":"trackCustomBehavioralEvent","subscribe":"type = \"track\"","enabled":true,"name":"Track Custom Behavioral Event",
   "mapping":{"name":{"@path":"$.event"},"properties":{"@path":"$.properties"}}},
  {"partnerAction":"upsertContact","subscribe":"type = \"identify\"","enabled":true,"name":"Upsert Contact",
   "mapping":{"email":{"@path":"$.traits.email"},"id":{"@path":"$.userId"},"custom_properties":{"@path":"$.traits"},
     "company":{"@path":"$.traits.company.name"},"country":{"@path":"$.traits.address.country"},"state":{"@path":"$.traits.address.state"},
     "city":{"@path":"$.traits.address.city"},"address":{"@path":"$.traits.address.street"},
     "zip":{"@if":{"exists":{"@path":"$.traits.address.postalCode"},"then":{"@path":"$.traits.address.postalCode"},"else":{"@path":"$.traits.address.postal_code"}}}}},
  {"partnerAction":"trackPageView","subscribe":"type = \"page\"","enabled":true,"name":"Track Page View","mapping":{}}"#;

fn with(subscriptions: &str) -> String {
    [r#"{"subscriptions":["#, subscriptions, "]}"].concat()
}

#[test]
fn the_presets_send_what_the_plugin_always_sent() {
    let mut w = workspace(&with(PRESET_MAPPINGS), PORTAL);
    assert_eq!(
        w.send(r#"{"type":"page","properties":{"path":"/a"}}"#),
        r#"[["setPath","/a"]]"#,
        "HubSpot's own first view"
    );
    assert_eq!(
        w.send(r#"{"type":"identify","userId":"u1","traits":{"email":"ann@example.com","first_name":"Ann","company":{"name":"Acme"},"address":{"city":"Paris"}}}"#),
        "[]",
        "held for the next tracking call"
    );
    assert_eq!(
        w.send(r#"{"type":"track","event":"Signed Up","properties":{"plan":"pro"}}"#),
        r#"[["identify",{"email":"ann@example.com","firstname":"Ann","id":"u1","company":"Acme","city":"Paris"}],["trackCustomBehavioralEvent",{"name":"pe62515_signed_up","properties":{"plan":"pro"}}]]"#
    );
    assert_eq!(w.send(r#"{"type":"page","properties":{"path":"/b"}}"#), r#"[["setPath","/b"],["trackPageView"]]"#);
    assert!(w.warnings.is_empty(), "{:?}", w.warnings);
}

#[test]
fn a_trigger_narrowed_to_one_event() {
    let mut w = workspace(
        &with(
            r#"{"partnerAction":"trackCustomBehavioralEvent","subscribe":"type = \"track\" and event = \"Signed Up\"","enabled":true,
          "mapping":{"name":{"@path":"$.event"},"properties":{"@path":"$.properties"}}}"#,
        ),
        PORTAL,
    );
    assert_eq!(w.send(r#"{"type":"track","event":"Other"}"#), "[]");
    assert_eq!(
        w.send(r#"{"type":"track","event":"Signed Up"}"#),
        r#"[["trackCustomBehavioralEvent",{"name":"pe62515_signed_up","properties":{}}]]"#
    );
    assert_eq!(w.send(r#"{"type":"page"}"#), "[]", "no page subscription: no page view");
}

#[test]
fn two_subscriptions_of_one_action_each_fire() {
    let mut w = workspace(
        &with(
            r#"{"partnerAction":"trackCustomBehavioralEvent","subscribe":"type = \"track\"","enabled":true,
          "mapping":{"name":{"@path":"$.event"}}},
         {"partnerAction":"trackCustomBehavioralEvent","subscribe":"event = \"Form Submitted\"","enabled":true,
          "mapping":{"name":{"@path":"$.properties.form_name"}}}"#,
        ),
        PORTAL,
    );
    assert_eq!(
        w.send(r#"{"type":"track","event":"Form Submitted","properties":{"form_name":"demo_request"}}"#),
        r#"[["trackCustomBehavioralEvent",{"name":"pe62515_form_submitted","properties":{}}],["trackCustomBehavioralEvent",{"name":"pe62515_demo_request","properties":{}}]]"#
    );
}

#[test]
fn unformatted_names_and_built_properties() {
    let mut w = workspace(
        r#"{"formatCustomBehavioralEventNames":false,"subscriptions":[{"partnerAction":"trackCustomBehavioralEvent",
          "subscribe":"contains(event, \"Order\")","enabled":true,
          "mapping":{"name":{"@path":"$.properties.internal_name"},"properties":{"source":"web","label":{"@template":"{{event}} for {{properties.total}}"}}}}]}"#,
        PORTAL,
    );
    assert_eq!(w.send(r#"{"type":"track","event":"Signed Up","properties":{"internal_name":"pe1_x"}}"#), "[]");
    assert_eq!(
        w.send(r#"{"type":"track","event":"Order Completed","properties":{"internal_name":"pe62515_order_done","total":20}}"#),
        r#"[["trackCustomBehavioralEvent",{"name":"pe62515_order_done","properties":{"source":"web","label":"Order Completed for 20"}}]]"#
    );
}

#[test]
fn a_contact_from_a_mapped_email_and_a_trait_trigger() {
    let mut w = workspace(
        &with(
            r#"{"partnerAction":"upsertContact","subscribe":"type = \"identify\" and traits.plan = \"pro\"","enabled":true,
          "mapping":{"email":{"@path":"$.traits.work_email"},"custom_properties":{"@path":"$.traits"}}},
         {"partnerAction":"trackPageView","subscribe":"type = \"page\"","enabled":true,"mapping":{"path":{"@path":"$.properties.url_path"}}}"#,
        ),
        r#"{"portalId":"62515","flushIdentifyImmediately":true}"#,
    );
    assert_eq!(w.send(r#"{"type":"identify","traits":{"plan":"free","work_email":"a@b.co"}}"#), "[]");
    assert_eq!(w.send(r#"{"type":"identify","traits":{"plan":"pro"}}"#), "[]", "no email: no contact");
    assert_eq!(
        w.send(r#"{"type":"identify","userId":"u1","traits":{"plan":"pro","work_email":"a@b.co"}}"#),
        r#"[["identify",{"plan":"pro","work_email":"a@b.co","email":"a@b.co"}],["trackPageView"]]"#
    );
    w.send(r#"{"type":"page"}"#);
    assert_eq!(
        w.send(r#"{"type":"page","properties":{"url_path":"/mapped"}}"#),
        r#"[["setPath","/mapped"],["trackPageView"]]"#
    );
}

#[test]
fn disabled_and_unusable_subscriptions_never_fire() {
    let mut w = workspace(
        &with(
            r#"{"partnerAction":"trackPageView","subscribe":"type = \"page\"","enabled":false,"mapping":{}},
         {"partnerAction":"trackCustomBehavioralEvent","subscribe":"type = ","enabled":true,"name":"broken?","mapping":{}},
         {"partnerAction":"trackCustomBehavioralEvent","subscribe":"type = \"track","enabled":true,"name":"Bad trigger","mapping":{}},
         {"partnerAction":"sendEmail","subscribe":"type = \"track\"","enabled":true},
         {"partnerAction":"trackCustomBehavioralEvent","subscribe":"type = \"track\"","enabled":true,"name":"Bad mapping","mapping":{"name":{"@path":5}}}"#,
        ),
        PORTAL,
    );
    w.send(r#"{"type":"page"}"#);
    assert_eq!(w.send(r#"{"type":"page"}"#), "[]");
    assert_eq!(w.send(r#"{"type":"track","event":"x"}"#), "[]");
    assert_eq!(w.warnings.len(), 3, "{:?}", w.warnings);
    assert!(w.warnings[0].contains("\"Bad trigger\""), "{:?}", w.warnings);
    assert!(w.warnings[1].contains("sendEmail #4"), "{:?}", w.warnings);
    assert!(w.warnings[2].contains("\"Bad mapping\""), "{:?}", w.warnings);
}

#[test]
fn a_throwing_trigger_skips_the_actions_later_subscriptions_once_warned() {
    let mut w = workspace(
        &with(
            r#"{"partnerAction":"trackCustomBehavioralEvent","subscribe":"type = \"track\"","enabled":true,"mapping":{"name":"first"}},
         {"partnerAction":"trackCustomBehavioralEvent","subscribe":"type = \"track\" and ()","enabled":true,"name":"Empty group","mapping":{}},
         {"partnerAction":"trackCustomBehavioralEvent","subscribe":"type = \"track\"","enabled":true,"mapping":{"name":"third"}}"#,
        ),
        PORTAL,
    );
    for _ in 0..2 {
        assert_eq!(
            w.send(r#"{"type":"track","event":"x"}"#),
            r#"[["trackCustomBehavioralEvent",{"name":"pe62515_first","properties":{}}]]"#
        );
    }
    assert_eq!(w.warnings.len(), 1, "{:?}", w.warnings);
}

#[test]
fn hostile_subscriptions_warn_and_never_panic() {
    let mut warnings = Vec::new();
    for settings in [r#"{"subscriptions":"not a list"}"#, r#"{"subscriptions":{"0":{}}}"#, r#"{"subscriptions":5}"#] {
        assert!(Subscriptions::from_settings(&value(settings), &mut warnings).is_none(), "{settings}");
    }
    assert_eq!(warnings.len(), 3);
    assert!(Subscriptions::from_settings(&value("{}"), &mut warnings).is_none());
    assert!(Subscriptions::from_settings(&value(r#"{"subscriptions":null}"#), &mut warnings).is_none());
    let long = "x".repeat(10_000);
    let deep = ["{\"a\":".repeat(30), "1".into(), "}".repeat(30)].concat();
    let hostile = with(&[
        r#"null, 5, "text", [], {}, {"enabled":true}, {"partnerAction":"trackPageView","enabled":true,"subscribe":5},"#,
        r#"{"partnerAction":"trackCustomBehavioralEvent","enabled":true,"subscribe":"event = \""#,
        &long,
        r#"\"","mapping":{"name":{"@path":"$.__proto__.x"},"properties":"#,
        &deep,
        r#"}},{"partnerAction":"upsertContact","enabled":true,"subscribe":"traits.__proto__ != null","mapping":{"email":{"@path":"$.traits.constructor"},"__proto__":{"polluted":true}}}"#,
    ]
    .concat());
    let mut w = workspace(&hostile, PORTAL);
    assert_eq!(w.send(r#"{"type":"identify","traits":{"email":"a@b.co"}}"#), "[]");
    let event = [r#"{"type":"track","event":""#, &long, r#""}"#].concat();
    assert_eq!(w.send(&event), "[]", "no name: nothing");
    assert!(w.warnings.len() >= 2, "{:?}", w.warnings);
}
