//! `lockt.accessLevels`: list.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::calls::{handle, typed_list};
use crate::model::AccessLevel;

handle!(
    AccessLevelsApi,
    "Access levels (`/accesslevel`).",
    list typed_list::<AccessLevel>(),
    "accesslevel",
    "accessLevels.list",
    "Promise<AccessLevel[]>",
    "Every access level with its doors (`GET /accesslevel`)."
);
