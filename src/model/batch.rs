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
