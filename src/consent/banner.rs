//! HubSpot's cookie banner as Segment's consent source: which Segment category ids each of the
//! banner's categories stands for, and the Segment categories a banner choice grants.

use crate::mapping::trim_text;
use crate::value::{concat, Value};
use std::borrow::Cow;

/// HubSpot's consent categories, as its banner names them.
pub const HUBSPOT_CATEGORIES: [&str; 4] = ["necessary", "analytics", "advertisement", "functionality"];

/// Why the banner helper's `categories` option was refused. The page is told
/// [`BannerMappingError::message`], as a JavaScript `Error` (`browser`).
#[derive(Clone, Debug, PartialEq)]
pub enum BannerMappingError {
    /// `categories` is not an object, or maps no category.
    NoMapping,
    /// A key that is not one of [`HUBSPOT_CATEGORIES`].
    UnknownCategory(String),
    /// A HubSpot category mapped to something other than Segment category ids.
    NotCategoryIds(&'static str),
}

impl BannerMappingError {
    /// What the page is told: the key at fault, if one is, and what the option takes.
    pub fn message(&self) -> String {
        let key = match self {
            BannerMappingError::NoMapping => "",
            BannerMappingError::UnknownCategory(key) => key,
            BannerMappingError::NotCategoryIds(key) => key,
        };
        concat(&[
            "hubspot-wasm: invalid setting categories",
            if key.is_empty() { "" } else { "." },
            key,
            ": expected { analytics, advertisement, functionality, necessary } mapped to category ids",
        ])
    }
}

/// Which Segment category ids each of HubSpot's banner categories stands for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BannerMapping {
    /// (HubSpot's category, a Segment category id), one pair per id.
    pairs: Vec<(&'static str, String)>,
}

impl BannerMapping {
    /// From `{ analytics: 'C0002', advertisement: ['C0004', 'C0005'], … }`: each key one of HubSpot's
    /// categories, each value a Segment category id or a list of them. The error names the key.
    pub fn from_value(mapping: &Value<'_>) -> Result<BannerMapping, BannerMappingError> {
        let Value::Object(members) = mapping else { return Err(BannerMappingError::NoMapping) };
        let mut pairs = Vec::new();
        for (key, ids) in members {
            let Some(category) = HUBSPOT_CATEGORIES.iter().find(|c| **c == &**key) else {
                return Err(BannerMappingError::UnknownCategory(String::from(&**key)));
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
                    return Err(BannerMappingError::NotCategoryIds(category));
                }
                pairs.push((*category, id.to_owned()));
            }
        }
        if pairs.is_empty() {
            return Err(BannerMappingError::NoMapping);
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
        use BannerMappingError::*;
        for (bad, error) in [
            (r#"{}"#, NoMapping),
            (r#"[]"#, NoMapping),
            (r#"{"analytics":[]}"#, NoMapping),
            (r#"{"marketing":"C1"}"#, UnknownCategory("marketing".into())),
            (r#"{"analytics":""}"#, NotCategoryIds("analytics")),
            (r#"{"analytics":[1]}"#, NotCategoryIds("analytics")),
            (r#"{"analytics":null}"#, NotCategoryIds("analytics")),
        ] {
            assert_eq!(BannerMapping::from_value(&value(bad)), Err(error), "{bad}");
        }
        let expected = ": expected { analytics, advertisement, functionality, necessary } mapped to category ids";
        assert_eq!(NoMapping.message(), ["hubspot-wasm: invalid setting categories", expected].concat());
        assert_eq!(
            UnknownCategory("marketing".into()).message(),
            ["hubspot-wasm: invalid setting categories.marketing", expected].concat()
        );
    }
}
