//! `lockt.schedules`: list.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::calls::{handle, list};
use crate::model::Schedule;

handle!(SchedulesApi, "Schedules (`/schedule`).");

#[wasm_bindgen]
impl SchedulesApi {
    /// Every schedule (`GET /schedule`); `d0` is Monday.
    #[wasm_bindgen(unchecked_return_type = "Promise<Schedule[]>")]
    pub fn list(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        list::<Schedule>(&self.fetch, "schedule", options)
    }
}
