use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

use super::lenient;
use super::record::{self, Fields, FromRecord};

/// An event from the system's log (`GET /events`).
///
/// The reference's table says `event_time`, its examples say `hw_time` (API-ERRATA #9): both
/// are kept when present. Some events carry no `subcode`/`subcode_text`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct Event {
    /// The unique, sequential id of the event.
    #[serde(deserialize_with = "lenient::id")]
    pub id: u64,
    /// The device that caused the event.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// The event code (e.g. 48 Access Granted, 49 Access Denied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// The event code as text.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub code_text: Option<String>,
    /// The event sub-code, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcode: Option<i64>,
    /// The event sub-code as text, when there is one.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub subcode_text: Option<String>,
    /// The schedule's name, if applicable.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// The controller's name, if applicable.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
    /// The location of the device, if applicable.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The card number involved.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub card_num: Option<String>,
    /// The user's name.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The event category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<i64>,
    /// The event category as text.
    #[serde(default, deserialize_with = "lenient::opt_text", skip_serializing_if = "Option::is_none")]
    pub category_text: Option<String>,
    /// The time the device reported (the examples' name for the event time).
    #[serde(default, deserialize_with = "lenient::opt_time", skip_serializing_if = "Option::is_none")]
    pub hw_time: Option<String>,
    /// The event time under the name the reference's table uses, when a server sends it.
    #[serde(default, deserialize_with = "lenient::opt_time", skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// When the event was recorded in the system.
    #[serde(default, deserialize_with = "lenient::opt_time", skip_serializing_if = "Option::is_none")]
    pub db_time: Option<String>,
}

impl FromRecord for Event {
    fn from_record(v: &Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "Event", 16)?;
        let event = Event {
            id: f.required("id", record::id),
            device: f.get("device", record::opt_text),
            code: f.get("code", record::opt_signed),
            code_text: f.get("code_text", record::opt_text),
            subcode: f.get("subcode", record::opt_signed),
            subcode_text: f.get("subcode_text", record::opt_text),
            schedule: f.get("schedule", record::opt_text),
            controller: f.get("controller", record::opt_text),
            location: f.get("location", record::opt_text),
            card_num: f.get("card_num", record::opt_text),
            user: f.get("user", record::opt_text),
            category: f.get("category", record::opt_signed),
            category_text: f.get("category_text", record::opt_text),
            hw_time: f.get("hw_time", record::opt_time),
            event_time: f.get("event_time", record::opt_time),
            db_time: f.get("db_time", record::opt_time),
        };
        f.finish(event)
    }
}
