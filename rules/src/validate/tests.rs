//! Unit tests of the validators, one or more per rule.

use serde_json::{json, Value};

use super::*;

/// The issues of a single user record validated in a batch of one.
fn user_issues(record: Value) -> Vec<Issue> {
    let records = [record];
    let v = validate_users(&records);
    v.invalid.into_iter().next().map(|r| r.issues).unwrap_or_default()
}

/// The wire form of a single valid user, as JSON.
fn user_wire(record: Value) -> Value {
    let records = [record];
    let v = validate_users(&records);
    assert!(v.invalid.is_empty(), "unexpected issues: {:?}", v.invalid);
    serde_json::to_value(&v.valid[0].1).expect("wire user serializes")
}

fn codes(issues: &[Issue]) -> Vec<(&str, IssueCode)> {
    issues.iter().map(|i| (i.field.as_str(), i.code)).collect()
}

fn one_issue(record: Value) -> Issue {
    let issues = user_issues(record);
    assert_eq!(issues.len(), 1, "{issues:?}");
    issues.into_iter().next().expect("one issue")
}

#[test]
fn reference_error_example_gives_both_server_messages_in_field_order() {
    let record = json!({
        "id": 17, "id_num": "qjwi-880329359", "first_name": "Rhea", "last_name": "Greswell",
        "card_num": "A8914", "email": "rgreswell0@@@@gravatar.com", "phone": "8184365134",
        "access_effective": "2022-01-24 00:00:00", "access_expires": "2022-10-29 00:00:00",
        "pin": "0986", "enabled": false, "accesslevels": [{"id": 574}]
    });
    let issues = user_issues(record);
    let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(messages, ["Non-Numeric card_num found: A8914", "Invalid email address found: rgreswell0@@@@gravatar.com"]);
    assert_eq!(codes(&issues), [("card_num", IssueCode::NotNumeric), ("email", IssueCode::InvalidEmail)]);
}

#[test]
fn reference_example_batch_repeats_card_8769() {
    let batch: Value = json!([
        {"id": 4432, "id_num": "ABC123", "last_name": "Peters", "first_name": "Toby", "card_num": "8769",
         "credential_key": "", "email": "toby.peters@web.place", "phone": "33344455555",
         "access_effective": "", "access_expires": "", "enabled": "true",
         "accesslevels": [{"id": 123}, {"id": 789}]},
        {"id": 7612, "id_num": "DEF567", "last_name": "Wilson", "first_name": "Dana", "card_num": "8769",
         "credential_key": "", "email": "dana.wilson@web.place", "phone": "33344455555",
         "access_effective": "", "access_expires": "", "enabled": "true",
         "accesslevels": [{"id": 123}, {"id": 789}]}
    ]);
    let v = validate_users(batch.as_array().expect("array"));
    assert_eq!(v.valid.len(), 1);
    assert_eq!(v.valid[0].0, 0);
    assert_eq!(serde_json::to_value(&v.valid[0].1).expect("serializes"), batch[0]);
    assert_eq!(v.invalid.len(), 1);
    assert_eq!(v.invalid[0].index, 1);
    assert_eq!(v.invalid[0].input, batch[1]);
    let issue = &v.invalid[0].issues[0];
    assert_eq!((issue.field.as_str(), issue.code), ("card_num", IssueCode::Duplicate));
    assert_eq!(issue.message, "Duplicate card_num 8769: also in record 0");
}

#[test]
fn records_must_be_objects() {
    let records = [json!("Toby"), json!(5), json!([{"first_name": "Toby"}]), json!(null), json!(true)];
    let v = validate_users(&records);
    assert!(v.valid.is_empty());
    assert_eq!(v.invalid.len(), 5);
    for r in &v.invalid {
        assert_eq!(codes(&r.issues), [("", IssueCode::NotAnObject)]);
    }
    assert_eq!(codes(&validate_user(&json!("x"))), [("", IssueCode::NotAnObject)]);
}

