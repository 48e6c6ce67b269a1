//! The admin API refuses what a web page could send through a developer's browser:
//! a foreign `Host` (DNS rebinding), a foreign `Origin` (CSRF), a POST that is not JSON.

mod common;
use common::*;
use serde_json::json;

const FAULT: &str = r#"{"faults":[{"kind":"status","status":503}]}"#;

/// POSTs one fault with these headers; returns the status and how many faults are queued after.
fn post_fault(s: &Server, headers: &[(&str, &str)]) -> (u16, usize) {
    let url = format!("{}/__admin/faults", s.root);
    let status = s.raw("POST", &url, headers, Some(FAULT)).unwrap().status;
    let queued = s.admin("GET", "faults", None).json()["faults"].as_array().unwrap().len();
    s.admin("DELETE", "faults", None);
    (status, queued)
}

#[test]
fn admin_answers_loopback_hosts_and_its_own_origin() {
    let s = Server::start(&["--admin"]);
    let port = s.root.rsplit(':').next().unwrap();
    let own = s.root.clone();
    for (host, origin) in [
        (format!("127.0.0.1:{port}"), None),
        (format!("127.0.0.1:{port}"), Some(own.as_str())),
        (format!("127.9.8.7:{port}"), None),
        (format!("localhost:{port}"), None),
        ("LOCALHOST".to_string(), None),
        (format!("[::1]:{port}"), None),
    ] {
        let mut headers = vec![("content-type", "application/json"), ("host", &host)];
        headers.extend(origin.map(|o| ("origin", o)));
        assert_eq!(post_fault(&s, &headers), (200, 1), "Host {host}, Origin {origin:?}");
    }
    let charset = [("content-type", "application/json; charset=utf-8")];
    assert_eq!(post_fault(&s, &charset), (200, 1));
}

#[test]
fn admin_refuses_foreign_hosts_origins_and_non_json_posts() {
    let s = Server::start(&["--admin"]);
    let port = s.root.rsplit(':').next().unwrap();
    let json = ("content-type", "application/json");
    let foreign_hosts = [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("10.0.0.1:{port}"),
        format!("0.0.0.0:{port}"),
        format!("[::2]:{port}"),
        "127.0.0.1:80@evil.example".to_string(),
        "127.0.0.1:".to_string(),
    ];
    for host in &foreign_hosts {
        assert_eq!(post_fault(&s, &[json, ("host", host)]), (403, 0), "Host {host}");
        let read = s.raw("GET", &format!("{}/__admin/requests", s.root), &[("host", host)], None);
        assert_eq!(read.unwrap().status, 403, "GET requests with Host {host}");
    }
    let other_port = format!("http://127.0.0.1:{}", port.parse::<u16>().unwrap() ^ 1);
    for origin in ["https://evil.example", "null", other_port.as_str(), &s.root.replace("http:", "https:")] {
        assert_eq!(post_fault(&s, &[json, ("origin", origin)]), (403, 0), "Origin {origin}");
    }
    for ctype in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"] {
        assert_eq!(post_fault(&s, &[("content-type", ctype)]), (415, 0), "{ctype}");
    }
    assert_eq!(post_fault(&s, &[]), (415, 0), "no content type");
    let reset = s.raw("POST", &format!("{}/__admin/reset", s.root), &[("content-type", "text/plain")], Some(&json!({"seed":"empty"}).to_string()));
    assert_eq!(reset.unwrap().status, 415);
    assert!(!s.list("user").is_empty(), "the refused reset changed nothing");
}
