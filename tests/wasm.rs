//! The wasm build itself, in Node and in headless Chromium (wasm-bindgen-test): exports,
//! errors as JS values, and a real `fetch` failing the way the SDK promises.
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use lockt_secureaccess::wasm::{client::LocktClient, offline};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn json(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(lockt_secureaccess::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn validate_users_reports_the_references_bad_values_by_index() {
    let report = offline::validate_users(json(r#"[{"first_name":"Ok","card_num":5599},{"first_name":"Rhea","card_num":"A8914","email":"rgreswell0@@@@gravatar.com"}]"#)).unwrap();
    assert_eq!(JSON::stringify(&get(&report, "validIndices")).unwrap(), "[0]");
    let valid = get(&report, "valid");
    assert_eq!(get(&Reflect::get_u32(&valid, 0).unwrap(), "card_num"), "5599");
    let invalid = Reflect::get_u32(&get(&report, "invalid"), 0).unwrap();
    assert_eq!(get(&invalid, "index"), 1);
    let messages: Vec<String> = js_sys::Array::from(&get(&invalid, "issues")).iter().map(|i| get(&i, "message").as_string().unwrap()).collect();
    assert_eq!(messages, ["Non-Numeric card_num found: A8914", "Invalid email address found: rgreswell0@@@@gravatar.com"]);
}

#[wasm_bindgen_test]
fn bad_settings_throw_a_config_error_without_the_key() {
    let err = LocktClient::new(json(r#"{"baseUrl":"http://cloudapi.lockt.com/api/v1","apiUser":"u","apiKey":"SECRET-KEY-123"}"#)).err().unwrap();
    assert_eq!(get(&err, "kind"), "config");
    assert!(err.is_instance_of::<js_sys::Error>());
    let text = format!("{} {}", get(&err, "message").as_string().unwrap(), JSON::stringify(&err).unwrap().as_string().unwrap());
    assert!(!text.contains("SECRET-KEY-123"));
}

#[wasm_bindgen_test]
async fn an_unreachable_api_is_a_network_error() {
    let client = LocktClient::new(json(r#"{"baseUrl":"http://127.0.0.1:9/api/v1","apiUser":"u","apiKey":"k","maxRetries":0}"#)).unwrap();
    let err = JsFuture::from(client.users().list(None)).await.unwrap_err();
    assert_eq!(get(&err, "kind"), "network");
    assert_eq!(get(&err, "retryable"), true);
}

#[wasm_bindgen_test]
async fn an_aborted_signal_is_an_aborted_error() {
    let client = LocktClient::new(json(r#"{"baseUrl":"http://127.0.0.1:9/api/v1","apiUser":"u","apiKey":"k"}"#)).unwrap();
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let options = js_sys::Object::new();
    Reflect::set(&options, &"signal".into(), &controller.signal()).unwrap();
    let err = JsFuture::from(client.doors().list(Some(options.into()))).await.unwrap_err();
    assert_eq!(get(&err, "kind"), "aborted");
}
