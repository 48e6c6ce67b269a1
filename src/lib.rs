//! Lockt SecureAccess Cloud API v1 SDK.
use wasm_bindgen::prelude::*;

pub mod api;
pub mod batch;
pub mod csv_import;
pub mod error;
pub mod model;
pub mod wasm;
pub mod workflows;
pub mod validate;

/// The SDK's version, from Cargo.toml.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
