use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use tsify::Tsify;

use super::lenient::{self, Text};
use super::record::{self, Fields, FromRecord};

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

super::shape::from_record_by_shape!(Credential, super::shape::CREDENTIAL);
super::shape::from_record_by_shape!(CredentialSummary, super::shape::CREDENTIAL_SUMMARY);

impl FromRecord for NextCardNumber {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "NextCardNumber", 1)?;
        let next = NextCardNumber { card_num: f.required("card_num", record::opt_text) };
        f.finish(next)
    }
}
