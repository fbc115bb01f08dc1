//! HubSpot's cookie banner as Segment's consent source: which Segment category ids each of the
//! banner's categories stands for, and the Segment categories a banner choice grants.

use crate::mapping::trim_text;
use crate::value::{concat, Value};
use std::borrow::Cow;

/// HubSpot's consent categories, as its banner names them.
pub const HUBSPOT_CATEGORIES: [&str; 4] = ["necessary", "analytics", "advertisement", "functionality"];

/// Which Segment category ids each of HubSpot's banner categories stands for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BannerMapping {
    /// (HubSpot's category, a Segment category id), one pair per id.
    pairs: Vec<(&'static str, String)>,
}

impl BannerMapping {
    /// From `{ analytics: 'C0002', advertisement: ['C0004', 'C0005'], … }`: each key one of HubSpot's
    /// categories, each value a Segment category id or a list of them. The error names the key.
    pub fn from_value(mapping: &Value<'_>) -> Result<BannerMapping, String> {
        let invalid = |what: &str| {
            concat(&[
                "hubspot-wasm: invalid setting categories",
                what,
                ": expected { analytics, advertisement, functionality, necessary } mapped to Segment category ids",
            ])
        };
        let Value::Object(members) = mapping else { return Err(invalid("")) };
        let mut pairs = Vec::new();
        for (key, ids) in members {
            let Some(category) = HUBSPOT_CATEGORIES.iter().find(|c| **c == &**key) else {
                return Err(invalid(&concat(&[".", key])));
            };
            let ids = match ids {
                Value::Array(ids) => ids.as_slice(),
                id => std::slice::from_ref(id),
            };
            for id in ids {
                let id = match id {
                    Value::String(id) => trim_text(id),
                    _ => "",
                };
                if id.is_empty() {
                    return Err(invalid(&concat(&[".", key])));
                }
                pairs.push((*category, id.to_owned()));
            }
        }
        if pairs.is_empty() {
            return Err(invalid(""));
        }
        Ok(BannerMapping { pairs })
    }

    /// The Segment categories of a HubSpot banner choice (`{ allowed, categories: { analytics, … } }`):
    /// an id is granted when every HubSpot category mapped to it is. Without categories (a banner
    /// that only allows or not), `allowed` stands for all of them; without a choice, nothing is.
    pub fn categories(&self, choice: &Value<'_>) -> Value<'static> {
        let allowed = matches!(choice.get("allowed"), Some(Value::Bool(true)));
        let chosen = choice.get("categories").filter(|c| matches!(c, Value::Object(_)));
        let granted = |category: &str| match chosen {
            Some(categories) => matches!(categories.get(category), Some(Value::Bool(true))),
            None => allowed,
        };
        let mut out: Vec<(Cow<'static, str>, Value<'static>)> = Vec::new();
        for (category, id) in &self.pairs {
            let granted = granted(category);
            match out.iter_mut().find(|(known, _)| known == id) {
                Some((_, Value::Bool(all))) => *all &= granted,
                _ => out.push((Cow::Owned(id.clone()), Value::Bool(granted))),
            }
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> Value<'_> {
        Value::parse(json, &mut false).unwrap()
    }

    #[test]
    fn hubspot_banner_choices_become_segment_categories() {
        let mapping = BannerMapping::from_value(&value(
            r#"{"analytics":"C0002","advertisement":["C0004","C0005"],"functionality":" C0003 ","necessary":"C0002"}"#,
        ))
        .unwrap();
        let chosen = mapping.categories(&value(
            r#"{"allowed":true,"categories":{"necessary":true,"analytics":true,"advertisement":false,"functionality":true}}"#,
        ));
        assert_eq!(chosen.to_json(), r#"{"C0002":true,"C0004":false,"C0005":false,"C0003":true}"#);
        let declined =
            mapping.categories(&value(r#"{"allowed":true,"categories":{"necessary":true,"analytics":false}}"#));
        assert_eq!(
            declined.to_json(),
            r#"{"C0002":false,"C0004":false,"C0005":false,"C0003":false}"#,
            "all must be granted"
        );
        assert_eq!(
            mapping.categories(&value(r#"{"allowed":true}"#)).to_json(),
            r#"{"C0002":true,"C0004":true,"C0005":true,"C0003":true}"#
        );
        assert_eq!(
            mapping.categories(&Value::Null).to_json(),
            r#"{"C0002":false,"C0004":false,"C0005":false,"C0003":false}"#
        );
    }

    #[test]
    fn banner_mappings_are_validated() {
        for bad in [
            r#"{}"#,
            r#"[]"#,
            r#"{"marketing":"C1"}"#,
            r#"{"analytics":""}"#,
            r#"{"analytics":[1]}"#,
            r#"{"analytics":null}"#,
        ] {
            let error = BannerMapping::from_value(&value(bad)).unwrap_err();
            assert!(error.contains("invalid setting categories"), "{bad}: {error}");
        }
        assert!(BannerMapping::from_value(&value(r#"{"marketing":"C1"}"#))
            .unwrap_err()
            .contains("categories.marketing"));
    }
}
