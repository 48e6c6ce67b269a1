use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::lenient;

/// A weekly schedule (`GET /schedule`). `d0` is Monday, `d6` Sunday; each is 0 or 1.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct Schedule {
    /// The unique, system assigned id of the schedule.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// The name of the schedule.
    #[serde(default)]
    pub name: String,
    /// Monday.
    #[serde(default)]
    pub d0: u8,
    /// Tuesday.
    #[serde(default)]
    pub d1: u8,
    /// Wednesday.
    #[serde(default)]
    pub d2: u8,
    /// Thursday.
    #[serde(default)]
    pub d3: u8,
    /// Friday.
    #[serde(default)]
    pub d4: u8,
    /// Saturday.
    #[serde(default)]
    pub d5: u8,
    /// Sunday.
    #[serde(default)]
    pub d6: u8,
    /// Start time, `HH:MM:SS`.
    #[serde(default)]
    pub start: String,
    /// Stop time, `HH:MM:SS`.
    #[serde(default)]
    pub stop: String,
}

super::shape::from_record_by_shape!(Schedule, super::shape::SCHEDULE);
