use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// The server's counts for one write call, or summed over a batch run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Tsify)]
pub struct BatchSummary {
    /// Records submitted.
    #[serde(default)]
    pub submitted: u64,
    /// Records inserted.
    #[serde(default)]
    pub inserted: u64,
    /// Records updated.
    #[serde(default)]
    pub updated: u64,
    /// Records that failed.
    #[serde(default)]
    pub errors: u64,
}

impl std::ops::AddAssign for BatchSummary {
    fn add_assign(&mut self, other: Self) {
        self.submitted += other.submitted;
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.errors += other.errors;
    }
}

/// Processing options for `users.save` and `users.validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct UserOptions {
    /// Update users matched by `id_num` or email instead of ignoring them. Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_existing: Option<bool>,
    /// Fail a whole call when one record is invalid, and send nothing when any record fails
    /// client-side validation. Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_fails_batch: Option<bool>,
    /// Replace the users' access levels instead of adding to them. Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_privileges: Option<bool>,
}

/// Processing options for `doors.create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct DoorOptions {
    /// Fail a whole call when one record is invalid. Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_fails_batch: Option<bool>,
}

/// Processing options for `fobs.create` and `fobs.reassign`.
pub type FobOptions = DoorOptions;
