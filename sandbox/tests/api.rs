//! Endpoints, envelopes, validation messages, options and the reference's examples,
//! over real HTTP against the built binary.

mod common;
use common::*;
use serde_json::{json, Value};

#[test]
fn reads_match_reference_examples() {
    let s = Server::start(&[]);
    // GET user / ?id / ?idnum
    let users = s.list("user");
    assert!(users.len() >= 500, "{}", users.len());
    let ex = fixture_json("get-user-by-id.json")["data"][0].clone();
    let got = s.list("user?id=1693");
    assert_eq!(got.len(), 1);
    assert_subset(&got[0], &ex);
    let ex = fixture_json("get-user-by-idnum.json")["data"][0].clone();
    let got = s.list("user?idnum=ABC123-98765");
    assert_subset(&got[0], &ex);
    assert_eq!(s.list("user?idnum=ABC123%2D98765")[0]["id"], 1690);
    for ex in fixture_json("get-user-list.json")["data"].as_array().unwrap() {
        assert_subset(&by_id(&users, ex["id"].as_i64().unwrap()), ex);
    }
    assert!(s.list("user?id=999999999").is_empty());
    assert!(s.list("user?idnum=no-such").is_empty());
    assert!(s.list("user/?id=1693").len() == 1, "trailing slash");
    let r = s.get("user?id=abc");
    assert_eq!(r.status, 400);
    assert!(r.json()["data"]["error"].is_string());
    // user record shape
    let u = by_id(&users, 244);
    for k in ["id", "id_num", "first_name", "last_name", "card_num", "credential_key", "email", "phone", "access_effective", "access_expires", "enabled", "accesslevels"] {
        assert!(u.get(k).is_some(), "{k}");
    }
    assert!(u.get("pin").is_none(), "a PIN is a secret the reference never shows on a read");
    assert_eq!(u["accesslevels"], json!([{"id":574,"name":"Housekeeping"}]));

    // credential
    let creds = s.list("credential");
    for ex in fixture_json("get-credential.json")["data"].as_array().unwrap() {
        assert_eq!(&by_id(&creds, ex["id"].as_i64().unwrap()), ex);
    }
    let sum = s.list("credentialsummary");
    assert_eq!(sum.len(), 1);
    let (c, u, t) = (sum[0]["claimed"].as_i64().unwrap(), sum[0]["unclaimed"].as_i64().unwrap(), sum[0]["total"].as_i64().unwrap());
    assert_eq!(c + u, t);
    assert_eq!(t as usize, creds.len());

    // events
    let ev = s.list("events");
    assert_eq!(ev.len(), 5000);
    let ids: Vec<i64> = ev.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert!(ids[0] > 15000 && ids[0] < 25000, "{}", ids[0]);
    for ex in fixture_json("get-events.json")["data"].as_array().unwrap() {
        assert_eq!(&by_id(&ev, ex["id"].as_i64().unwrap()), ex);
    }
    let after = s.list("events?id=864");
    assert_eq!(after[0]["id"], 865);
    let ids: Vec<i64> = after.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ascending");
    assert_eq!(after.len(), 4998);
    assert!(s.list(&format!("events?id={}", ev[0]["id"])).is_empty());
    assert_eq!(s.get("events?id=x").status, 400);
    assert!(ev.iter().all(|e| e.get("subcode").is_none() || e["subcode"].is_i64()));

    // doors, doorstate
    let doors = s.list("door");
    assert!(doors.len() >= 48);
    for ex in fixture_json("get-door.json")["data"].as_array().unwrap() {
        assert_eq!(&by_id(&doors, ex["id"].as_i64().unwrap()), ex);
    }
    let states = s.list("doorstate");
    for ex in fixture_json("get-doorstate.json")["data"].as_array().unwrap() {
        assert_eq!(&by_id(&states, ex["id"].as_i64().unwrap()), ex);
    }
    assert!(states.iter().all(|d| {
        let b = d["battery_level"].as_f64().unwrap();
        (0.0..=1.0).contains(&b)
    }));

    // fob, fobcheck
    let fobs = s.list("fob");
    for ex in fixture_json("get-user-list.json")["data"].as_array().unwrap() {
        assert_subset(&by_id(&fobs, ex["id"].as_i64().unwrap()), ex);
    }
    for f in &fobs {
        for k in ["id", "id_num", "name", "card_num", "credential_key", "enabled", "access_effective", "access_expires", "accesslevels"] {
            assert!(f.get(k).is_some(), "{k}");
        }
    }
    let check = s.list("fobcheck");
    assert_eq!(check.len(), fobs.len());
    assert!(check.iter().all(|f| f["last_activity"].is_string()));

    // schedule, accesslevel
    let sch = s.list("schedule");
    for ex in fixture_json("get-schedule.json")["data"].as_array().unwrap() {
        assert_eq!(&by_id(&sch, ex["id"].as_i64().unwrap()), ex);
    }
    let levels = s.list("accesslevel");
    assert!(levels.len() >= 16);
    for ex in fixture_json("get-accesslevel.json")["data"].as_array().unwrap() {
        assert_eq!(&by_id(&levels, ex["id"].as_i64().unwrap()), ex);
    }
    assert!(by_id(&levels, 212).get("doors").is_none());
    by_id(&levels, 123);
    by_id(&levels, 789);

    // nextcardnum
    let next = s.list("nextcardnum");
    let n: u64 = next[0]["card_num"].as_str().unwrap().parse().unwrap();
    let max = creds.iter().filter_map(|c| c["card_num"].as_str().unwrap().parse::<u64>().ok()).max().unwrap();
    assert_eq!(n, max + 1);
}

