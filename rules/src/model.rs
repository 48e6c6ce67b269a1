//! The model types the rules share with the SDK's API models (re-exported there).

use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// An access level to assign: by `id`, or by `name` (the client resolves names to ids with
/// `GET /accesslevel` before sending; the API itself takes ids only).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct AccessLevelInput {
    /// The access level's id: a positive integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The access level's name, resolved to its id by the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A JSON number as text, as JSON writes it. Goes through serde_json's writer (itoa, ryu)
/// rather than `Display`, which would link core's float formatting (about 14 kB of wasm).
pub fn number_text(n: &serde_json::Number) -> String {
    serde_json::to_string(n).unwrap_or_default()
}