#[test]
fn card_num_is_digit_text_and_numbers_are_accepted() {
    assert_eq!(user_wire(json!({"first_name": "A", "card_num": 5599}))["card_num"], "5599");
    assert_eq!(user_wire(json!({"first_name": "A", "card_num": " 0042 "}))["card_num"], "0042");
    for bad in [json!(1.5), json!(-3), json!("12 34"), json!("１２")] {
        let issue = one_issue(json!({"first_name": "A", "card_num": bad}));
        assert_eq!(issue.code, IssueCode::NotNumeric, "{bad}");
    }
    assert_eq!(one_issue(json!({"first_name": "A", "card_num": -3})).message, "Non-Numeric card_num found: -3");
    assert_eq!(one_issue(json!({"first_name": "A", "card_num": true})).code, IssueCode::InvalidType);
    assert_eq!(one_issue(json!({"first_name": "A", "card_num": "9".repeat(33)})).code, IssueCode::TooLong);
    assert!(user_issues(json!({"first_name": "A", "card_num": "9".repeat(32)})).is_empty());
}

#[test]
fn pin_is_digit_text() {
    assert_eq!(user_wire(json!({"first_name": "A", "pin": "0986"}))["pin"], "0986");
    assert_eq!(user_wire(json!({"first_name": "A", "pin": 986}))["pin"], "986");
    let issue = one_issue(json!({"first_name": "A", "pin": "12a"}));
    assert_eq!((issue.code, issue.message.as_str()), (IssueCode::NotNumeric, "Non-Numeric pin found: 12a"));
    assert_eq!(one_issue(json!({"first_name": "A", "pin": "1".repeat(17)})).code, IssueCode::TooLong);
}

#[test]
fn email_follows_whatwg_after_browser_sanitization() {
    assert_eq!(user_wire(json!({"first_name": "A", "email": " a.b+c@web.place\n"}))["email"], "a.b+c@web.place");
    assert_eq!(user_wire(json!({"first_name": "A", "email": "a@b"}))["email"], "a@b");
    assert_eq!(one_issue(json!({"first_name": "A", "email": "a b@c.d"})).code, IssueCode::InvalidEmail);
    assert_eq!(one_issue(json!({"first_name": "A", "email": "\"q\"@c.d"})).code, IssueCode::InvalidEmail);
    assert_eq!(one_issue(json!({"first_name": "A", "email": 5})).code, IssueCode::InvalidType);
}

#[test]
fn empty_email_is_kept_as_not_given() {
    assert_eq!(user_wire(json!({"first_name": "A", "email": ""}))["email"], "");
    let records = [json!({"first_name": "A", "email": ""}), json!({"first_name": "B", "email": " "})];
    let v = validate_users(&records);
    assert_eq!(v.valid.len(), 2, "blank emails do not repeat");
}

#[test]
fn email_length_is_a_separate_rule() {
    let long = format!("{}@example.com", "a".repeat(243));
    assert!(is_valid_email(&long));
    let issue = one_issue(json!({"first_name": "A", "email": long}));
    assert_eq!(issue.code, IssueCode::TooLong);
    assert_eq!(issue.message, "email is too long: 255 characters, at most 254");
}

#[test]
fn dates_are_normalized_to_the_request_form() {
    let wire = user_wire(json!({
        "first_name": "A", "access_effective": "2022-05-05T09:00:00.000Z", "access_expires": "2024-02-29"
    }));
    assert_eq!(wire["access_effective"], "2022-05-05 09:00:00");
    assert_eq!(wire["access_expires"], "2024-02-29 00:00:00");
    let wire = user_wire(json!({"first_name": "A", "access_effective": "", "access_expires": "  "}));
    assert_eq!((wire["access_effective"].as_str(), wire["access_expires"].as_str()), (Some(""), Some("")));
}

#[test]
fn impossible_dates_are_rejected() {
    let issue = one_issue(json!({"first_name": "A", "access_expires": "2022-02-30"}));
    assert_eq!((issue.field.as_str(), issue.code), ("access_expires", IssueCode::InvalidDate));
    assert_eq!(issue.message, "Invalid date found: access_expires: 2022-02-30");
    for bad in ["2023-02-29", "2022-01-01 24:00:00", "2022-01-01 12:60:00", "01/02/2022"] {
        assert_eq!(one_issue(json!({"first_name": "A", "access_effective": bad})).code, IssueCode::InvalidDate);
    }
    assert_eq!(one_issue(json!({"first_name": "A", "access_effective": 1_650_000_000})).code, IssueCode::InvalidType);
}

