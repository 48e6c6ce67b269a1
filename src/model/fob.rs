use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

use super::access_level::AccessLevelRef;
use super::lenient::{self, Text};
use super::record::{self, Fields, FromRecord};

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

impl FromRecord for Fob {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "Fob", 10)?;
        let fob = Fob {
            id: f.required("id", record::id),
            id_num: f.get("id_num", record::opt_text),
            name: f.get("name", record::opt_text),
            card_num: f.get("card_num", record::opt_text),
            credential_key: f.get("credential_key", record::opt_text),
            enabled: f.get("enabled", record::opt_bool),
            access_effective: f.get("access_effective", record::opt_time),
            access_expires: f.get("access_expires", record::opt_time),
            user_id: f.get("user_id", record::opt_id),
            accesslevels: f.get("accesslevels", record::list),
        };
        f.finish(fob)
    }
}

impl FromRecord for FobActivity {
    /// As serde reads the flattened fob: `last_activity` first, then the fob's own fields.
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of_object(v, "FobActivity")?;
        let last_activity = f.get("last_activity", record::opt_time);
        f.finish(())?;
        Ok(FobActivity { fob: Fob::from_record(v)?, last_activity })
    }
}
