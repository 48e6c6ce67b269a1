//! Server behaviour: overlap 429, persistence, fault injection, admin API, CORS,
//! static files, simulated traffic, in-process start.

mod common;
use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[test]
fn overlapping_write_gets_429() {
    let s = std::sync::Arc::new(Server::start(&["--latency-ms", "1500", "--seed", "empty"]));
    let s2 = s.clone();
    let first = std::thread::spawn(move || s2.post("door", &json!({"doors":[{"name":"Slow door"}]})));
    std::thread::sleep(Duration::from_millis(400));
    let t = Instant::now();
    let r = s.post("door", &json!({"doors":[{"name":"Second door"}]}));
    assert!(t.elapsed() < Duration::from_millis(1000), "429 comes immediately");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.json(), json!({"data":{"error":"Overlapping write rejected. Retry after the current write completes."}}));
    let r = s.send("PUT", "fob", r#"{"fobs":[{"id":1,"user_id":2}]}"#);
    assert_eq!(r.status, 429);
    let r = first.join().unwrap();
    assert_eq!(summary(&r), (1, 1, 0, 0));
    let names: Vec<Value> = s.list("door").iter().map(|d| d["name"].clone()).collect();
    assert_eq!(names, vec![json!("Slow door")], "the rejected write was not processed");
    // free again
    let r = s.post("door", &json!({"doors":[{"name":"Third door"}]}));
    assert_eq!(r.status, 200);
}

#[test]
fn overlap_with_delay_fault_and_gets_still_served() {
    let s = std::sync::Arc::new(Server::start(&["--admin", "--seed", "empty"]));
    s.admin("POST", "faults", Some(&json!({"faults":[{"match":{"method":"POST","path":"/api/v1/user"},"kind":"delay","ms":1200}]})));
    let s2 = s.clone();
    let first = std::thread::spawn(move || s2.post("user", &json!({"users":[{"first_name":"Slow"}]})));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(s.post("uservalidate", &json!({"users":[{"first_name":"X"}]})).status, 429);
    assert_eq!(s.get("user").status, 200, "reads are not blocked");
    let t = Instant::now();
    assert_eq!(summary(&first.join().unwrap()), (1, 1, 0, 0));
    assert!(t.elapsed() > Duration::from_millis(400));
}

#[test]
fn db_file_survives_restart() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("restart-{}.db", std::process::id()));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let p = path.to_str().unwrap();
    let (users, doors, events, creds) = {
        let s = Server::start(&["--db", p]);
        let r = s.post("user", &json!({"users":[{"id_num":"P1","first_name":"Per","last_name":"Sist","card_num":"9191","accesslevels":[{"id":574}]}]}));
        assert_eq!(summary(&r), (1, 1, 0, 0));
        s.post("door", &json!({"doors":[{"name":"Persistent door"}]}));
        s.post("credential", &json!({"credentials":[{"id":335}]}));
        (s.list("user"), s.list("door"), s.list("events"), s.list("credential"))
    };
    let s = Server::start(&["--db", p, "--seed", "empty"]);
    assert_eq!(s.list("user"), users, "not reseeded, nothing lost");
    assert_eq!(s.list("door"), doors);
    assert_eq!(s.list("events"), events);
    assert_eq!(s.list("credential"), creds);
    let u = s.list("user?idnum=P1")[0].clone();
    assert_eq!(u["accesslevels"], json!([{"id":574,"name":"Housekeeping"}]));
    // ids keep counting up after a restart
    s.post("door", &json!({"doors":[{"name":"After restart"}]}));
    let ev = s.list("events");
    assert!(ev[0]["id"].as_i64() > events[0]["id"].as_i64());
    drop(s);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

