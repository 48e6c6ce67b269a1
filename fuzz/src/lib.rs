//! The fuzz targets' bodies, shared by the cargo-fuzz binaries (`fuzz_targets/`) and the
//! stable-Rust random loop (`tests/random_inputs.rs`). Each takes arbitrary bytes and must
//! return without panicking, whatever they hold.

use std::collections::BTreeMap;

use lockt_secureaccess::api::{self, RawResponse, ServerRecordError};
use lockt_secureaccess::csv_import::parse_users_csv;
use lockt_secureaccess::model::*;
use lockt_secureaccess::validate;
use serde_json::Value;

/// The statuses and content types a response body is tried with.
const ANSWERS: [(u16, &str); 6] = [
    (200, "application/json"),
    (200, "application/json; charset=utf-8"),
    (400, "application/json"),
    (200, "text/html"),
    (502, "text/html"),
    (429, "application/json"),
];

/// The response parsers: every list type, the single-object reads and the write answer,
/// with the bytes as the body of several kinds of answer.
pub fn parse_responses(data: &[u8]) {
    let body = String::from_utf8_lossy(data).into_owned();
    for (status, content_type) in ANSWERS {
        let resp = RawResponse { status, content_type: content_type.to_string(), body: body.clone() };
        let _ = api::parse_list::<User>(&resp);
        let _ = api::parse_list::<Fob>(&resp);
        let _ = api::parse_list::<FobActivity>(&resp);
        let _ = api::parse_list::<Door>(&resp);
        let _ = api::parse_list::<DoorState>(&resp);
        let _ = api::parse_list::<Event>(&resp);
        let _ = api::parse_list::<Credential>(&resp);
        let _ = api::parse_list::<Schedule>(&resp);
        let _ = api::parse_list::<AccessLevel>(&resp);
        let _ = api::parse_list::<Value>(&resp);
        let _ = api::parse_one::<User>(&resp);
        let _ = api::parse_single::<CredentialSummary>(&resp);
        let _ = api::parse_single::<NextCardNumber>(&resp);
        if let Ok(outcome) = api::parse_write(&resp) {
            // Matching the refused records to what was "sent": the body's own records.
            let sent = sent_records(&body);
            let positions = api::match_errors(&sent, &outcome.errors);
            assert_eq!(positions.len(), outcome.errors.len());
            let mut seen = std::collections::HashSet::new();
            for p in positions.into_iter().flatten() {
                assert!(p < sent.len() && seen.insert(p), "a position out of range or given twice");
            }
        }
    }
    // The errors node alone, matched against itself.
    if let Ok(v) = serde_json::from_str::<Value>(&body) {
        if let Some(list) = v.get("errors").and_then(Value::as_array) {
            let errors: Vec<ServerRecordError> = list
                .iter()
                .map(|e| ServerRecordError { messages: vec![], input_data: e.get("input_data").cloned() })
                .collect();
            let sent: Vec<Value> = errors.iter().filter_map(|e| e.input_data.clone()).collect();
            let _ = api::match_errors(&sent, &errors);
        }
    }
}

/// Records to match errors against: any array found under the top-level keys, or nothing.
fn sent_records(body: &str) -> Vec<Value> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(body) else { return Vec::new() };
    map.values().filter_map(Value::as_array).flatten().cloned().collect()
}

/// The validators on arbitrary JSON: an array is a list of records, anything else one record.
pub fn validators(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    let records = match value {
        Value::Array(list) => list,
        other => vec![other],
    };
    check(records.len(), validate::validate_users(&records));
    check(records.len(), validate::validate_fobs(&records));
    check(records.len(), validate::validate_fob_assignments(&records));
    check(records.len(), validate::validate_doors(&records));
    check(records.len(), validate::validate_credential_reissues(&records));
    for r in &records {
        let _ = validate::validate_user(r);
    }
    // The records as the body of a write's answer, too.
    parse_responses(data);
}

/// Every input index ends up valid or invalid exactly once.
fn check<W>(n: usize, v: validate::Validation<W>) {
    let mut seen = vec![false; n];
    for i in v.valid.iter().map(|(i, _)| *i).chain(v.invalid.iter().map(|r| r.index)) {
        assert!(i < n && !seen[i], "index {i} out of range or settled twice");
        seen[i] = true;
    }
    assert!(seen.iter().all(|s| *s), "an index was neither valid nor invalid");
}

/// The CSV importer, with and without a column mapping, and its users through the validator.
pub fn csv_users(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut columns = BTreeMap::new();
    let plain = parse_users_csv(&text, &columns);
    assert_eq!(plain.users.len(), plain.rows.len());
    columns.insert("Badge".to_string(), "card_num".to_string());
    columns.insert("Name".to_string(), "first_name".to_string());
    columns.insert("__proto__".to_string(), "last_name".to_string());
    columns.insert("Skip".to_string(), String::new());
    let mapped = parse_users_csv(&text, &columns);
    assert_eq!(mapped.users.len(), mapped.rows.len());
    check(plain.users.len(), validate::validate_users(&plain.users));
    check(mapped.users.len(), validate::validate_users(&mapped.users));
}
