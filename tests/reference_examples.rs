//! Every example response of the reference parses as it stands, quirks included.

use lockt_secureaccess::api::{self, match_errors, parse_list, parse_one, parse_single, parse_write, RawResponse};
use lockt_secureaccess::error::ErrorKind;
use lockt_secureaccess::model::*;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/fixtures/reference/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn ok(name: &str) -> RawResponse {
    RawResponse { status: 200, content_type: "application/json; charset=utf-8".into(), body: fixture(name) }
}

#[test]
fn user_list_with_fob_like_records() {
    let users: Vec<User> = parse_list(&ok("get-user-list.json")).unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].id, 5678);
    assert_eq!(users[0].name.as_deref(), Some("Fob 1"));
    assert_eq!(users[0].access_effective, None, "\"\" means not set");
    assert_eq!(users[1].access_effective.as_deref(), Some("2022-05-05T09:00:00.000Z"));
    assert_eq!(users[1].enabled, Some(false));
}

#[test]
fn user_by_id_and_idnum() {
    let u: User = parse_one(&ok("get-user-by-id.json")).unwrap().unwrap();
    assert_eq!((u.id, u.card_num.as_deref(), u.enabled), (1693, Some("8769"), Some(true)));
    assert!(u.accesslevels.is_empty());
    let u: User = parse_one(&ok("get-user-by-idnum.json")).unwrap().unwrap();
    assert_eq!(u.id_num.as_deref(), Some("ABC123-98765"));
    assert_eq!(u.access_effective.as_deref(), Some("2022-01-05T23:59:59.000Z"));
}

