//! The client-side rules of lockt-secureaccess: validation of the records the API takes
//! (`validate`), the CSV import of users (`csv_import`), and the one model type they share.
//! Re-exported by the SDK crate under the same paths.

pub mod csv_import;
pub mod model;
pub mod validate;