#[test]
fn scripted_faults_each_kind() {
    let s = Server::start(&["--admin", "--seed", "empty"]);
    let add = |f: Value| {
        let r = s.admin("POST", "faults", Some(&json!({ "faults": [f] })));
        assert_eq!(r.status, 200, "{}", r.text);
    };
    // status with defaults
    add(json!({"kind":"status","status":502}));
    let r = s.get("user");
    assert_eq!(r.status, 502);
    assert!(r.ctype.starts_with("text/html"));
    assert_eq!(r.text, "<html><body><h1>502</h1></body></html>");
    assert_eq!(s.get("user").status, 200, "consumed");
    // status with body / content type; scripted 401 and 429
    add(json!({"kind":"status","status":503,"body":"{\"x\":1}","content_type":"application/json"}));
    let r = s.get("door");
    assert_eq!((r.status, r.ctype.as_str(), r.text.as_str()), (503, "application/json", "{\"x\":1}"));
    add(json!({"kind":"status","status":429}));
    let r = s.get("door");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("1"));
    add(json!({"kind":"status","status":401,"body":"{\"data\":{\"error\":\"Access denied. Invalid API credentials.\"}}","content_type":"application/json"}));
    assert_eq!(s.get("door").status, 401);
    // match: only POST /api/v1/door consumes it (trailing slash and query ignored)
    add(json!({"match":{"method":"POST","path":"/api/v1/door/?x=1"},"kind":"status","status":500}));
    assert_eq!(s.get("door").status, 200);
    assert_eq!(s.post("user", &json!({"users":[{"first_name":"a"}]})).status, 200);
    assert_eq!(s.post("door", &json!({"doors":[{"name":"d"}]})).status, 500);
    assert!(s.list("door").is_empty(), "a pre-commit fault processes nothing");
    // drop
    add(json!({"kind":"drop"}));
    assert!(s.raw("GET", &s.url("user"), &[("apiuser", USER), ("apikey", KEY)], None).is_err());
    assert_eq!(s.get("user").status, 200);
    // delay
    add(json!({"kind":"delay","ms":700}));
    let t = Instant::now();
    assert_eq!(s.get("user").status, 200);
    assert!(t.elapsed() >= Duration::from_millis(700));
    // truncate
    let full = s.get("user").text;
    add(json!({"kind":"truncate"}));
    let r = s.get("user");
    assert_eq!(r.status, 200);
    assert_eq!(r.ctype, "application/json");
    assert_eq!(r.text, full[..full.len() / 2]);
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    // empty
    add(json!({"kind":"empty"}));
    let r = s.get("user");
    assert_eq!((r.status, r.ctype.as_str(), r.text.as_str()), (200, "application/json", ""));
    // content_type
    add(json!({"kind":"content_type","content_type":"text/plain"}));
    let r = s.get("user");
    assert_eq!(r.ctype, "text/plain");
    assert_eq!(r.text, full);
    // after_commit status: applied, answer lost
    add(json!({"match":{"method":"POST"},"kind":"status","status":502,"after_commit":true}));
    let r = s.post("user", &json!({"users":[{"id_num":"AC1","first_name":"a"}]}));
    assert_eq!(r.status, 502);
    assert_eq!(s.list("user?idnum=AC1").len(), 1);
    // after_commit drop
    add(json!({"match":{"method":"POST"},"kind":"drop","after_commit":true}));
    let r = s.raw("POST", &s.url("user"), &[("apiuser", USER), ("apikey", KEY), ("content-type", "application/json")], Some(r#"{"users":[{"id_num":"AC2","first_name":"b"}]}"#));
    assert!(r.is_err());
    assert_eq!(s.list("user?idnum=AC2").len(), 1);
    // after_commit truncate on a write
    add(json!({"match":{"method":"POST"},"kind":"truncate","after_commit":true}));
    let r = s.post("door", &json!({"doors":[{"name":"trunc"}]}));
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    assert_eq!(s.list("door").len(), 1);
    // list and clear
    add(json!({"kind":"status","status":500}));
    add(json!({"kind":"status","status":500}));
    assert_eq!(s.admin("GET", "faults", None).json()["faults"].as_array().unwrap().len(), 2);
    assert_eq!(s.admin("DELETE", "faults", None).json()["cleared"], 2);
    assert_eq!(s.get("user").status, 200);
    // bad fault body
    assert_eq!(s.admin("POST", "faults", Some(&json!({"faults":[{"kind":"nope"}]}))).status, 400);
}

#[test]
fn request_log_and_admin_endpoints() {
    let s = Server::start(&["--admin"]);
    assert_eq!(s.admin("DELETE", "requests", None).status, 200);
    s.get("user?id=1693");
    s.post("door", &json!({"doors":[{"name":"Logged"}]}));
    s.raw("GET", &s.url("door"), &[("apiuser", USER), ("apikey", "bad-key")], None).unwrap();
    let r = s.admin("GET", "requests", None);
    assert!(!r.text.contains(KEY), "the apikey is never logged");
    let log = r.json()["requests"].as_array().unwrap().clone();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0]["seq"].as_u64().unwrap() + 1, log[1]["seq"].as_u64().unwrap());
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[0]["path"], "/api/v1/user");
    assert_eq!(log[0]["query"], "id=1693");
    assert_eq!(log[0]["status"], 200);
    assert_eq!(log[0]["records"], 1);
    assert_eq!(log[0]["apiuser"], USER);
    assert_eq!(log[0]["apikey_ok"], true);
    assert_eq!(log[0]["body"], Value::Null);
    assert!(log[0]["end_ms"].as_f64().unwrap() >= log[0]["start_ms"].as_f64().unwrap());
    assert_eq!(log[1]["content_type"], "application/json");
    assert_eq!(log[1]["body"], json!({"doors":[{"name":"Logged"}]}));
    assert_eq!(log[1]["records"], 1);
    assert_eq!(log[2]["status"], 401);
    assert_eq!(log[2]["apikey_ok"], false);
    assert_eq!(s.admin("DELETE", "requests", None).json()["cleared"], 3);
    assert!(s.admin("GET", "requests", None).json()["requests"].as_array().unwrap().is_empty());

    // burst of events
    let last = s.list("events")[0]["id"].as_i64().unwrap();
    let r = s.admin("POST", "events", Some(&json!({"count": 25})));
    assert_eq!(r.json()["appended"], 25);
    let new = s.list(&format!("events?id={last}"));
    assert_eq!(new.len(), 25);
    assert!(new.iter().all(|e| e["code"] == 48 || e["code"] == 49));
    // reset
    assert_eq!(s.admin("POST", "reset", Some(&json!({"seed":"empty"}))).status, 200);
    assert!(s.list("user").is_empty());
    assert!(s.list("events").is_empty());
    assert_eq!(s.admin("POST", "reset", Some(&json!({"seed":"demo"}))).status, 200);
    assert_eq!(s.list("events").len(), 5000);
    assert_eq!(s.list("user?id=1690").len(), 1);
    assert_eq!(s.admin("POST", "reset", Some(&json!({"seed":"bogus"}))).status, 400);
    assert_eq!(s.admin("GET", "nothing", None).status, 404);
}

