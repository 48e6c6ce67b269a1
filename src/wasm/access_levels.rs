//! `lockt.accessLevels`: list.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::calls::handle;
use crate::model::AccessLevel;

handle!(
    AccessLevelsApi,
    "Access levels (`/accesslevel`).",
    list AccessLevel,
    "accesslevel",
    "accessLevels.list",
    "Promise<AccessLevel[]>",
    "Every access level with its doors (`GET /accesslevel`)."
);
