//! One test per mapping rule, on JSON as analytics-next hands it over.

use super::*;
use std::{format, string::String, vec::Vec};

fn json(text: &str) -> Value<'static> {
    Value::parse(text, &mut false).expect("test JSON").into_owned()
}

fn identify(user_id: Option<&str>, traits: &str) -> Option<String> {
    identify_properties(user_id, &json(traits), &mut Problems::default())
        .map(|p| Command::Identify(p).into_value().unwrap().to_json())
}

fn one(command: Command<'_>) -> String {
    commands_json(&[command])
}

#[test]
fn identify_needs_an_email() {
    assert_eq!(identify(Some("u1"), r#"{"name":"Peter"}"#), None);
    assert_eq!(identify(None, "null"), None);
    assert_eq!(identify(Some("u1"), r#"{"email":"  "}"#), None);
    assert_eq!(
        identify(Some("u1"), r#"{"email":"p@x.com"}"#).unwrap(),
        r#"["identify",{"email":"p@x.com","id":"u1"}]"#
    );
}

#[test]
fn identify_takes_an_email_shaped_user_id() {
    assert_eq!(identify(Some("p@x.com"), "{}").unwrap(), r#"["identify",{"id":"p@x.com","email":"p@x.com"}]"#);
    assert_eq!(identify(Some("not an@email.com"), "{}"), None);
    assert_eq!(identify(Some("user@localhost"), "{}"), None);
}

#[test]
fn identify_renames_names() {
    assert_eq!(
        identify(None, r#"{"email":"a@b.co","firstName":"Peter","last_name":"Gibbon","First Name":"x"}"#).unwrap(),
        r#"["identify",{"email":"a@b.co","firstname":"x","lastname":"Gibbon"}]"#
    );
}

#[test]
fn identify_sends_company_name_not_object() {
    assert_eq!(
        identify(None, r#"{"email":"a@b.co","company":{"name":"Initech","id":5}}"#).unwrap(),
        r#"["identify",{"email":"a@b.co","company":"Initech"}]"#
    );
    assert_eq!(
        identify(None, r#"{"email":"a@b.co","company":"Initech"}"#).unwrap(),
        r#"["identify",{"email":"a@b.co","company":"Initech"}]"#
    );
}

#[test]
fn identify_spreads_address() {
    assert_eq!(
        identify(None, r#"{"email":"a@b.co","address":{"street":"1 Main St","city":"Austin","state":"TX","country":"US","postalCode":"78701","unit":"4"}}"#).unwrap(),
        r#"["identify",{"email":"a@b.co","address":"1 Main St","city":"Austin","state":"TX","country":"US","zip":"78701","address_unit":"4"}]"#
    );
    assert!(identify(None, r#"{"email":"a@b.co","address":{"postal_code":"1"}}"#).unwrap().contains(r#""zip":"1""#));
}

#[test]
fn identify_normalises_keys() {
    assert_eq!(
        identify(None, "{\"email\":\"a@b.co\",\"Favorite Color\":1,\"a.b\\tc\\nd\\u000be\\ff\\rg\":2}").unwrap(),
        r#"["identify",{"email":"a@b.co","favorite_color":1,"a_b_c_d_e_f_g":2}]"#
    );
}

#[test]
fn identify_flattens_objects_and_joins_arrays() {
    assert_eq!(
        identify(None, r#"{"email":"a@b.co","plan":{"name":"pro","Seats":{"max":5}},"tags":["a"," b ",3,true,null,{"x":1}],"none":[],"blanks":[""," ","c",""," \u200b"]}"#).unwrap(),
        r#"["identify",{"email":"a@b.co","plan_name":"pro","plan_seats_max":5,"tags":"a;b;3;true","none":"","blanks":"c"}]"#
    );
}

#[test]
fn identify_turns_dates_into_epoch_millis() {
    assert_eq!(
        identify(None, r#"{"email":"a@b.co","offerDate":"2024-01-15T10:00:00.000Z","birthday":"2024-01-15","note":"2024-01-15 was fun"}"#).unwrap(),
        r#"["identify",{"email":"a@b.co","offerdate":1705312800000,"birthday":1705276800000,"note":"2024-01-15 was fun"}]"#
    );
}

#[test]
fn identify_drops_nulls_and_keeps_numbers_and_booleans() {
    assert_eq!(
        identify(None, r#"{"email":"a@b.co","gone":null,"n":-1.5e+21,"ok":false}"#).unwrap(),
        r#"["identify",{"email":"a@b.co","n":-1.5e+21,"ok":false}]"#
    );
}

#[test]
fn identify_trims_whitespace_and_zero_width() {
    assert_eq!(
        identify(None, "{\"email\":\"\\u200b a@b.co\\ufeff\\n\",\"name\":\"\\u200dPeter\\u200c\"}").unwrap(),
        r#"["identify",{"email":"a@b.co","name":"Peter"}]"#
    );
}

#[test]
fn identify_never_writes_prototype_keys() {
    let mut problems = Problems::default();
    let p = identify_properties(
        None,
        &json(r#"{"email":"a@b.co","__proto__":{"x":1},"Constructor":1,"prototype":2,"__PROTO__":3}"#),
        &mut problems,
    )
    .unwrap();
    // `__proto__` is no HubSpot name: it becomes `proto`, warned about; the valid names
    // `constructor` and `prototype` are never written.
    assert_eq!(one(Command::Identify(p)), r#"[["identify",{"email":"a@b.co","proto_x":1,"proto":3}]]"#);
    assert!(problems.forbidden_key);
}

#[test]
fn identify_user_id_overrides_trait_id() {
    assert_eq!(
        identify(Some("u1"), r#"{"id":"t","email":"a@b.co"}"#).unwrap(),
        r#"["identify",{"id":"u1","email":"a@b.co"}]"#
    );
}

#[test]
fn identify_of_non_object_traits_is_flagged() {
    let mut problems = Problems::default();
    assert_eq!(identify_properties(Some("a@b.co"), &json("[1,2]"), &mut problems).unwrap().len(), 2);
    assert!(problems.not_an_object);
}

#[test]
fn legacy_track_event_uses_hubspot_object_form() {
    let mut problems = Problems::default();
    let c = track_event(
        "Clicked Buy",
        &json(
            r#"{"id":"sku-1","revenue":20.5,"when":"2024-01-15T10:00:00Z","label":" big ","n":null,"nested":{"a":" x ","__proto__":1}}"#,
        ),
        &mut problems,
    );
    assert_eq!(
        one(c),
        r#"[["trackEvent",{"_id":"sku-1","value":20.5,"when":1705312800000,"label":"big","nested_a":"x","nested_proto":1,"id":"Clicked Buy"}]]"#
    );
    assert_eq!(one(track_event("E", &Value::Null, &mut problems)), r#"[["trackEvent",{"id":"E"}]]"#);
}

#[test]
fn custom_event_names() {
    let name = |n| custom_event_name("62515", n);
    assert_eq!(name("Clicked  Buy.Now \t Button").as_deref(), Some("pe62515_clicked_buy_now_button"));
    assert_eq!(name("pe123_already_internal").as_deref(), Some("pe123_already_internal"));
    assert_eq!(name("pe_not").as_deref(), Some("pe62515_pe_not"));
    assert_eq!(name("peX1_not").as_deref(), Some("pe62515_pex1_not"));
    assert_eq!(name("Ürün Eklendi!").as_deref(), Some("pe62515_urun_eklendi"));
    assert_eq!(name("😀"), None);
}

#[test]
fn custom_event_keeps_revenue_as_a_property() {
    let c = custom_behavioral_event(
        "1",
        "Order Completed",
        &json(r#"{"revenue":20.5,"id":"o-1"}"#),
        &mut Problems::default(),
    );
    assert_eq!(
        one(c.unwrap()),
        r#"[["trackCustomBehavioralEvent",{"name":"pe1_order_completed","properties":{"revenue":20.5,"id":"o-1"}}]]"#
    );
}

#[test]
fn custom_event_zero_and_false_go_as_text() {
    let c =
        custom_behavioral_event("1", "E", &json(r#"{"n":0,"ok":false,"yes":true,"m":0.5}"#), &mut Problems::default());
    assert_eq!(
        one(c.unwrap()),
        r#"[["trackCustomBehavioralEvent",{"name":"pe1_e","properties":{"n":"0","ok":"false","yes":true,"m":0.5}}]]"#
    );
}

#[test]
fn property_names_follow_hubspots_rule() {
    let name = |k: &str| property_name(&Cow::Owned(k.into())).map(Cow::into_owned);
    for (key, expected) in [
        ("plan", Some("plan")),
        ("firstName", Some("firstname")),
        ("Favorite Color", Some("favorite_color")),
        ("ÜrÜn", Some("urun")),
        ("Straße", Some("strasse")),
        ("Łódź façade", Some("lodz_facade")),
        ("order-id", Some("order_id")),
        ("a -- b", Some("a_b")),
        ("_private_", Some("private")),
        ("1st_place", Some("p_1st_place")),
        ("€ price (net)", Some("price_net")),
        ("価格", None),
        ("", None),
    ] {
        assert_eq!(name(key).as_deref(), expected, "{key}");
    }
    let long = "a".repeat(60);
    assert_eq!(name(&long).as_deref(), Some(&long[..50]));
    assert_eq!(name(&format!("{}_b", "a".repeat(49))).as_deref(), Some(&long[..49]), "no _ at the cut");
}

#[test]
fn renamed_names_are_reported_but_not_plain_case_changes() {
    let mut problems = Problems::default();
    let props = json(r#"{"firstName":1,"Favorite Color":2,"order-id":3,"価格":4,"1st":5}"#);
    let c = custom_behavioral_event("1", "E", &props, &mut problems).unwrap();
    assert_eq!(
        one(c),
        r#"[["trackCustomBehavioralEvent",{"name":"pe1_e","properties":{"firstname":1,"favorite_color":2,"order_id":3,"p_1st":5}}]]"#
    );
    assert_eq!(
        problems.names,
        [("order-id".into(), Some("order_id".into())), ("価格".into(), None), ("1st".into(), Some("p_1st".into()))]
    );
    let messages = problems.messages();
    assert!(messages.iter().any(|m| m.contains(r#""order-id" sent as "order_id""#)), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains(r#""価格" dropped"#)), "{messages:?}");
}

#[test]
fn custom_event_normalises_and_caps_at_fifty() {
    let mut problems = Problems::default();
    let props: Vec<String> = (0..55).map(|i| format!(r#""Key {i:02}":{i}"#)).collect();
    let c = custom_behavioral_event(
        "1",
        "Signed Up",
        &json(&format!("{{{},\"plan\":{{\"name\":\"pro\"}}}}", props.join(","))),
        &mut problems,
    )
    .unwrap();
    let Command::TrackCustomBehavioralEvent { name, properties } = &c else { panic!() };
    assert_eq!(name, "pe1_signed_up");
    assert_eq!(properties.len(), 50);
    assert_eq!(properties.get("key_00"), Some(&Value::String("0".into())), "0 as text");
    assert_eq!(problems.over_custom_limit, ["key_50", "key_51", "key_52", "key_53", "key_54", "plan_name"]);
    assert!(problems.messages().iter().any(|m| m.contains("key_54") && m.contains("plan_name")));
    assert!(one(c).starts_with(r#"[["trackCustomBehavioralEvent",{"name":"pe1_signed_up","properties":{"key_00":"0","#));
}

#[test]
fn page_path_prefers_properties_then_location() {
    assert_eq!(page_path(&json(r#"{"path":"/pricing","search":"?a=1"}"#), "/", "?x"), "/pricing?a=1");
    assert_eq!(page_path(&json(r#"{"path":"/pricing","search":"a=1"}"#), "/", ""), "/pricing?a=1");
    assert_eq!(page_path(&json(r#"{"path":"/p"}"#), "/loc", "?q=2"), "/p?q=2");
    assert_eq!(page_path(&Value::Null, "/loc", ""), "/loc");
    assert_eq!(page_path(&json(r#"{"path":""}"#), "/loc", ""), "/");
}

#[test]
fn consent_keeps_only_the_three_booleans() {
    let c =
        consent(&json(r#"{"analytics":true,"advertisement":false,"functionality":"yes","__proto__":true,"x":true}"#));
    assert_eq!(c.to_json(), r#"{"analytics":true,"advertisement":false}"#);
}

#[test]
fn commands_serialise_as_hubspot_arrays() {
    assert_eq!(
        commands_json(&[Command::SetPath("/a\"b".into()), Command::TrackPageView]),
        r#"[["setPath","/a\"b"],["trackPageView"]]"#
    );
    assert_eq!(commands_json(&[]), "[]");
}

#[test]
fn too_many_properties_are_capped() {
    let mut problems = Problems::default();
    let keys: Vec<String> = (0..10_000).map(|i| format!(r#""k{i}":{i}"#)).collect();
    let p = identify_properties(None, &json(&format!("{{\"email\":\"a@b.co\",{}}}", keys.join(","))), &mut problems)
        .unwrap();
    assert_eq!(p.len(), MAX_PROPERTIES);
    assert!(problems.too_many);
}

#[cfg(not(target_arch = "wasm32"))] // proptest is a native dev-dependency
mod properties {
    //! Property tests over arbitrary value trees: no panic, and outputs keep the mapping rules.
    use super::*;
    use proptest::prelude::*;

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z _.\t\n\u{b}\u{c}\r]{0,12}",
            Just("__proto__".to_string()),
            Just("constructor".to_string()),
            Just("Prototype".to_string()),
            Just("email".to_string()),
            Just("company".to_string()),
            Just("address".to_string()),
            any::<String>(),
        ]
    }

    fn value() -> impl Strategy<Value = Value<'static>> {
        let text = |s: String| Value::String(s.into());
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| Value::Number(n.to_string().into())),
            any::<String>().prop_map(text),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:?[0-9]{2}))?"
                .prop_map(text),
            "[ \u{200b}\u{feff}]*[a-z@.]{0,10}[ \u{200d}]*".prop_map(text),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..8)
                    .prop_map(|members| Value::Object(members.into_iter().map(|(k, v)| (k.into(), v)).collect())),
            ]
        })
    }

    fn check_properties(p: &Properties) {
        for (k, v) in p.members() {
            assert!(!k.is_empty());
            assert!(!["__proto__", "constructor", "prototype"].contains(&&**k), "{k}");
            let separators = " .\t\n\u{b}\u{c}\r";
            assert_eq!(k.to_ascii_lowercase(), **k, "lower case (ASCII, as HubSpot names are)");
            assert!(!k.contains(|c: char| separators.contains(c)), "{k:?}");
            match v {
                Value::String(s) => assert_eq!(
                    s.trim_matches(|c: char| c.is_whitespace() || "\u{200b}\u{200c}\u{200d}\u{feff}".contains(c)),
                    s
                ),
                Value::Null | Value::Array(_) | Value::Object(_) => panic!("not flat: {k} = {v:?}"),
                _ => {}
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn property_name_is_idempotent_and_hubspots(k in any::<String>()) {
            if let Some(once) = property_name(&k.into()) {
                prop_assert_eq!(property_name(&once), Some(once.clone()));
                prop_assert!(once.len() <= 50 && once.starts_with(|c: char| c.is_ascii_lowercase()), "{:?}", once);
                prop_assert!(once.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{:?}", once);
            }
        }

        #[test]
        fn identify_output_is_flat_clean_and_reparses(user in proptest::option::of("[a-z@.]{0,12}"), traits in value()) {
            let mut problems = Problems::default();
            if let Some(p) = identify_properties(user.as_deref(), &traits, &mut problems) {
                check_properties(&p);
                prop_assert!(matches!(p.get("email"), Some(Value::String(e)) if !e.is_empty()));
                let text = commands_json(&[Command::Identify(p)]);
                prop_assert!(Value::parse(&text, &mut false).is_some());
            }
        }

        #[test]
        fn custom_events_stay_within_fifty_clean_properties(name in any::<String>(), props in value()) {
            let mut problems = Problems::default();
            let Some(c) = custom_behavioral_event("42", &name, &props, &mut problems) else { return Ok(()) };
            let Command::TrackCustomBehavioralEvent { name, properties } = &c else { panic!() };
            prop_assert!(name.starts_with("pe"));
            prop_assert!(properties.len() <= MAX_CUSTOM_EVENT_PROPERTIES);
            check_properties(properties);
            prop_assert!(Value::parse(&commands_json(&[c]), &mut false).is_some());
        }

        #[test]
        fn track_events_reparse_and_hold_no_forbidden_keys(name in any::<String>(), props in value()) {
            let c = track_event(&name, &props, &mut Problems::default());
            let text = commands_json(&[c]);
            let parsed = Value::parse(&text, &mut false).expect("well-formed");
            fn no_forbidden(v: &Value) -> bool {
                match v {
                    Value::Object(m) => m.iter().all(|(k, v)| !["__proto__", "constructor", "prototype"].contains(&&**k) && no_forbidden(v)),
                    Value::Array(items) => items.iter().all(no_forbidden),
                    _ => true,
                }
            }
            prop_assert!(no_forbidden(&parsed));
        }

        #[test]
        fn trim_text_is_unicode_trim(core in any::<String>(), ends in "[ \t\n\u{85}\u{a0}\u{1680}\u{2000}-\u{200d}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}x]{0,4}") {
            let text = format!("{ends}{core}{ends}");
            let by_chars = text.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}'));
            prop_assert_eq!(trim_text(&text), by_chars);
        }

    }
}
