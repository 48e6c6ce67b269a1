//! `lockt.credentials`: list, summary, reissue.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::calls::{batch_write, handle, read, shaped_list};
use super::json_to_js;
use crate::api::{parse_single_text, ApiRequest, Method};
use crate::model::shape;
use crate::validate;

handle!(
    CredentialsApi,
    "Credentials (`/credential`, `/credentialsummary`).",
    list shaped_list(&shape::CREDENTIAL),
    "credential",
    "credentials.list",
    "Promise<Credential[]>",
    "Every credential (`GET /credential`)."
);

#[wasm_bindgen]
impl CredentialsApi {
    /// Claimed and unclaimed counts (`GET /credentialsummary`).
    #[wasm_bindgen(unchecked_return_type = "Promise<CredentialSummary>")]
    pub fn summary(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> Promise {
        read(
            &self.fetch,
            Ok(ApiRequest::get("credentialsummary")),
            options,
            "credentials.summary",
            Box::new(|resp| json_to_js(&parse_single_text(resp, &shape::CREDENTIAL_SUMMARY)?)),
        )
    }

    /// Reissues credentials by id (`POST /credential`, pending release).
    #[wasm_bindgen(unchecked_return_type = "Promise<BatchReport>")]
    pub fn reissue(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CredentialReissue[]")] items: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: Option<JsValue>,
    ) -> Promise {
        let target = (Method::Post, "credential", "credentials", None);
        batch_write::<validate::CredentialReissues>(&self.fetch, target, items, options, "credentials.reissue")
    }
}
