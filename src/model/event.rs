use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::lenient;

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