#[test]
fn admin_is_off_by_default() {
    let s = Server::start(&[]);
    for (m, p) in [("GET", "requests"), ("POST", "faults"), ("POST", "reset"), ("POST", "events")] {
        assert_eq!(s.admin(m, p, Some(&json!({}))).status, 404, "{m} {p}");
    }
}

#[test]
fn fail_rate_and_drop_rate() {
    let s = Server::start(&["--fail-rate", "1"]);
    let r = s.get("user");
    assert_eq!(r.status, 502);
    assert!(r.ctype.starts_with("text/html"));
    assert_eq!(r.text, "<html><body><h1>502 Bad Gateway</h1></body></html>");
    let s = Server::start(&["--drop-rate", "1"]);
    assert!(s.raw("GET", &s.url("user"), &[("apiuser", USER), ("apikey", KEY)], None).is_err());
    assert!(s.raw("POST", &s.url("door"), &[("apiuser", USER), ("apikey", KEY), ("content-type", "application/json")], Some("{}")).is_err());
}

#[test]
fn cors_preflight_allowed_and_denied() {
    let s = Server::start(&["--cors-origin", "http://allowed.test", "--cors-origin", "http://also.test:3000"]);
    let pre = |origin: &str| {
        s.raw("OPTIONS", &s.url("user"), &[("origin", origin), ("access-control-request-method", "POST"), ("access-control-request-headers", "apiuser,apikey,content-type")], None)
            .unwrap()
    };
    for origin in ["http://allowed.test", "http://also.test:3000"] {
        let r = pre(origin);
        assert!(r.status < 300, "{}", r.status);
        assert_eq!(r.header("access-control-allow-origin"), Some(origin));
        let h = r.header("access-control-allow-headers").unwrap().to_lowercase();
        for want in ["apiuser", "apikey", "content-type"] {
            assert!(h.contains(want), "{h}");
        }
        let m = r.header("access-control-allow-methods").unwrap();
        for want in ["GET", "POST", "PUT"] {
            assert!(m.contains(want), "{m}");
        }
    }
    let r = pre("http://evil.test");
    assert_eq!(r.header("access-control-allow-origin"), None);
    // actual request from an allowed origin
    let r = s.raw("GET", &s.url("door"), &[("origin", "http://allowed.test"), ("apiuser", USER), ("apikey", KEY)], None).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("http://allowed.test"));
    let r = s.raw("GET", &s.url("door"), &[("origin", "http://evil.test"), ("apiuser", USER), ("apikey", KEY)], None).unwrap();
    assert_eq!(r.header("access-control-allow-origin"), None);
    // no --cors-origin: nothing allowed
    let s = Server::start(&[]);
    let r = s.raw("OPTIONS", &s.url("user"), &[("origin", "http://allowed.test"), ("access-control-request-method", "GET")], None).unwrap();
    assert_eq!(r.header("access-control-allow-origin"), None);
}