#[test]
fn access_effective_not_after_access_expires() {
    let issue = one_issue(json!({"first_name": "A", "access_effective": "2022-06-10", "access_expires": "2022-06-09 23:59:59"}));
    assert_eq!((issue.field.as_str(), issue.code), ("access_effective", IssueCode::DateOrder));
    assert_eq!(issue.message, "access_effective is after access_expires");
    assert!(user_issues(json!({"first_name": "A", "access_effective": "2022-06-10", "access_expires": "2022-06-10T00:00:00Z"})).is_empty());
    assert!(user_issues(json!({"first_name": "A", "access_effective": "2022-06-10", "access_expires": ""})).is_empty());
}

#[test]
fn user_requires_a_name_or_id_num() {
    for record in [json!({}), json!({"email": "a@b.c"}), json!({"first_name": " ", "last_name": "", "id_num": null})] {
        let issue = one_issue(record);
        assert_eq!((issue.field.as_str(), issue.code), ("first_name", IssueCode::Required));
        assert_eq!(issue.message, "User requires first_name, last_name or id_num");
    }
    for record in [json!({"first_name": "A"}), json!({"last_name": "B"}), json!({"id_num": "X1"}), json!({"id_num": 42})] {
        assert!(user_issues(record).is_empty());
    }
}

#[test]
fn text_length_limits() {
    for (field, max) in [("id_num", 64), ("first_name", 100), ("last_name", 100), ("credential_key", 64), ("phone", 32)] {
        let fill = if field == "phone" { "1" } else { "é" };
        let ok = json!({"first_name": "A", field: fill.repeat(max)});
        assert!(user_issues(ok).is_empty(), "{field} at its limit");
        let issue = one_issue(json!({"first_name": "A", field: fill.repeat(max + 1)}));
        assert_eq!((issue.field.as_str(), issue.code), (field, IssueCode::TooLong));
    }
}

#[test]
fn phone_characters() {
    assert_eq!(user_wire(json!({"first_name": "A", "phone": "+1 (555) 123-4567"}))["phone"], "+1 (555) 123-4567");
    assert_eq!(user_wire(json!({"first_name": "A", "phone": 33344455555_u64}))["phone"], "33344455555");
    for good in ["+1 (555) 123-4567 ext. 89", "555-1234 x12", "555-1234x12", "555 1234 EXT 7", "555/123.45", "+44 20 7946 0958 Ext.3"] {
        assert_eq!(user_wire(json!({"first_name": "A", "phone": good}))["phone"], good);
    }
    for bad in ["555-CALL", "()", "555#1", "x12", "555 x", "555 ext.", "555 x 1a", "555 extension 4", "ext 5", "555 x1 x2"] {
        let issue = one_issue(json!({"first_name": "A", "phone": bad}));
        assert_eq!(issue.code, IssueCode::InvalidPhone, "{bad}");
    }
}

#[test]
fn user_id_is_a_positive_integer() {
    assert_eq!(user_wire(json!({"first_name": "A", "id": "613297"}))["id"], 613297);
    assert_eq!(user_wire(json!({"first_name": "A", "id": 4432}))["id"], 4432);
    assert!(user_wire(json!({"first_name": "A", "id": ""})).get("id").is_none());
    for bad in [json!(-1), json!(0), json!(1.5), json!("abc"), json!("+5"), json!("99999999999999999999")] {
        let issue = one_issue(json!({"first_name": "A", "id": bad}));
        assert_eq!((issue.field.as_str(), issue.code), ("id", IssueCode::NotPositiveInteger), "{bad}");
    }
    assert_eq!(one_issue(json!({"first_name": "A", "id": -1})).message, "id must be a positive integer: -1");
}

#[test]
fn enabled_is_a_boolean_sent_as_text() {
    assert_eq!(user_wire(json!({"first_name": "A", "enabled": true}))["enabled"], "true");
    assert_eq!(user_wire(json!({"first_name": "A", "enabled": " FALSE "}))["enabled"], "false");
    assert!(user_wire(json!({"first_name": "A", "enabled": ""})).get("enabled").is_none());
    for bad in [json!("yes"), json!(1), json!({}), json!([])] {
        assert_eq!(one_issue(json!({"first_name": "A", "enabled": bad})).code, IssueCode::InvalidBoolean);
    }
}

