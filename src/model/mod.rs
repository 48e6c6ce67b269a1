//! Records of the Lockt Cloud API v1, as the SDK reads and writes them.
//!
//! Read records (`User`, `Door`, ...) are lenient: every field but `id` is optional, numbers
//! sent as text are accepted, and the empty string `""` that the API uses for "not set" dates
//! is read as an absent field (API-ERRATA #7). Input records (`UserInput`, `FobInput`, ...)
//! are what callers pass in; the validators turn them into the wire form the API documents.
//! Field names keep the API's wire names (`id_num`, `card_num`).

mod access_level;
mod batch;
mod credential;
mod door;
mod event;
#[cfg(test)]
mod field_lists;
mod fob;
mod lenient;
mod record;
mod schedule;
pub mod shape;
mod user;

pub use access_level::{AccessLevel, AccessLevelInput, AccessLevelRef, DoorRef};
pub use batch::BatchSummary;
pub use credential::{Credential, CredentialHolder, CredentialReissue, CredentialSummary, NextCardNumber};
pub use door::{Door, DoorInput, DoorState};
pub use event::Event;
pub use fob::{Fob, FobActivity, FobAssignment, FobInput};
pub use lenient::{number_text, scalar_text, Flag, Text};
pub(crate) use record::try_map;
pub use record::FromRecord;
pub use schedule::Schedule;
pub use user::{User, UserInput};