#[test]
fn empty_list_is_not_found_as_none() {
    let r = RawResponse { status: 200, content_type: "application/json".into(), body: r#"{"data":[]}"#.into() };
    assert_eq!(parse_one::<User>(&r).unwrap(), None);
}

#[test]
fn credentials_with_holder_as_array_or_object() {
    let c: Vec<Credential> = parse_list(&ok("get-credential.json")).unwrap();
    assert_eq!(c[0].user, Some(CredentialHolder { id: 300, name: "User, Test".into() }));
    assert_eq!(c[1].claim_status.as_deref(), Some("Unclaimed"));
    let r = RawResponse { status: 200, content_type: "application/json".into(), body: r#"{"data":[{"id":1,"user":{"id":2,"name":"A, B"}}]}"#.into() };
    assert_eq!(parse_list::<Credential>(&r).unwrap()[0].user.as_ref().unwrap().id, 2);
}

#[test]
fn events_with_and_without_subcode() {
    let e: Vec<Event> = parse_list(&ok("get-events.json")).unwrap();
    assert_eq!(e.len(), 3);
    assert_eq!(e[0].subcode, Some(104));
    assert_eq!(e[2].subcode, None);
    assert_eq!(e[2].hw_time.as_deref(), Some("2021-11-17T13:58:01.000Z"));
    let e: Vec<Event> = parse_list(&ok("get-events-after.json")).unwrap();
    assert_eq!(e.iter().map(|e| e.id).collect::<Vec<_>>(), [865, 864]);
}

#[test]
fn doors_states_schedules_access_levels() {
    let d: Vec<Door> = parse_list(&ok("get-door.json")).unwrap();
    assert_eq!(d.iter().map(|d| d.id).collect::<Vec<_>>(), [166, 174, 603]);
    assert_eq!(d[1].location, Some(String::new()));
    let s: Vec<DoorState> = parse_list(&ok("get-doorstate.json")).unwrap();
    assert_eq!(s[2].battery_level, Some(0.99));
    let s: Vec<Schedule> = parse_list(&ok("get-schedule.json")).unwrap();
    assert_eq!((s[0].d0, s[0].d5, s[1].d6, s[1].stop.as_str()), (1, 0, 1, "19:49:59"));
    let a: Vec<AccessLevel> = parse_list(&ok("get-accesslevel.json")).unwrap();
    assert_eq!(a[0].doors.len(), 2);
    assert!(a[1].doors.is_empty(), "doors absent when a level has none");
}

#[test]
fn fob_example_that_shows_door_data_still_reads() {
    let f: Vec<Fob> = parse_list(&ok("get-fob.json")).unwrap();
    assert_eq!(f[0].name.as_deref(), Some("Office Supplies"));
}

#[test]
fn write_summaries() {
    for name in ["post-user-response.json", "post-door-response.json", "post-fob-response.json", "put-fob-response.json"] {
        let w = parse_write(&ok(name)).unwrap();
        assert!(w.applied);
        assert_eq!(w.summary.submitted, 1, "{name}");
    }
}

#[test]
fn write_errors_in_both_documented_shapes() {
    let bad = |name: &str| RawResponse { status: 400, content_type: "application/json".into(), body: fixture(name) };
    let w = parse_write(&bad("post-door-errors.json")).unwrap();
    assert!(!w.applied);
    assert_eq!(w.messages, ["Validation errors found. Batch has failed. Details provided."]);
    assert_eq!(w.errors[0].messages, ["Door Name Already Exists: Door 1"]);
    let w = parse_write(&bad("post-user-errors.json")).unwrap();
    assert_eq!(w.errors.len(), 1);
    assert_eq!(w.errors[0].messages.len(), 2);
    assert_eq!(w.errors[0].input_data.as_ref().unwrap()["card_num"], "A8914");
}

#[test]
fn errors_map_back_to_the_records_sent() {
    let sent: Vec<serde_json::Value> = serde_json::from_str(r#"[{"name":"Door 0"},{"name":"Door 1"},{"name":"Door 1 "}]"#).unwrap();
    let bad = RawResponse { status: 400, content_type: "application/json".into(), body: fixture("post-door-errors.json") };
    let w = parse_write(&bad).unwrap();
    assert_eq!(match_errors(&sent, &w.errors), [Some(1)]);
}

#[test]
fn get_error_envelope_and_failures() {
    let r = RawResponse { status: 401, content_type: "application/json".into(), body: r#"{"data":{"error":"Access denied"}}"#.into() };
    let e = parse_list::<User>(&r).unwrap_err();
    assert_eq!((e.kind, e.status, e.messages.clone()), (ErrorKind::Auth, Some(401), vec!["Access denied".to_string()]));
    let html = RawResponse { status: 502, content_type: "text/html".into(), body: "<html>Bad Gateway</html>".into() };
    assert_eq!(parse_list::<User>(&html).unwrap_err().kind, ErrorKind::Server);
    let truncated = RawResponse { status: 200, content_type: "application/json".into(), body: r#"{"data":[{"id":1"#.into() };
    assert_eq!(parse_list::<User>(&truncated).unwrap_err().kind, ErrorKind::Decode);
    let empty = RawResponse { status: 200, content_type: "application/json".into(), body: String::new() };
    assert_eq!(parse_list::<User>(&empty).unwrap_err().kind, ErrorKind::Decode);
    let text = RawResponse { status: 200, content_type: "text/plain".into(), body: r#"{"data":[]}"#.into() };
    assert_eq!(parse_list::<User>(&text).unwrap_err().kind, ErrorKind::Decode);
    let enveloped = RawResponse { status: 200, content_type: "application/json".into(), body: r#"{"data":{"error":"boom"}}"#.into() };
    assert_eq!(parse_list::<User>(&enveloped).unwrap_err().messages, ["boom"]);
}

#[test]
fn pending_endpoints_accept_object_or_list() {
    let list = RawResponse { status: 200, content_type: "application/json".into(), body: r#"{"data":[{"claimed":3,"unclaimed":2,"total":5}]}"#.into() };
    let obj = RawResponse { status: 200, content_type: "application/json".into(), body: r#"{"data":{"claimed":3,"unclaimed":2,"total":5}}"#.into() };
    assert_eq!(parse_single::<CredentialSummary>(&list).unwrap(), parse_single::<CredentialSummary>(&obj).unwrap());
    let n = RawResponse { status: 200, content_type: "application/json".into(), body: r#"{"data":[{"card_num":10002}]}"#.into() };
    assert_eq!(parse_single::<NextCardNumber>(&n).unwrap().card_num.as_deref(), Some("10002"));
}

#[test]
fn request_building() {
    assert_eq!(api::user_by_idnum("ABC123-98765 ä&").path, "user?idnum=ABC123-98765%20%C3%A4%26");
    assert_eq!(api::events_after(17249).path, "events?id=17249");
    let r = api::ApiRequest::write(api::Method::Post, "door", "doors", &[DoorInput { name: "Door 1".into() }], &[("validate_fails_batch", false)]);
    assert_eq!(r.body.unwrap(), r#"{"doors":[{"name":"Door 1"}],"options":{"validate_fails_batch":"false"}}"#);
}

/// The parts a WHATWG parser gives for `https://host/path` (enough for these rules).
fn parts(protocol: &str, hostname: &str, port: &str, pathname: &str) -> api::UrlParts {
    let origin = format!("{protocol}//{hostname}{}", if port.is_empty() { String::new() } else { format!(":{port}") });
    api::UrlParts { protocol: protocol.into(), userinfo: String::new(), hostname: hostname.into(), origin, pathname: pathname.into() }
}

#[test]
fn base_url_rules() {
    assert_eq!(api::precheck_base_url("https://cloudapi.lockt.com/api/v1/").unwrap(), "https://cloudapi.lockt.com/api/v1");
    for bad in [
        "",
        "/\\127.0.0.1:18082/api/v1",
        "/\t/127.0.0.1:18082/api/v1",
        "http://evil.example\\.localhost/api/v1",
        " https://x/y",
        "https://x/api/v1?x=1",
        "https://x/y#f",
        "https://x/\ny",
    ] {
        assert_eq!(api::precheck_base_url(bad).unwrap_err().kind, ErrorKind::Config, "{bad:?}");
    }
    let ok = |p: &api::UrlParts, page: Option<&str>| api::decide_base_url(p, page);
    assert_eq!(ok(&parts("https:", "cloudapi.lockt.com", "", "/api/v1/"), None).unwrap(), "https://cloudapi.lockt.com/api/v1");
    for host in ["127.0.0.1", "127.255.3.9", "localhost", "sandbox.localhost", "[::1]"] {
        assert!(ok(&parts("http:", host, "8080", "/api/v1"), None).is_ok(), "{host}");
    }
    for host in ["127.0.0.1.nip.io", "127.example.com", "cloudapi.lockt.com", "localhost.example", ".localhost", "128.0.0.1", "[::2]", "evil.example"] {
        assert_eq!(ok(&parts("http:", host, "", "/api/v1"), None).unwrap_err().kind, ErrorKind::Config, "{host}");
    }
    assert_eq!(ok(&parts("ftp:", "x", "", "/"), None).unwrap_err().kind, ErrorKind::Config);
    let mut with_user = parts("https:", "host", "", "/x");
    with_user.userinfo = "u:p".into();
    assert_eq!(ok(&with_user, None).unwrap_err().kind, ErrorKind::Config);
    // A path form resolved against the page: only the page's own origin.
    let page = Some("https://portal.example");
    assert_eq!(ok(&parts("https:", "portal.example", "", "/lockt"), page).unwrap(), "https://portal.example/lockt");
    assert_eq!(ok(&parts("http:", "127.0.0.1", "18082", "/api/v1"), page).unwrap_err().kind, ErrorKind::Config);
    assert_eq!(ok(&parts("https:", "evil.example", "", "/lockt"), page).unwrap_err().kind, ErrorKind::Config);
}
