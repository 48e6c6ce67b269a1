//! Records in the wire form the API documents, as the validators produce them.
//!
//! Text is trimmed; `""` is kept where the caller gave it (it clears the field); fields the
//! caller left out (or set to `null`) stay out. Text borrows from the input where the wire
//! form is the caller's own text, so a valid record costs no copy.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use crate::model::AccessLevelInput;

/// A user for `POST /user`, validated and normalized.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct WireUser<'a> {
    /// The system id of an existing user, as a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Unique id number supplied by the external system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_num: Option<Cow<'a, str>>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<Cow<'a, str>>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<Cow<'a, str>>,
    /// Card number: digit text (or `""`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_num: Option<Cow<'a, str>>,
    /// Credential registration key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_key: Option<Cow<'a, str>>,
    /// Email address, sanitized as `<input type=email>` does (or `""`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Cow<'a, str>>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Cow<'a, str>>,
    /// PIN: digit text (or `""`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<Cow<'a, str>>,
    /// When access starts: `YYYY-MM-DD HH:MM:SS`, or `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_effective: Option<Cow<'a, str>>,
    /// When access ends: `YYYY-MM-DD HH:MM:SS`, or `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires: Option<Cow<'a, str>>,
    /// `"true"` or `"false"`: the string form of the reference's request examples (API-ERRATA #5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "\"true\" | \"false\"")]
    pub enabled: Option<Cow<'a, str>>,
    /// Access levels as `{ id }`, or `{ name }` still to be resolved to an id by the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accesslevels: Option<Vec<AccessLevelInput>>,
}

/// A fob for `POST /fob`, validated and normalized.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct WireFob<'a> {
    /// Unique id number supplied by the external system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_num: Option<Cow<'a, str>>,
    /// The name of the fob.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Cow<'a, str>>,
    /// Card number: digit text (API-ERRATA #15).
    pub card_num: Cow<'a, str>,
    /// When access starts: `YYYY-MM-DD HH:MM:SS`, or `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_effective: Option<Cow<'a, str>>,
    /// When access ends: `YYYY-MM-DD HH:MM:SS`, or `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires: Option<Cow<'a, str>>,
}

/// A fob reassignment for `PUT /fob`, validated and normalized.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct WireFobAssignment<'a> {
    /// The fob's system id as digit text (API-ERRATA #14).
    pub id: Cow<'a, str>,
    /// The receiving user's system id as digit text.
    pub user_id: Cow<'a, str>,
    /// When access starts: `YYYY-MM-DD HH:MM:SS`, or `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_effective: Option<Cow<'a, str>>,
    /// When access ends: `YYYY-MM-DD HH:MM:SS`, or `""` for "not set".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires: Option<Cow<'a, str>>,
}

/// A door for `POST /door`, validated and normalized.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct WireDoor<'a> {
    /// The door's name, trimmed and non-empty.
    pub name: Cow<'a, str>,
}

/// A credential to reissue (`POST /credential`, pending release: API-ERRATA #20).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct WireCredentialReissue {
    /// The credential's system id.
    pub id: u64,
}
