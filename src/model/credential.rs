use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use tsify::Tsify;

use super::lenient::{self, Text};
use super::record::{self, plain, Fields, FromRecord};

/// A credential (`GET /credential`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct Credential {
    /// The unique, system assigned id of the credential.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// The card number.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub card_num: Option<String>,
    /// The credential registration key.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub credential_key: Option<String>,
    /// Whether the credential is claimed: `"Claimed"` or `"Unclaimed"`.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "\"Claimed\" | \"Unclaimed\"")]
    pub claim_status: Option<String>,
    /// The holder. The reference defines an object and shows an array of one (API-ERRATA #11):
    /// both are read, and the SDK always gives an object.
    #[serde(default, deserialize_with = "holder", skip_serializing_if = "Option::is_none")]
    pub user: Option<CredentialHolder>,
}

/// The abbreviated user holding a credential.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct CredentialHolder {
    /// The user's id.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// The user's name, `"Last, First"`.
    #[serde(default)]
    pub name: String,
}

fn holder<'de, D: Deserializer<'de>>(d: D) -> Result<Option<CredentialHolder>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrList {
        One(CredentialHolder),
        List(Vec<CredentialHolder>),
    }
    Ok(match Option::<OneOrList>::deserialize(d)? {
        None => None,
        Some(OneOrList::One(h)) => Some(h),
        Some(OneOrList::List(list)) => list.into_iter().next(),
    })
}

/// Counts of claimed and unclaimed credentials (`GET /credentialsummary`; the reference gives
/// no shape, API-ERRATA #20).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct CredentialSummary {
    /// Credentials claimed in the mobile app.
    #[serde(default)]
    pub claimed: u64,
    /// Credentials not yet claimed.
    #[serde(default)]
    pub unclaimed: u64,
    /// All credentials.
    #[serde(default)]
    pub total: u64,
}

/// A credential to reissue (`POST /credential`, pending release: API-ERRATA #20).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct CredentialReissue {
    /// The credential's system id: a number or digit text.
    pub id: Text,
}

/// The next free card number (`GET /nextcardnum`, pending release: API-ERRATA #20).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct NextCardNumber {
    /// The card number, as digit text.
    #[serde(deserialize_with = "lenient::opt_text")]
    pub card_num: Option<String>,
}

impl FromRecord for Credential {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "Credential", 5)?;
        let credential = Credential {
            id: f.required("id", record::id),
            card_num: f.get("card_num", record::opt_text),
            credential_key: f.get("credential_key", record::opt_text),
            claim_status: f.get("claim_status", record::opt_text),
            user: f.get("user", holder_record),
        };
        f.finish(credential)
    }
}

/// The holder as [`holder`] reads it: an object, or the first of a list.
fn holder_record(v: &Value) -> Result<Option<CredentialHolder>, String> {
    if v.is_null() {
        return Ok(None);
    }
    CredentialHolder::from_record(v)
        .map(Some)
        .or_else(|_| match v {
            Value::Array(_) => record::list::<CredentialHolder>(v).map(|list| list.into_iter().next()),
            _ => Err(String::new()),
        })
        .map_err(|_| "data did not match any variant of untagged enum OneOrList".to_string())
}

impl FromRecord for CredentialHolder {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "CredentialHolder", 2)?;
        let holder = CredentialHolder { id: f.required("id", record::id), name: f.get("name", plain) };
        f.finish(holder)
    }
}

impl FromRecord for CredentialSummary {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "CredentialSummary", 3)?;
        let summary = CredentialSummary { claimed: f.get("claimed", plain), unclaimed: f.get("unclaimed", plain), total: f.get("total", plain) };
        f.finish(summary)
    }
}

impl FromRecord for NextCardNumber {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "NextCardNumber", 1)?;
        let next = NextCardNumber { card_num: f.required("card_num", record::opt_text) };
        f.finish(next)
    }
}
