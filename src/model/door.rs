use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::lenient;

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

super::shape::from_record_by_shape!(Door, super::shape::DOOR);
super::shape::from_record_by_shape!(DoorState, super::shape::DOOR_STATE);