#[test]
fn access_levels_by_id_or_name_without_repeats() {
    let wire = user_wire(json!({
        "first_name": "A",
        "accesslevels": [{"id": 123}, 789, {"id": "123"}, {"name": " Staff "}, "Staff", "Night", {"id": 5, "name": "x"}]
    }));
    assert_eq!(wire["accesslevels"], json!([{"id": 123}, {"id": 789}, {"name": "Staff"}, {"name": "Night"}, {"id": 5}]));
    assert_eq!(user_wire(json!({"first_name": "A", "accesslevels": []}))["accesslevels"], json!([]));
}

#[test]
fn bad_access_levels() {
    let issues = user_issues(json!({"first_name": "A", "accesslevels": [{"id": 0}, -4, {"id": "x"}, true, {}, "", null, [1]]}));
    let got: Vec<IssueCode> = issues.iter().map(|i| i.code).collect();
    use IssueCode::{InvalidType as T, NotPositiveInteger as P};
    assert_eq!(got, [P, P, P, T, T, T, T, T]);
    assert!(issues.iter().all(|i| i.field == "accesslevels"));
    assert_eq!(issues[0].message, "accesslevels[0] id must be a positive integer: 0");
    assert_eq!(one_issue(json!({"first_name": "A", "accesslevels": {"id": 1}})).code, IssueCode::InvalidType);
}

#[test]
fn repeats_within_the_input() {
    let records = [
        json!({"first_name": "A", "id_num": "X1", "email": "Ann@Web.Place", "card_num": "1"}),
        json!({"first_name": "B", "id_num": "X2", "email": "ann@web.place"}),
        json!({"first_name": "C", "id_num": "X1", "card_num": 1}),
        json!({"first_name": "D", "id_num": "x1"}),
    ];
    let v = validate_users(&records);
    assert_eq!(v.valid.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 3]);
    assert_eq!(v.invalid[0].issues[0].message, "Duplicate email ann@web.place: also in record 0");
    assert_eq!(codes(&v.invalid[1].issues), [("id_num", IssueCode::Duplicate), ("card_num", IssueCode::Duplicate)]);
}

#[test]
fn unknown_fields_are_dropped_with_a_warning() {
    let record: Value = serde_json::from_str(
        r#"{"first_name": "A", "__proto__": {"admin": true}, "constructor": 1, "prototype": "x", "nickname": "Al",
            "accesslevels": [{"id": 1, "admin": true}]}"#,
    )
    .expect("json");
    let records = [record];
    let v = validate_users(&records);
    assert_eq!(v.valid.len(), 1);
    assert_eq!(serde_json::to_value(&v.valid[0].1).expect("serializes"), json!({"first_name": "A", "accesslevels": [{"id": 1}]}));
    let fields: Vec<&str> = v.warnings.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(fields, ["__proto__", "constructor", "nickname", "prototype", "accesslevels"]);
    assert!(v.warnings.iter().all(|w| w.code == IssueCode::UnknownField && w.index == 0));
    assert_eq!(v.warnings[4].message, "Unknown field dropped: accesslevels[0].admin");
}

#[test]
fn text_is_trimmed_and_control_characters_rejected() {
    let wire = user_wire(json!({"first_name": "  Toby ", "last_name": "\tPeters\n", "id_num": " ABC123 "}));
    assert_eq!(wire, json!({"first_name": "Toby", "last_name": "Peters", "id_num": "ABC123"}));
    let issue = one_issue(json!({"first_name": "Ann\nMarie"}));
    assert_eq!((issue.field.as_str(), issue.code), ("first_name", IssueCode::ControlCharacter));
    assert_eq!(one_issue(json!({"first_name": "A", "credential_key": "k\u{0}"})).code, IssueCode::ControlCharacter);
}

#[test]
fn wrong_json_types() {
    let issues = user_issues(json!({"first_name": 5, "last_name": ["B"], "credential_key": {"a": 1}, "email": false}));
    let expected = [("first_name", IssueCode::InvalidType), ("last_name", IssueCode::InvalidType), ("credential_key", IssueCode::InvalidType), ("email", IssueCode::InvalidType)];
    assert_eq!(codes(&issues), expected);
    assert_eq!(issues[0].message, "first_name must be text");
    assert_eq!(one_issue(json!({"first_name": "A", "id_num": {}})).message, "id_num must be text or a number");
}

