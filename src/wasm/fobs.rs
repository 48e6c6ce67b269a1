//! `lockt.fobs`: list, create, reassign, check.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::calls::{batch_write, handle, list, shaped_list};
use crate::api::Method;
use crate::batch::{FOB_READ_BACK, FOB_REASSIGN_READ_BACK};
use crate::model::shape;
use crate::validate;

handle!(
    FobsApi,
    "Fobs (`/fob`, `/fobcheck`).",
    list shaped_list(&shape::FOB),
    "fob",
    "fobs.list",
    "Promise<Fob[]>",
    "Every fob (`GET /fob`)."
);

#[wasm_bindgen]
impl FobsApi {
    /// Creates any number of fobs (`POST /fob`, 100 per call).
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FobInput[]")] fobs: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: Option<JsValue>,
    ) -> Promise {
        let target = (Method::Post, "fob", "fobs", Some(FOB_READ_BACK));
        batch_write::<validate::Fobs>(&self.fetch, target, fobs, options, "fobs.create")
    }

    /// Reassigns fobs to users, with new dates (`PUT /fob`, 100 per call).
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn reassign(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FobAssignment[]")] assignments: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: Option<JsValue>,
    ) -> Promise {
        let target = (Method::Put, "fob", "fobs", Some(FOB_REASSIGN_READ_BACK));
        batch_write::<validate::FobAssignments>(&self.fetch, target, assignments, options, "fobs.reassign")
    }

    /// Fobs with their last activity (`GET /fobcheck`, pending release).
    #[wasm_bindgen(unchecked_return_type = "Promise<FobActivity[]>")]
    pub fn check(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        list(&self.fetch, "fobcheck", options, "fobs.check", shaped_list(&shape::FOB_ACTIVITY))
    }
}
