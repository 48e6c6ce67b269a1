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

/// Writes `texts` into the module's tape buffer as the JS walk does; returns the length.
fn write_tape_text(texts: &[&str]) -> usize {
    let bytes: Vec<u8> = texts.concat().into_bytes();
    let start = offline::tape_reserve(0, bytes.len()) as u32;
    let memory: js_sys::WebAssembly::Memory = offline::tape_memory().unchecked_into();
    js_sys::Uint8Array::new_with_byte_offset_and_length(&memory.buffer(), start, bytes.len() as u32).copy_from(&bytes);
    bytes.len()
}

/// Writes `pieces` into the module's piece buffer as the JS walk does; returns the word count.
fn write_tape_pieces(pieces: &[u32]) -> usize {
    let start = offline::tape_reserve_pieces(0, pieces.len()) as u32;
    let memory: js_sys::WebAssembly::Memory = offline::tape_memory().unchecked_into();
    js_sys::Uint32Array::new_with_byte_offset_and_length(&memory.buffer(), start, pieces.len() as u32).copy_from(pieces);
    pieces.len()
}

#[wasm_bindgen_test]
fn validate_users_reports_the_references_bad_values_by_index() {
    use lockt_secureaccess::validate::tape::{NUMBER, PATCHED, RECORD, TEXT, VALID};
    // [{"first_name":"Ok","card_num":5599},{"first_name":"Rhea","card_num":"A8914","email":"rgreswell0@@@@gravatar.com"}],
    // on the field tape: first_name is slot 2, card_num 4, email 6.
    let texts = ["Ok", "5599", "Rhea", "A8914", "rgreswell0@@@@gravatar.com"];
    let length = write_tape_text(&texts);
    let piece = |tag: u32, slot: u32, text: &str| [tag | slot << 8, text.len() as u32];
    let mut pieces = vec![RECORD, 2];
    pieces.extend(piece(TEXT, 2, texts[0]).into_iter().chain(piece(NUMBER, 4, texts[1])));
    pieces.extend([RECORD, 3]);
    pieces.extend(piece(TEXT, 2, texts[2]).into_iter().chain(piece(TEXT, 4, texts[3])).chain(piece(TEXT, 6, texts[4])));
    let summary = json(&offline::validate_tape("users", length, write_tape_pieces(&pieces), 2).unwrap());
    // Record 0 is valid once its card number is text; record 1 is invalid.
    let words = offline::take_tape_words();
    assert_eq!(words[0], PATCHED);
    assert_ne!(words[0], VALID);
    assert_eq!(&words[1..4], &[1, 4, 1], "one patch, on card_num, of text");
    assert_eq!(offline::take_tape_text(), "5599");
    let invalid = Reflect::get_u32(&get(&summary, "i"), 0).unwrap();
    assert_eq!(Reflect::get_u32(&invalid, 0).unwrap(), 1);
    let messages: Vec<String> = js_sys::Array::from(&Reflect::get_u32(&invalid, 1).unwrap()).iter().map(|i| get(&i, "message").as_string().unwrap()).collect();
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

#[wasm_bindgen_test]
fn floats_are_written_as_serde_json_writes_them() {
    // The runtime's digits laid out as serde_json lays them out: whole floats, every layout's
    // edges, signed zeros, extremes, and random bit patterns.
    let mut values = vec![0.0, -0.0, 1.0, -1.0, 100.0, -250.0, 1.5, 0.1, 0.0001, 0.00001, 1e15, 1e16, 1e17, 1e21, 1e22, 1.8446744073709552e19];
    values.extend([5e-324, f64::MAX, f64::MIN, f64::MIN_POSITIVE, 123_456_789.125, 9_007_199_254_740_993.0, 3.456_789_012_345_678e-7]);
    for e in -30..30 {
        values.extend([10f64.powi(e), -1.5 * 10f64.powi(e), 1.234_567_890_123_456_7 * 10f64.powi(e)]);
    }
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        values.extend([f64::from_bits(state), (state % 100_000_000) as f64 / 1000.0].into_iter().filter(|f| f.is_finite()));
    }
    for v in values {
        assert_eq!(lockt_secureaccess::json::float_text(v), serde_json::to_string(&v).unwrap(), "{v:e}");
    }
}