#[test]
fn absent_fields_stay_absent_and_empty_text_is_kept() {
    let wire = user_wire(json!({"first_name": "A", "last_name": null, "credential_key": "", "card_num": "", "pin": ""}));
    assert_eq!(wire, json!({"first_name": "A", "credential_key": "", "card_num": "", "pin": ""}));
}

#[test]
fn all_issues_at_once_in_field_order() {
    let issues = user_issues(json!({
        "enabled": "maybe", "pin": "x", "email": "bad", "card_num": "c", "id": 0, "access_expires": "2022-02-30"
    }));
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["id", "first_name", "card_num", "email", "pin", "access_expires", "enabled"]);
}

#[test]
fn hostile_input_does_not_panic() {
    let huge = "A".repeat(1_000_000);
    let issue = one_issue(json!({"first_name": huge.clone()}));
    assert_eq!(issue.code, IssueCode::TooLong);
    let issue = one_issue(json!({"first_name": "A", "card_num": format!("{huge}x").chars().take(20).collect::<String>()}));
    assert!(issue.message.len() < 100);
    let issue = one_issue(json!({"first_name": "A", "email": huge.clone()}));
    assert!(issue.message.len() < 100, "messages do not echo huge values");
    // Built by hand: `json!` would serialize (recurse into) an interpolated value.
    let mut deep = json!(1);
    for _ in 0..2000 {
        deep = Value::Array(vec![deep]);
    }
    let mut record = serde_json::Map::new();
    for field in ["first_name", "accesslevels", "enabled"] {
        record.insert(field.to_owned(), deep.clone());
    }
    assert_eq!(user_issues(Value::Object(record)).len(), 3);
    let mut many = serde_json::Map::new();
    for i in 0..10_000 {
        many.insert(format!("k{i}"), json!(i));
    }
    many.insert(huge, json!(1));
    many.insert("first_name".to_owned(), json!("A"));
    let records = [Value::Object(many)];
    let v = validate_users(&records);
    assert_eq!((v.valid.len(), v.warnings.len()), (1, 10_001));
    assert!(v.warnings.iter().all(|w| w.field.len() < 100 && w.message.len() < 100));
}

#[test]
fn every_index_is_accounted_for_once() {
    let records: Vec<Value> = (0..50)
        .map(|i| match i % 4 {
            0 => json!({"first_name": format!("U{i}")}),
            1 => json!({"first_name": format!("U{i}"), "card_num": "7"}),
            2 => json!(i),
            _ => json!({"pin": "x"}),
        })
        .collect();
    let v = validate_users(&records);
    let mut seen: Vec<usize> = v.valid.iter().map(|(i, _)| *i).chain(v.invalid.iter().map(|r| r.index)).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..50).collect::<Vec<_>>());
}

#[test]
fn validate_user_is_one_form_without_cross_record_checks() {
    assert!(validate_user(&json!({"first_name": "Toby", "card_num": "8769"})).is_empty());
    let issues = validate_user(&json!({"card_num": "A8914", "nickname": "x"}));
    assert_eq!(codes(&issues), [("first_name", IssueCode::Required), ("card_num", IssueCode::NotNumeric)]);
}

#[test]
fn fobs() {
    let example = json!({"name": "Fob 1", "id_num": "ABC123", "card_num": 5599,
        "access_effective": "2022-05-05 05:00:00", "access_expires": "2022-05-25 08:00:00"});
    let records = [example.clone(), json!({"name": "Fob 2", "card_num": "5599"}), json!({"id_num": "ABC123", "card_num": "1"})];
    let v = validate_fobs(&records);
    let mut wire = example;
    wire["card_num"] = json!("5599");
    assert_eq!(serde_json::to_value(&v.valid[0].1).expect("serializes"), wire);
    assert_eq!(v.invalid[0].issues[0].message, "Duplicate card_num 5599: also in record 0");
    assert_eq!(codes(&v.invalid[1].issues), [("id_num", IssueCode::Duplicate)]);
    let records = [json!({"card_num": "1"}), json!({"name": "F"}), json!({"name": "F", "card_num": "A1"})];
    let v = validate_fobs(&records);
    assert_eq!(v.invalid[0].issues[0].message, "Fob requires name or id_num");
    assert_eq!(v.invalid[1].issues[0].message, "Fob requires card_num");
    assert_eq!(codes(&v.invalid[2].issues), [("card_num", IssueCode::NotNumeric)]);
    let records = [json!({"name": "F", "card_num": "1", "access_effective": "2022-05-26", "access_expires": "2022-05-25"})];
    let v = validate_fobs(&records);
    assert_eq!(codes(&v.invalid[0].issues), [("access_effective", IssueCode::DateOrder)]);
}

