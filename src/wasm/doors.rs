//! `lockt.doors`: list, create, battery states.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::calls::{batch_write, handle, list, shaped_list};
use crate::api::Method;
use crate::batch::DOOR_READ_BACK;
use crate::model::shape;
use crate::validate;

handle!(
    DoorsApi,
    "Doors (`/door`, `/doorstate`).",
    list shaped_list(&shape::DOOR),
    "door",
    "doors.list",
    "Promise<Door[]>",
    "Every access-controlled door (`GET /door`)."
);

#[wasm_bindgen]
impl DoorsApi {
    /// Creates any number of doors (`POST /door`, 100 per call).
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DoorInput[]")] doors: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: Option<JsValue>,
    ) -> Promise {
        let target = (Method::Post, "door", "doors", Some(DOOR_READ_BACK));
        batch_write::<validate::Doors>(&self.fetch, target, doors, options, "doors.create")
    }

    /// Battery levels of the doors (`GET /doorstate`).
    #[wasm_bindgen(unchecked_return_type = "Promise<DoorState[]>")]
    pub fn states(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        list(&self.fetch, "doorstate", options, "doors.states", shaped_list(&shape::DOOR_STATE))
    }
}