#[test]
fn static_files() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("www-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("js")).unwrap();
    std::fs::write(dir.join("index.html"), "<h1>sample</h1>").unwrap();
    std::fs::write(dir.join("js/app.js"), "console.log(1)").unwrap();
    let s = Server::start(&["--serve", dir.to_str().unwrap()]);
    let r = s.raw("GET", &format!("{}/", s.root), &[], None).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.text, "<h1>sample</h1>");
    assert!(r.ctype.starts_with("text/html"));
    let r = s.raw("GET", &format!("{}/js/app.js", s.root), &[], None).unwrap();
    assert_eq!(r.text, "console.log(1)");
    assert!(r.ctype.contains("javascript"));
    assert_eq!(s.raw("GET", &format!("{}/missing.txt", s.root), &[], None).unwrap().status, 404);
    assert_eq!(s.get("door").status, 200, "the API still answers");
    let _ = std::fs::remove_dir_all(dir);
    // without --serve, / is a JSON 404
    let s = Server::start(&[]);
    let r = s.raw("GET", &format!("{}/", s.root), &[], None).unwrap();
    assert_eq!(r.status, 404);
    assert_eq!(r.json(), json!({"data":{"error":"Not found: /"}}));
}

#[test]
fn simulated_traffic() {
    let s = Server::start(&["--seed", "empty", "--simulate-traffic", "40"]);
    std::thread::sleep(Duration::from_millis(800));
    let ev = s.list("events?id=0");
    assert!(ev.len() >= 10, "{}", ev.len());
    assert!(ev.windows(2).all(|w| w[0]["id"].as_i64() < w[1]["id"].as_i64()));
    for e in &ev {
        assert!(e["code"] == 48 || e["code"] == 49);
        assert_eq!(e["category"], if e["code"] == 48 { 1 } else { 2 });
    }
}

#[test]
fn custom_key_pair_from_flags_and_env() {
    let s = Server::start(&["--api-user", "me", "--api-key", "secret"]);
    assert_eq!(s.get("user").status, 401);
    let r = s.raw("GET", &s.url("user"), &[("apiuser", "me"), ("apikey", "secret")], None).unwrap();
    assert_eq!(r.status, 200);
    let s = Server::start_env(&[], &[("LOCKT_SANDBOX_APIUSER", "envuser"), ("LOCKT_SANDBOX_APIKEY", "envkey")]);
    assert_eq!(s.get("user").status, 401);
    let r = s.raw("GET", &s.url("user"), &[("apiuser", "envuser"), ("apikey", "envkey")], None).unwrap();
    assert_eq!(r.status, 200);
}

#[test]
fn in_process_start() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let cfg = lockt_sandbox::Config::from_args(["--port", "0", "--seed", "empty"]).unwrap();
            let running = lockt_sandbox::start(cfg).await.unwrap();
            tx.send(running.base_url()).unwrap();
            let _ = running.task.await;
        });
    });
    let base = rx.recv().unwrap();
    assert!(base.starts_with("http://127.0.0.1:"));
    let r = ureq::get(&format!("{base}/door")).set("apiuser", USER).set("apikey", KEY).call().unwrap();
    assert_eq!(r.into_json::<Value>().unwrap(), json!({"data":[]}));
}
