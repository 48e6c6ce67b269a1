use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::access_level::AccessLevelRef;
use super::lenient::{self, Text};

/// A credential tagged as a fob (`GET /fob`), per the Fob object table (API-ERRATA #13).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct Fob {
    /// The unique, system assigned id of the fob.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// Unique id number supplied by the external system.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub id_num: Option<String>,
    /// The name of the fob.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The card number assigned to the fob.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub card_num: Option<String>,
    /// The credential registration key assigned to the fob.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub credential_key: Option<String>,
    /// Whether the fob is enabled.
    #[serde(default, deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// When access starts; absent when not set.
    #[serde(default, deserialize_with = "lenient::opt_time", skip_serializing_if = "Option::is_none")]
    pub access_effective: Option<String>,
    /// When access ends; absent when not set.
    #[serde(default, deserialize_with = "lenient::opt_time", skip_serializing_if = "Option::is_none")]
    pub access_expires: Option<String>,
    /// The user the fob is assigned to, when the API says.
    #[serde(default, deserialize_with = "lenient::opt_id", skip_serializing_if = "Option::is_none")]
    pub user_id: Option<u64>,
    /// The access levels of the fob (empty when none are listed).
    #[serde(default, deserialize_with = "lenient::list")]
    pub accesslevels: Vec<AccessLevelRef>,
}

/// A fob with its last activity (`GET /fobcheck`, pending release: API-ERRATA #20).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct FobActivity {
    /// The fob.
    #[serde(flatten)]
    pub fob: Fob,
    /// When the fob was last used; absent when never.
    #[serde(default, deserialize_with = "lenient::opt_time", skip_serializing_if = "Option::is_none")]
    pub last_activity: Option<String>,
}

/// A fob to create (`POST /fob`). Required: `name` or `id_num`, and `card_num`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct FobInput {
    /// Unique id number supplied by the external system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_num: Option<String>,
    /// The name of the fob.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Card number: digits, as text or a number (API-ERRATA #15); sent as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_num: Option<Text>,
    /// When access starts; `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_effective: Option<String>,
    /// When access ends; `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires: Option<String>,
}

/// A fob reassignment (`PUT /fob`): give fob `id` to user `user_id`, with new dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct FobAssignment {
    /// The fob's system id: a number or digit text (API-ERRATA #14); sent as text.
    pub id: Text,
    /// The receiving user's system id: a number or digit text; sent as text.
    pub user_id: Text,
    /// When access starts; `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_effective: Option<String>,
    /// When access ends; `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires: Option<String>,
}

super::shape::from_record_by_shape!(Fob, super::shape::FOB);
super::shape::from_record_by_shape!(FobActivity, super::shape::FOB_ACTIVITY);
