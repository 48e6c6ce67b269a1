use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

use super::lenient;
use super::record::{self, plain, Fields, FromRecord};

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

impl FromRecord for Schedule {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "Schedule", 11)?;
        let schedule = Schedule {
            id: f.required("id", record::id),
            name: f.get("name", plain),
            d0: f.get("d0", plain),
            d1: f.get("d1", plain),
            d2: f.get("d2", plain),
            d3: f.get("d3", plain),
            d4: f.get("d4", plain),
            d5: f.get("d5", plain),
            d6: f.get("d6", plain),
            start: f.get("start", plain),
            stop: f.get("stop", plain),
        };
        f.finish(schedule)
    }
}