#[test]
fn fob_assignments() {
    let records = [
        json!({"id": "613297", "user_id": "613188", "access_effective": "2022-06-10 05:00:00", "access_expires": "2022-06-10 08:00:00"}),
        json!({"id": 613297, "user_id": 5}),
        json!({"id": 7}),
        json!({"id": "x", "user_id": 0}),
    ];
    let v = validate_fob_assignments(&records);
    assert_eq!(v.valid.len(), 1);
    assert_eq!(v.valid[0].1.id, "613297");
    assert_eq!(v.valid[0].1.user_id, "613188");
    assert_eq!(v.valid[0].1.access_effective.as_deref(), Some("2022-06-10 05:00:00"));
    assert_eq!(v.invalid[0].issues[0].message, "Duplicate id 613297: also in record 0");
    assert_eq!(v.invalid[1].issues[0].message, "Fob assignment requires user_id");
    assert_eq!(codes(&v.invalid[2].issues), [("id", IssueCode::NotPositiveInteger), ("user_id", IssueCode::NotPositiveInteger)]);
    let records = [json!({"id": 1, "user_id": 2})];
    let v = validate_fob_assignments(&records);
    assert_eq!(serde_json::to_value(&v.valid[0].1).expect("serializes"), json!({"id": "1", "user_id": "2"}));
}

#[test]
fn doors() {
    let records = [json!({"name": " Door 1 "}), json!({"name": "door 1"}), json!({"name": "  "}), json!({}), json!({"name": 5}), json!({"name": "D".repeat(101)})];
    let v = validate_doors(&records);
    assert_eq!(v.valid, [(0, WireDoor { name: "Door 1".into() })]);
    assert_eq!(v.invalid[0].issues[0].message, "Duplicate name door 1: also in record 0");
    assert_eq!(v.invalid[1].issues[0].message, "Door name is required");
    assert_eq!(v.invalid[2].issues[0].message, "Door name is required");
    assert_eq!(codes(&v.invalid[3].issues), [("name", IssueCode::InvalidType)]);
    assert_eq!(codes(&v.invalid[4].issues), [("name", IssueCode::TooLong)]);
}

#[test]
fn credential_reissues() {
    let records = [json!({"id": "12"}), json!({"id": 12}), json!({"id": 0}), json!({})];
    let v = validate_credential_reissues(&records);
    assert_eq!(v.valid, [(0, WireCredentialReissue { id: 12 })]);
    assert_eq!(codes(&v.invalid[0].issues), [("id", IssueCode::Duplicate)]);
    assert_eq!(codes(&v.invalid[1].issues), [("id", IssueCode::NotPositiveInteger)]);
    assert_eq!(codes(&v.invalid[2].issues), [("id", IssueCode::Required)]);
}

#[test]
fn codes_serialize_in_snake_case() {
    let issue = Issue { field: "id".to_owned(), code: IssueCode::NotPositiveInteger, message: "m".to_owned() };
    assert_eq!(serde_json::to_value(issue).expect("serializes"), json!({"field": "id", "code": "not_positive_integer", "message": "m"}));
    let records = [json!({"name": "D"})];
    let v = validate_doors(&records);
    assert_eq!(serde_json::to_value(v).expect("serializes"), json!({"valid": [[0, {"name": "D"}]], "invalid": [], "warnings": []}));
}

#[test]
fn user_validation_gives_the_email_corpus_verdicts() {
    #[derive(serde::Deserialize)]
    struct Case {
        email: String,
        valid: bool,
    }
    let cases: Vec<Case> = serde_json::from_str(include_str!("../../../fixtures/emails.json")).expect("corpus parses");
    let wrong: Vec<&str> = cases.iter().filter(|c| validate_user(&json!({"id_num": "u", "email": c.email})).is_empty() != c.valid).map(|c| c.email.as_str()).collect();
    assert!(wrong.is_empty(), "{wrong:?}");
}
