//! The validators' reference reading, for tests/node/validate-agreement.test.mjs: records as
//! JSON on stdin (`{ "kind": "users", "records": [...] }`), validated through the
//! `serde_json::Value` path (the one native callers, the CSV import and the fuzz targets use),
//! and the report as JSON on stdout. The package's JS walk and field tape must agree with it.
//!
//!     cargo run --example validate_reference < input.json

use std::io::Read;

use lockt_secureaccess::validate::{self, Validation};
use serde::Serialize;
use serde_json::{json, Value};

fn report<W: Serialize>(v: Validation<W>) -> Value {
    let (valid_indices, valid): (Vec<usize>, Vec<W>) = v.valid.into_iter().unzip();
    let invalid: Vec<Value> = v.invalid.iter().map(|r| json!({ "index": r.index, "issues": r.issues })).collect();
    json!({ "valid": valid, "validIndices": valid_indices, "invalid": invalid, "warnings": v.warnings })
}

fn main() {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).expect("stdin");
    let input: Value = serde_json::from_str(&text).expect("JSON on stdin");
    let records = input["records"].as_array().cloned().unwrap_or_default();
    let out = match input["kind"].as_str() {
        Some("users") => report(validate::validate_users(&records)),
        Some("fobs") => report(validate::validate_fobs(&records)),
        Some("fobAssignments") => report(validate::validate_fob_assignments(&records)),
        Some("doors") => report(validate::validate_doors(&records)),
        Some("userForm") => json!(records.iter().map(validate::validate_user).collect::<Vec<_>>()),
        other => panic!("unknown kind {other:?}"),
    };
    println!("{out}");
}
