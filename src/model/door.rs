use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

use super::lenient;
use super::record::{self, plain, Fields, FromRecord};

/// An access-controlled door (`GET /door`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct Door {
    /// The unique, system assigned id of the door.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// Text description of the door type.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// The name of the door.
    #[serde(default)]
    pub name: String,
    /// The location of the door.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Whether the door is enabled.
    #[serde(default, deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The controller the door is attached to.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
}

/// A door to create (`POST /door`). Required: a non-empty `name`, unique among the doors.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct DoorInput {
    /// The name of the door.
    pub name: String,
}

/// A door's battery level (`GET /doorstate`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct DoorState {
    /// The door's id.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// The door's name.
    #[serde(default)]
    pub name: String,
    /// Battery level as a fraction from 0 to 1; absent when not applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery_level: Option<f64>,
}

impl FromRecord for Door {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "Door", 6)?;
        let door = Door {
            id: f.required("id", record::id),
            r#type: f.get("type", record::opt_text),
            name: f.get("name", plain),
            location: f.get("location", record::opt_text),
            enabled: f.get("enabled", record::opt_bool),
            controller: f.get("controller", record::opt_text),
        };
        f.finish(door)
    }
}

impl FromRecord for DoorState {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "DoorState", 3)?;
        let state = DoorState { id: f.required("id", record::id), name: f.get("name", plain), battery_level: f.get("battery_level", plain) };
        f.finish(state)
    }
}
