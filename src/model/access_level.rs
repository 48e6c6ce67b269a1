use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

use super::lenient;
use super::record::{self, Fields, FromRecord};

/// An access level: a group of doors tied to a schedule (`GET /accesslevel`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct AccessLevel {
    /// The unique, system assigned id of the access level.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// The name of the access level.
    #[serde(default)]
    pub name: String,
    /// The doors of the level; empty when the API leaves the field out (no doors assigned).
    #[serde(default, deserialize_with = "lenient::list")]
    pub doors: Vec<DoorRef>,
}

/// An abbreviated door inside an access level.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct DoorRef {
    /// The door's id.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// The door's name.
    #[serde(default)]
    pub name: String,
}

/// An access level assigned to a user or fob: `{ id }`, with `name` on read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct AccessLevelRef {
    /// The access level's id.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// The access level's name (returned on read, ignored on write).
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

pub use lockt_rules::model::AccessLevelInput;

impl FromRecord for AccessLevel {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "AccessLevel", 3)?;
        let level = AccessLevel { id: f.required("id", record::id), name: f.get("name", record::text), doors: f.get("doors", record::list) };
        f.finish(level)
    }
}

impl FromRecord for DoorRef {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "DoorRef", 2)?;
        let door = DoorRef { id: f.required("id", record::id), name: f.get("name", record::text) };
        f.finish(door)
    }
}

impl FromRecord for AccessLevelRef {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "AccessLevelRef", 2)?;
        let level = AccessLevelRef { id: f.required("id", record::id), name: f.get("name", record::opt_text) };
        f.finish(level)
    }
}
