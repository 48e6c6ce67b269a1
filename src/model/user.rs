use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

use super::access_level::{AccessLevelInput, AccessLevelRef};
use super::lenient::{self, Flag, Text};
use super::record::{self, Fields, FromRecord};

/// A card holder as the API returns it (`GET /user`).
///
/// The reference's list example shows fob-like records with `name` instead of first and last
/// name (API-ERRATA #12), so every name field is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct User {
    /// The unique, system assigned id of the user.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// Unique id number supplied by the external system.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub id_num: Option<String>,
    /// First name.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// A single display name, present on some records instead of first/last name.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The card number assigned to the user (digits).
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub card_num: Option<String>,
    /// The credential registration key assigned to the user.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub credential_key: Option<String>,
    /// Email address.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Numeric PIN, as text (API-ERRATA #6).
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// When access starts, as the API wrote it (e.g. `2022-05-05T09:00:00.000Z`); absent when not set.
    #[serde(default, deserialize_with = "lenient::opt_time", skip_serializing_if = "Option::is_none")]
    pub access_effective: Option<String>,
    /// When access ends, as the API wrote it; absent when not set.
    #[serde(default, deserialize_with = "lenient::opt_time", skip_serializing_if = "Option::is_none")]
    pub access_expires: Option<String>,
    /// Whether the user is enabled.
    #[serde(default, deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The access levels assigned to the user (empty when none are listed).
    #[serde(default, deserialize_with = "lenient::list")]
    pub accesslevels: Vec<AccessLevelRef>,
}

/// A card holder to create or update (`POST /user`, `POST /uservalidate`).
///
/// Required: at least one of `first_name`, `last_name` or `id_num`. Dates take
/// `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD`, or the ISO form the API returns; `""` clears them.
/// Numbers are accepted where the API wants digit text (`card_num`, `pin`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct UserInput {
    /// The system id of an existing user (for updates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Text>,
    /// Unique id number supplied by the external system; matches existing users on update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_num: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Card number: digits only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_num: Option<Text>,
    /// Credential registration key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_key: Option<String>,
    /// Email address (WHATWG valid e-mail address); matches existing users on update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// PIN: digits only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<Text>,
    /// When access starts; `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_effective: Option<String>,
    /// When access ends; `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires: Option<String>,
    /// Whether the user is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<Flag>,
    /// Access levels to assign, by id or by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accesslevels: Option<Vec<AccessLevelInput>>,
}

impl FromRecord for User {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "User", 14)?;
        let user = User {
            id: f.required("id", record::id),
            id_num: f.get("id_num", record::opt_text),
            first_name: f.get("first_name", record::opt_text),
            last_name: f.get("last_name", record::opt_text),
            name: f.get("name", record::opt_text),
            card_num: f.get("card_num", record::opt_text),
            credential_key: f.get("credential_key", record::opt_text),
            email: f.get("email", record::opt_text),
            phone: f.get("phone", record::opt_text),
            pin: f.get("pin", record::opt_text),
            access_effective: f.get("access_effective", record::opt_time),
            access_expires: f.get("access_expires", record::opt_time),
            enabled: f.get("enabled", record::opt_bool),
            accesslevels: f.get("accesslevels", record::list),
        };
        f.finish(user)
    }
}