#[test]
fn auth_not_found_method_and_content_type() {
    let s = Server::start(&[]);
    let denied = json!({"data":{"error":"Access denied. Invalid API credentials."}});
    let url = s.url("user");
    for headers in [
        vec![],
        vec![("apiuser", USER)],
        vec![("apiuser", USER), ("apikey", "wrong")],
        vec![("apiuser", "wrong"), ("apikey", KEY)],
        vec![("apiuser", USER), ("apikey", &KEY[..10])],
    ] {
        let r = s.raw("GET", &url, &headers, None).unwrap();
        assert_eq!(r.status, 401);
        assert_eq!(r.json(), denied);
    }
    // auth comes first, even for unknown paths and bad writes
    let r = s.raw("POST", &s.url("nope"), &[], Some("x")).unwrap();
    assert_eq!(r.status, 401);

    let r = s.get("nope");
    assert_eq!(r.status, 404);
    assert_eq!(r.json(), json!({"data":{"error":"Not found: /api/v1/nope"}}));
    assert_eq!(s.get("users").status, 404);
    let r = s.send("DELETE", "user", "");
    assert_eq!(r.status, 405);
    assert!(r.json()["data"]["error"].is_string());
    assert_eq!(s.send("POST", "events", "{}").status, 405);
    assert_eq!(s.send("PUT", "door", "{}").status, 405);

    let ct = json!({"data":{"error":"Content-Type must be application/json"}});
    let body = json!({"doors":[{"name":"CT door"}]}).to_string();
    for ctype in [None, Some("text/plain"), Some("application/x-www-form-urlencoded")] {
        let mut h = vec![("apiuser", USER), ("apikey", KEY)];
        if let Some(c) = ctype {
            h.push(("content-type", c));
        }
        let r = s.raw("POST", &s.url("door"), &h, Some(&body)).unwrap();
        assert_eq!(r.status, 400);
        assert_eq!(r.json(), ct);
    }
    let r = s.raw("POST", &s.url("door"), &[("apiuser", USER), ("apikey", KEY), ("content-type", "application/json; charset=utf-8")], Some(&body)).unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn malformed_bodies_and_batch_limit() {
    let s = Server::start(&["--seed", "empty"]);
    let nodata = json!({"result":["No data found or invalid JSON objects supplied. Could not parse input."],"errors":[]});
    for (path, body) in [
        ("user", ""),
        ("user", "{"),
        ("user", "[]"),
        ("user", "null"),
        ("user", "{}"),
        ("user", r#"{"users":{}}"#),
        ("user", r#"{"users":[]}"#),
        ("user", r#"{"users":[1]}"#),
        ("user", r#"{"users":"x"}"#),
        ("user", r#"{"doors":[{"name":"a"}]}"#),
        ("uservalidate", "{"),
        ("door", r#"{"users":[{"name":"a"}]}"#),
        ("fob", r#"{"fobs":null}"#),
        ("credential", r#"{"credentials":[]}"#),
    ] {
        let r = s.send("POST", path, body);
        assert_eq!(r.status, 400, "{path} {body}");
        assert_eq!(r.json(), nodata, "{path} {body}");
    }
    let r = s.send("PUT", "fob", "not json");
    assert_eq!(r.json(), nodata);

    let users: Vec<Value> = (0..101).map(|i| json!({"first_name":"U","last_name":format!("N{i}")})).collect();
    let r = s.post("user", &json!({ "users": users }));
    assert_eq!(r.status, 400);
    assert_eq!(r.json(), json!({"result":["Batch size exceeds maximum of 100 objects."],"errors":[]}));
    assert!(s.list("user").is_empty());
    let r = s.post("user", &json!({ "users": &users[..100] }));
    assert_eq!(r.status, 200);
    assert_eq!(summary(&r), (100, 100, 0, 0));
    let doors: Vec<Value> = (0..101).map(|i| json!({"name":format!("D{i}")})).collect();
    assert_eq!(s.post("door", &json!({ "doors": doors })).status, 400);
}

#[test]
fn user_validation_messages() {
    let s = Server::start(&[]);
    let before = s.list("user").len();
    // the reference's error example, sent as a user record
    let ex = fixture_json("post-user-errors.json");
    let record = &ex["input_data"];
    let r = s.post("user", &json!({ "users": [record] }));
    assert_eq!(r.status, 400);
    let body = r.json();
    assert_eq!(body["result"], json!(["Validation errors found. Batch has failed. Details provided."]));
    assert_eq!(body["errors"][0]["error"], ex["error"]);
    assert_eq!(&body["errors"][0]["input_data"], record);

    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({"first_name":"A","pin":"12a4"}), vec!["Non-Numeric pin found: 12a4"]),
        (json!({"first_name":"A","card_num":"A8914"}), vec!["Non-Numeric card_num found: A8914"]),
        (json!({"first_name":"A","email":"x@@y.com"}), vec!["Invalid email address found: x@@y.com"]),
        (json!({"first_name":"A","access_effective":"2022-02-30"}), vec!["Invalid date found: access_effective: 2022-02-30"]),
        (json!({"first_name":"A","access_expires":"2022-01-01 25:00:00"}), vec!["Invalid date found: access_expires: 2022-01-01 25:00:00"]),
        (json!({"first_name":"A","access_expires":"01/02/2022"}), vec!["Invalid date found: access_expires: 01/02/2022"]),
        (json!({"first_name":"A","access_effective":"2022-05-02 00:00:00","access_expires":"2022-05-01T00:00:00.000Z"}), vec!["access_effective is after access_expires"]),
        (json!({"first_name":"A","card_num":"8769"}), vec!["Card Number Already Assigned: 8769"]),
        (json!({"first_name":"A","card_num":10000}), vec!["Card Number Already Assigned: 10000"]),
        (json!({"first_name":"A","accesslevels":[{"id":99999}]}), vec!["Access Level Not Found: 99999"]),
        (json!({"email":"a@b.c","phone":"1"}), vec!["User requires first_name, last_name or id_num"]),
        (
            json!({"first_name":"A","card_num":"X1","pin":"p","email":"bad","access_effective":"2022-13-01","accesslevels":[{"id":"7"}]}),
            vec![
                "Non-Numeric card_num found: X1",
                "Non-Numeric pin found: p",
                "Invalid email address found: bad",
                "Invalid date found: access_effective: 2022-13-01",
                "Access Level Not Found: 7",
            ],
        ),
    ];
    for (rec, msgs) in &cases {
        let r = s.post("user", &json!({ "users": [rec] }));
        assert_eq!(r.status, 400, "{rec}: {}", r.text);
        let b = r.json();
        assert_eq!(b["errors"][0]["error"], json!(msgs), "{rec}");
        assert_eq!(&b["errors"][0]["input_data"], rec);
    }
    // repeated within the batch
    let r = s.post("user", &json!({"users":[{"first_name":"A","card_num":"777001"},{"first_name":"B","card_num":"777001"}]}));
    assert_eq!(r.status, 400);
    let b = r.json();
    assert_eq!(b["errors"].as_array().unwrap().len(), 1);
    assert_eq!(b["errors"][0]["error"], json!(["Card Number Already Assigned: 777001"]));
    assert_eq!(b["errors"][0]["input_data"]["first_name"], "B");
    // nothing committed by any failed batch
    assert_eq!(s.list("user").len(), before);
    // input_data keeps the record exactly (key order, number spelling)
    let raw = r#"{"users":[{"zeta":1.50,"first_name":"Q","card_num":"Z9","alpha":[1, 2]}]}"#;
    let r = s.send("POST", "user", raw);
    assert!(r.text.contains(r#""input_data":{"zeta":1.50,"first_name":"Q","card_num":"Z9","alpha":[1,2]}"#), "{}", r.text);
}

#[test]
fn user_options_in_both_forms() {
    let s = Server::start(&["--seed", "empty", "--admin"]);
    let base = json!({"id_num":"E1","first_name":"Ann","last_name":"Lee","email":"ann@x.io","card_num":5599,"enabled":"false","accesslevels":[]});
    let r = s.post("user", &json!({"users":[base]}));
    assert_eq!(summary(&r), (1, 1, 0, 0));
    let u = s.list("user?idnum=E1")[0].clone();
    assert_eq!(u["card_num"], "5599");
    assert_eq!(u["enabled"], false);
    let creds = s.list("credential");
    assert_eq!(creds[0]["user"], json!([{"id": u["id"], "name": "Lee, Ann"}]));

    // update_existing false (default, bool, string): ignored, counted in submitted only
    for opts in [json!({}), json!({"update_existing":false}), json!({"update_existing":"false"})] {
        let r = s.post("user", &json!({"users":[{"id_num":"E1","first_name":"Changed"}],"options":opts}));
        assert_eq!(r.status, 200);
        assert_eq!(summary(&r), (1, 0, 0, 0));
        // match by email too
        let r = s.post("user", &json!({"users":[{"email":"ANN@x.io","first_name":"Changed"}],"options":opts}));
        assert_eq!(summary(&r), (1, 0, 0, 0));
    }
    assert_eq!(s.list("user?idnum=E1")[0]["first_name"], "Ann");
    // update_existing true (bool and string): updated
    for (i, v) in [json!(true), json!("true")].iter().enumerate() {
        let name = format!("Ann{i}");
        let r = s.post("user", &json!({"users":[{"email":"ann@x.io","first_name":name,"enabled":true}],"options":{"update_existing":v}}));
        assert_eq!(summary(&r), (1, 0, 1, 0), "{}", r.text);
        let u = s.list("user?idnum=E1")[0].clone();
        assert_eq!(u["first_name"], name);
        assert_eq!(u["last_name"], "Lee", "fields not given keep their value");
        assert_eq!(u["enabled"], true);
    }
    // replace_privileges
    let post_levels = |levels: Value, replace: Value| {
        let r = s.post("user", &json!({"users":[{"id_num":"E1","accesslevels":levels}],"options":{"update_existing":"true","replace_privileges":replace}}));
        assert_eq!(r.status, 200, "{}", r.text);
        let u = s.list("user?idnum=E1")[0].clone();
        u["accesslevels"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect::<Vec<_>>()
    };
    // empty seed has no access levels: reset to demo for this part
    assert_eq!(s.admin("POST", "reset", Some(&json!({"seed":"demo"}))).status, 200);
    s.post("user", &json!({"users":[{"id_num":"E1","first_name":"Ann"}]}));
    assert_eq!(post_levels(json!([{"id":123}]), json!(true)), vec![123]);
    assert_eq!(post_levels(json!([{"id":789}]), json!("false")), vec![123, 789]);
    assert_eq!(post_levels(json!([{"id":"208"}]), json!(false)), vec![123, 208, 789]);
    assert_eq!(post_levels(json!([{"id":574}]), json!("true")), vec![574]);
    assert_eq!(post_levels(json!([212]), json!(true)), vec![212]);
    assert_eq!(s.list("user?idnum=E1")[0]["accesslevels"], json!([{"id":212,"name":"Administration"}]));

    // validate_fails_batch false (bool and string): valid records committed
    for (i, v) in [json!(false), json!("false")].iter().enumerate() {
        let good = json!({"first_name":"Good","id_num":format!("G{i}")});
        let bad = json!({"first_name":"Bad","email":"nope"});
        let r = s.post("user", &json!({"users":[good, bad],"options":{"validate_fails_batch":v}}));
        assert_eq!(r.status, 200);
        let b = r.json();
        assert_eq!(summary(&r), (2, 1, 0, 1));
        assert_eq!(b["result"], json!(["Validation errors found. Details provided."]));
        assert_eq!(b["errors"], json!([{"error":["Invalid email address found: nope"],"input_data":bad}]));
        assert_eq!(s.list(&format!("user?idnum=G{i}")).len(), 1);
    }
    // validate_fails_batch true (bool and string): nothing committed
    for (i, v) in [json!(true), json!("true")].iter().enumerate() {
        let good = json!({"first_name":"Good","id_num":format!("H{i}")});
        let r = s.post("user", &json!({"users":[good, {"first_name":"x","pin":"a"}],"options":{"validate_fails_batch":v}}));
        assert_eq!(r.status, 400);
        assert!(s.list(&format!("user?idnum=H{i}")).is_empty());
    }
    // invalid option values
    for name in ["update_existing", "validate_fails_batch", "replace_privileges"] {
        let r = s.post("user", &json!({"users":[{"first_name":"x"}],"options":{name:"yes"}}));
        assert_eq!(r.status, 400);
        assert_eq!(r.json(), json!({"result":[format!("Invalid option value: {name}")],"errors":[]}));
    }
}

#[test]
fn reference_example_requests() {
    let s = Server::start(&[]);
    // User POST example: both records carry card 8769, already held by user 1693
    // (erratum 19); validate_fails_batch "false" → 200 with both reported.
    let r = s.send("POST", "user", &fixture("post-user-request.json"));
    assert_eq!(r.status, 200, "{}", r.text);
    let b = r.json();
    assert_eq!(summary(&r), (2, 0, 0, 2));
    assert_eq!(b["result"], json!(["Validation errors found. Details provided."]));
    let req = fixture_json("post-user-request.json");
    for i in 0..2 {
        assert_eq!(b["errors"][i]["error"], json!(["Card Number Already Assigned: 8769"]));
        assert_eq!(b["errors"][i]["input_data"], req["users"][i]);
    }
    // User POST code sample (cards 5588 / 9900): both inserted; again: both updated.
    let r = s.send("POST", "user", &fixture("post-user-code-sample.json"));
    assert_eq!(summary(&r), (2, 2, 0, 0), "{}", r.text);
    let r = s.send("POST", "user", &fixture("post-user-code-sample.json"));
    assert_eq!(summary(&r), (2, 0, 2, 0));
    let toby = s.list("user?idnum=ABC123")[0].clone();
    assert_eq!(toby["card_num"], "5588");
    assert_eq!(toby["enabled"], true);
    // ...and now the reference example with access levels 123/789 updates nobody:
    // the card conflict stays.
    // Door POST example: inserted 2; the second time both names exist.
    let r = s.send("POST", "door", &fixture("post-door-request.json"));
    assert_eq!(summary(&r), (2, 2, 0, 0));
    let r = s.send("POST", "door", &fixture("post-door-request.json"));
    assert_eq!(r.status, 200);
    assert_eq!(summary(&r), (2, 0, 0, 2));
    // ...with validate_fails_batch true: the documented error answer.
    let r = s.post("door", &json!({"doors":[{"name":"Door 1"}]}));
    assert_eq!(r.status, 400);
    assert_eq!(r.json(), fixture_json("post-door-errors.json"));
    // Door POST code sample sends {} (erratum 18).
    let r = s.send("POST", "door", &fixture("post-door-code-sample.json"));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["result"][0], "No data found or invalid JSON objects supplied. Could not parse input.");
    // Fob POST example (card_num as a number): the documented answer.
    let r = s.send("POST", "fob", &fixture("post-fob-request.json"));
    assert_eq!(r.json(), fixture_json("post-fob-response.json"));
    let fob = s.list("fob").into_iter().find(|f| f["card_num"] == "5599").unwrap();
    assert_eq!(fob["name"], "Fob 1");
    assert_eq!(fob["access_effective"], "2022-05-05T05:00:00.000Z");
    assert_eq!(fob["access_expires"], "2022-05-25T08:00:00.000Z");
    // Fob POST code sample: same card again.
    let r = s.send("POST", "fob", &fixture("post-fob-code-sample.json"));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["error"], json!(["Card Number Already Assigned: 5599"]));
    // Fob PUT example: fob 613297 → user 613188 (both seeded); counts as updated.
    let r = s.send("PUT", "fob", &fixture("put-fob-request.json"));
    assert_eq!(r.status, 200);
    assert_eq!(summary(&r), (1, 0, 1, 0));
    let f = by_id(&s.list("fob"), 613297);
    assert_eq!(f["access_effective"], "2022-06-10T05:00:00.000Z");
    assert_eq!(f["access_expires"], "2022-06-10T08:00:00.000Z");
    assert_eq!(f["user_id"], 613188);
    assert_eq!(f["accesslevels"], s.list("user?id=613188")[0]["accesslevels"]);
    let last = s.list("events")[0].clone();
    assert_eq!(last["code_text"], "Fob Reassigned");
    // Fob PUT code sample: neither id exists.
    let r = s.send("PUT", "fob", &fixture("put-fob-code-sample.json"));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["error"], json!(["Fob Not Found: 12345", "User Not Found: 87654"]));
}

#[test]
fn door_fob_credential_messages() {
    let s = Server::start(&[]);
    let r = s.post("door", &json!({"doors":[{"name":""},{"location":"x"},{"name":"Room 1"},{"name":"New A"},{"name":"New A"}],"options":{"validate_fails_batch":"false"}}));
    assert_eq!(r.status, 200);
    let b = r.json();
    let msgs: Vec<Value> = b["errors"].as_array().unwrap().iter().map(|e| e["error"][0].clone()).collect();
    assert_eq!(msgs, vec![json!("Door name is required"), json!("Door name is required"), json!("Door Name Already Exists: Room 1"), json!("Door Name Already Exists: New A")]);
    assert_eq!(summary(&r), (5, 1, 0, 4));
    let d = s.list("door").into_iter().find(|d| d["name"] == "New A").unwrap();
    assert_eq!(d["type"], "Access Controlled Door");
    assert_eq!(s.list("events")[0]["code_text"], "Door Created");

    // fob POST validation
    let r = s.post("fob", &json!({"fobs":[{"name":"F","card_num":"x1","access_effective":"2022-02-29","access_expires":"2022-01-01 00:00:00"}]}));
    assert_eq!(r.json()["errors"][0]["error"], json!(["Non-Numeric card_num found: x1", "Invalid date found: access_effective: 2022-02-29"]));
    let r = s.post("fob", &json!({"fobs":[{"name":"F","access_effective":"2022-02-02","access_expires":"2022-01-01 00:00:00"}]}));
    assert_eq!(r.json()["errors"][0]["error"], json!(["access_effective is after access_expires"]));
    // fob PUT: digit text and numbers; unknown fob / user; a user id is not a fob
    let r = s.send("PUT", "fob", &json!({"fobs":[{"id":5678,"user_id":"1690"}],"options":{"validate_fails_batch":true}}).to_string());
    assert_eq!(summary(&r), (1, 0, 1, 0));
    let r = s.send("PUT", "fob", &json!({"fobs":[{"id":"1690","user_id":5678}]}).to_string());
    assert_eq!(r.json()["errors"][0]["error"], json!(["Fob Not Found: 1690", "User Not Found: 5678"]));
    let r = s.send("PUT", "fob", &json!({"fobs":[{"id":6789,"user_id":1693,"access_effective":"bad"}]}).to_string());
    assert_eq!(r.json()["errors"][0]["error"], json!(["Invalid date found: access_effective: bad"]));

    // credential reissue
    let r = s.post("credential", &json!({"credentials":[{"id":335}]}));
    assert_eq!(summary(&r), (1, 0, 1, 0));
    let c = by_id(&s.list("credential"), 335);
    assert_eq!(c["claim_status"], "Unclaimed");
    let key = c["credential_key"].as_str().unwrap();
    assert_ne!(key, "AAAA-BBBB-1111-2222");
    let parts: Vec<&str> = key.split('-').collect();
    assert_eq!(parts.len(), 4);
    assert!(parts.iter().all(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())));
    assert_eq!(s.list("user?id=300")[0]["credential_key"], key);
    let r = s.post("credential", &json!({"credentials":[{"id":999}]}));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["error"], json!(["Credential not found: 999"]));
    let r = s.post("credential", &json!({"credentials":[{"id":"129813"},{"id":999}],"options":{"validate_fails_batch":"false"}}));
    assert_eq!(summary(&r), (2, 0, 1, 1));
}

#[test]
fn uservalidate_commits_nothing() {
    let s = Server::start(&[]);
    let n = s.list("user").len();
    let ev = s.list("events")[0]["id"].clone();
    let r = s.post("uservalidate", &json!({"users":[{"first_name":"V","card_num":"4242424"},{"id_num":"ABC123-98765","first_name":"Joe"}],"options":{"update_existing":"true"}}));
    assert_eq!(r.status, 200);
    assert_eq!(summary(&r), (2, 1, 1, 0));
    let r = s.post("uservalidate", &json!({"users":[{"first_name":"V","card_num":"8769"}]}));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["error"], json!(["Card Number Already Assigned: 8769"]));
    let r = s.post("uservalidate", &json!({"users":[{"first_name":"V","card_num":"8769"}],"options":{"validate_fails_batch":false}}));
    assert_eq!(r.status, 200);
    assert_eq!(summary(&r), (1, 0, 0, 1));
    assert_eq!(s.list("user").len(), n);
    assert_eq!(s.list("user?idnum=ABC123-98765")[0]["first_name"], "Joe3");
    assert_eq!(s.list("events")[0]["id"], ev);
}

#[test]
fn empty_seed_events_and_cards() {
    let s = Server::start(&["--seed", "empty", "--admin"]);
    for e in ["user", "credential", "events", "door", "doorstate", "fob", "fobcheck", "schedule", "accesslevel"] {
        assert!(s.list(e).is_empty(), "{e}");
    }
    assert_eq!(s.list("nextcardnum")[0]["card_num"], "1");
    assert_eq!(s.list("credentialsummary")[0], json!({"claimed":0,"unclaimed":0,"total":0}));
    let r = s.post("user", &json!({"users":[{"first_name":"A","last_name":"B","card_num":"41"}]}));
    assert_eq!(summary(&r), (1, 1, 0, 0));
    let ev = s.list("events");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["id"], 1);
    assert_eq!(ev[0]["code_text"], "User Created");
    assert_eq!(ev[0]["user"], "B, A");
    assert_eq!(ev[0]["card_num"], "41");
    for k in ["device", "code", "category", "category_text", "hw_time", "db_time", "schedule", "controller", "location"] {
        assert!(ev[0].get(k).is_some(), "{k}");
    }
    assert_eq!(s.list("nextcardnum")[0]["card_num"], "42");
    // burst + pruning to the newest 5,000
    let r = s.admin("POST", "events", Some(&json!({"count": 5100})));
    assert_eq!(r.status, 200, "{}", r.text);
    let ev = s.list("events");
    assert_eq!(ev.len(), 5000);
    assert_eq!(ev[0]["id"], 5101);
    assert_eq!(ev[4999]["id"], 102);
    let asc = s.list("events?id=0");
    assert_eq!(asc.len(), 5000);
    assert_eq!(asc[0]["id"], 102);
    let after = s.list("events?id=5000");
    assert_eq!(after.iter().map(|e| e["id"].as_i64().unwrap()).collect::<Vec<_>>(), (5001..=5101).collect::<Vec<_>>());
    let codes: std::collections::HashSet<i64> = ev.iter().map(|e| e["code"].as_i64().unwrap()).collect();
    assert!(codes.contains(&48) && codes.contains(&49));
    for e in &ev {
        assert_eq!(e.get("subcode").is_some(), e.get("subcode_text").is_some());
    }
}

#[test]
fn bulk_posts_are_fast() {
    let s = Server::start(&["--seed", "empty"]);
    let mut worst = std::time::Duration::ZERO;
    for batch in 0..20 {
        let users: Vec<Value> = (0..100)
            .map(|i| {
                let n = batch * 100 + i;
                json!({"id_num":format!("B{n}"),"first_name":"Bulk","last_name":format!("User{n}"),"email":format!("bulk{n}@example.com"),"card_num":format!("{}", 100000 + n),"access_effective":"2024-01-01 00:00:00","access_expires":"2026-01-01T00:00:00.000Z","enabled":"true"})
            })
            .collect();
        let t = std::time::Instant::now();
        let r = s.post("user", &json!({"users":users,"options":{"update_existing":"true"}}));
        worst = worst.max(t.elapsed());
        assert_eq!(summary(&r), (100, 100, 0, 0));
    }
    eprintln!("slowest 100-user POST: {worst:?}");
    assert!(worst < std::time::Duration::from_secs(2), "{worst:?}");
    assert_eq!(s.list("user").len(), 2000);
    assert_eq!(s.list("credential").len(), 2000);
}

#[test]
fn events_window_options_overlap_and_newest_first() {
    let s = Server::start(&["--seed", "empty", "--admin", "--events-overlap", "3", "--events-newest-first"]);
    assert_eq!(s.admin("POST", "events", Some(&json!({"count": 8}))).status, 200);
    let ids = |q: &str| s.list(q).iter().map(|e| e["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids("events?id=5"), [8, 7, 6, 5, 4, 3], "ids above 5 - 3, newest first");
    assert_eq!(ids("events?id=1"), (1..=8).rev().collect::<Vec<_>>());
}

#[test]
fn method_not_allowed_names_the_endpoints_methods() {
    let s = Server::start(&["--admin", "--seed", "empty"]);
    let allowed = |r: &Resp| {
        let mut m: Vec<String> = r.header("allow").unwrap_or_default().split(',').map(|m| m.trim().to_string()).collect();
        m.sort();
        m
    };
    let r = s.send("DELETE", "fob/", "");
    assert_eq!(r.status, 405);
    assert_eq!(r.json(), json!({"data":{"error":"Method not allowed: DELETE /api/v1/fob/"}}));
    assert_eq!(allowed(&r), ["GET", "HEAD", "POST", "PUT"]);
    assert_eq!(allowed(&s.send("PUT", "uservalidate", "{}")), ["POST"]);
    // HEAD is a GET without the body
    let r = s.raw("HEAD", &s.url("door"), &[("apiuser", USER), ("apikey", KEY)], None).unwrap();
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    // the admin API: an unknown path is a 404, a wrong method a 405
    assert_eq!(s.admin("GET", "nope", None).status, 404);
    let r = s.admin("PUT", "faults", Some(&json!({})));
    assert_eq!(r.status, 405);
    assert_eq!(allowed(&r), ["DELETE", "GET", "HEAD", "POST"]);
}

#[test]
fn demo_seed_holds_the_rejected_example_record_as_user_244() {
    let s = Server::start(&[]);
    let example = fixture_json("post-user-errors.json")["input_data"].clone();
    let u = s.list("user?id=244")[0].clone();
    for k in ["id_num", "first_name", "last_name", "phone", "enabled"] {
        assert_eq!(u[k], example[k], "{k}");
    }
    assert_eq!((u["access_effective"].as_str(), u["access_expires"].as_str()), (Some("2022-01-24T00:00:00.000Z"), Some("2022-10-29T00:00:00.000Z")));
    // corrected where the example is invalid: its credential's card, one `@`
    assert_eq!((u["card_num"].as_str(), u["email"].as_str()), (Some("1234"), Some("rgreswell0@gravatar.com")));
    assert_eq!(u["accesslevels"], json!([{"id":574,"name":"Housekeeping"}]));
}
