//! Lockt SecureAccess Cloud API v1 SDK.
use wasm_bindgen::prelude::*;

pub mod api;
pub mod batch;
pub mod csv_import;
pub mod error;
pub mod model;
pub mod validate;
pub mod wasm;
pub mod workflows;

/// The SDK's version, from Cargo.toml.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
