//! `lockt.accessLevels`: list.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::calls::{handle, list};
use crate::model::AccessLevel;

handle!(AccessLevelsApi, "Access levels (`/accesslevel`).");

#[wasm_bindgen]
impl AccessLevelsApi {
    /// Every access level with its doors (`GET /accesslevel`).
    #[wasm_bindgen(unchecked_return_type = "Promise<AccessLevel[]>")]
    pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        list::<AccessLevel>(&self.fetch, "accesslevel", options)
    }
}
