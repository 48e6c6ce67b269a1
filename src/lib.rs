//! Lockt SecureAccess Cloud API v1 SDK.
use wasm_bindgen::prelude::*;

pub use lockt_rules::{csv_import, validate};

pub mod api;
pub mod batch;
pub mod engine;
pub mod error;
pub mod json;
pub mod model;
/// The client's options (the offline validators take none of these).
#[cfg(feature = "client")]
pub mod options;
pub mod wasm;

/// The SDK's version, from Cargo.toml.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The validators' module (built without the client) allocates with talc: a third of
/// dlmalloc's code, as fast here. The SDK keeps the standard library's allocator.
#[cfg(all(target_arch = "wasm32", not(feature = "client")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
