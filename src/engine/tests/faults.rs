//! The fault matrix of tests/node/faults.test.mjs, row by row, against the scripted server:
//! the documented error kind; reads retried per the policy; writes never applied twice (the
//! server's ledger); an unanswered call settled by reading back; every input index accounted
//! for exactly once. No real sleeping: the clock is fake.

use serde_json::{json, Value};

use super::scripted::{block_on, Fault, FaultKind, Scripted, Server};
use crate::api::{ApiRequest, Method};
use crate::batch::{BatchReport, RecordReason, RecordStatus};
use crate::engine::cases::{self, UserFlags, UserRef};
use crate::engine::writes::{self, CheckedRecords, Progress, WriteSpec};
use crate::error::{Error, ErrorKind};
use crate::model::{Event, User};

const GET: Method = Method::Get;
const POST: Method = Method::Post;

/// `n` new users, with id numbers unique to `tag`.
fn users(n: usize, tag: &str) -> Vec<Value> {
    (0..n).map(|i| json!({ "id_num": format!("F-{tag}-{i}"), "first_name": format!("Fault{i}"), "last_name": "Row" })).collect()
}

/// A server holding three users already.
fn seeded() -> Scripted {
    let mut server = Server::new();
    for i in 0..3 {
        server.seed_user(json!({ "id_num": format!("SEED-{i}"), "first_name": "Seed", "last_name": format!("{i}") }));
    }
    Scripted::new(server)
}

fn save(t: &Scripted, input: &[Value]) -> BatchReport {
    block_on(cases::save_users(t, input, UserFlags::default(), &Progress::silent())).expect("a save reports")
}

fn list_users(t: &Scripted) -> Result<Vec<User>, Error> {
    block_on(cases::read_list(t, &ApiRequest::get("user")))
}

/// Every input index exactly once, in order, and the counts add up.
fn assert_accounts(report: &BatchReport, total: usize) {
    assert_eq!(report.total, total);
    assert_eq!(report.records.iter().map(|r| r.index).collect::<Vec<_>>(), (0..total).collect::<Vec<_>>(), "every index exactly once, in input order");
    let count = |s| report.records.iter().filter(|r| r.status == s).count();
    assert_eq!(
        (report.committed, report.rejected, report.unknown, report.not_sent),
        (count(RecordStatus::Committed), count(RecordStatus::Rejected), count(RecordStatus::Unknown), count(RecordStatus::NotSent))
    );
    assert_eq!(report.committed + report.rejected + report.unknown + report.not_sent, total);
}

/// How many times the server applied each record of `input` (each must be 1 after a commit).
fn applied(t: &Scripted, input: &[Value]) -> Vec<usize> {
    let server = t.server.borrow();
    input.iter().map(|r| server.ledger.get(r["id_num"].as_str().unwrap_or_default()).copied().unwrap_or(0)).collect()
}

fn statuses(t: &Scripted, method: Method, path: &str) -> Vec<Option<u16>> {
    t.server.borrow().sent(method, path).iter().map(|l| l.status).collect()
}

/// A read through one retryable answer: retried once, then succeeds.
fn read_recovers_after(kind: FaultKind) {
    let t = seeded();
    t.faults([Fault::on(GET, "user", kind)]);
    assert_eq!(list_users(&t).expect("the retry succeeds").len(), 3);
    let sends = statuses(&t, GET, "user");
    assert_eq!(sends.len(), 2, "one failed send, one retry");
    assert_eq!(sends[1], Some(200));
}

/// A read through persistent faults: the documented kind after `sent_times` sends.
fn read_gives_up(kind: FaultKind, expected: ErrorKind, sent_times: usize) -> Error {
    let t = seeded();
    t.faults([Fault::on(GET, "user", kind); 4]);
    let error = list_users(&t).expect_err("the read fails");
    assert_eq!(error.kind, expected);
    assert_eq!(statuses(&t, GET, "user").len(), sent_times);
    error
}

/// A write whose call fails before the commit: read back, found absent, resent exactly once.
fn write_resent_once_after(kind: FaultKind) {
    let t = seeded();
    let input = users(3, "pre");
    t.faults([Fault::on(POST, "user", kind)]);
    let report = save(&t, &input);
    assert_accounts(&report, 3);
    assert_eq!(report.committed, 3, "{report:?}");
    assert_eq!(report.calls, 2, "the failed call and one resend");
    assert_eq!(applied(&t, &input), [1, 1, 1]);
    let log: Vec<(Method, String)> = t.server.borrow().log.iter().map(|l| (l.method, l.path.clone())).collect();
    assert_eq!(log, [(POST, "user".to_string()), (GET, "user".into()), (POST, "user".into())], "read back between the send and the resend");
}

/// A write whose call is committed and then answered badly: read back, committed, one POST.
fn write_committed_by_read_back(fault: Fault) {
    let t = seeded();
    let input = users(3, "post");
    t.faults([fault]);
    let report = save(&t, &input);
    assert_accounts(&report, 3);
    assert_eq!(report.committed, 3, "{report:?}");
    assert!(report.records.iter().all(|r| r.reason == Some(RecordReason::ReadBack) && r.messages.join(" ").contains("reading back")), "{report:?}");
    assert_eq!(report.calls, 1);
    assert_eq!(statuses(&t, POST, "user").len(), 1, "never sent twice");
    assert_eq!(applied(&t, &input), [1, 1, 1]);
}

#[test]
fn status_500_with_html_body_read_server_kind_not_retried() {
    let e = read_gives_up(FaultKind::Status(500), ErrorKind::Server, 1);
    assert_eq!(e.status, Some(500));
    assert!(e.is_transient());
}

#[test]
fn status_502_and_503_with_html_body_read_server_kind_retried_per_the_policy() {
    for status in [502, 503] {
        read_recovers_after(FaultKind::Status(status));
        let e = read_gives_up(FaultKind::Status(status), ErrorKind::Server, 3);
        assert_eq!(e.status, Some(status));
        assert!(!e.message.contains("<html") && !e.message.contains("<body"), "no HTML in the message: {}", e.message);
    }
}

#[test]
fn status_50x_with_html_body_batched_write_before_the_commit_absent_on_read_back_resent_once() {
    for status in [500, 502, 503] {
        write_resent_once_after(FaultKind::Status(status));
    }
}

#[test]
fn status_50x_with_html_body_batched_write_after_the_commit_committed_by_read_back_sent_once() {
    for status in [500, 502, 503] {
        write_committed_by_read_back(Fault::on(POST, "user", FaultKind::Status(status)).after_commit());
    }
}

#[test]
fn status_502_users_with_a_pin_after_the_commit_committed_by_read_back() {
    let t = seeded();
    let input: Vec<Value> = users(3, "pin")
        .into_iter()
        .enumerate()
        .map(|(i, mut u)| {
            u["pin"] = json!(format!("098{i}"));
            u
        })
        .collect();
    t.faults([Fault::on(POST, "user", FaultKind::Status(502)).after_commit()]);
    let report = save(&t, &input);
    assert_accounts(&report, 3);
    assert_eq!(report.committed, 3, "{report:?}");
    assert!(report.records.iter().all(|r| r.reason == Some(RecordReason::ReadBack)));
    assert_eq!(statuses(&t, POST, "user").len(), 1, "never sent twice");
}

#[test]
fn status_502_multi_call_batch_only_the_faulty_call_is_read_back_nothing_sent_twice() {
    let t = seeded();
    let input = users(150, "multi");
    t.faults([Fault::on(POST, "user", FaultKind::Pass), Fault::on(POST, "user", FaultKind::Status(502)).after_commit()]);
    let report = save(&t, &input);
    assert_accounts(&report, 150);
    assert_eq!(report.committed, 150);
    assert_eq!(statuses(&t, POST, "user").len(), 2);
    assert!(applied(&t, &input).iter().all(|n| *n == 1));
    assert!(report.records[..100].iter().all(|r| r.reason.is_none()), "the first call was answered");
}

#[test]
fn status_502_the_send_and_the_resend_both_fail_before_the_commit_not_sent_safe_to_send_again_the_run_stops() {
    let t = seeded();
    let input = users(150, "twice");
    t.faults([Fault::on(POST, "user", FaultKind::Status(502)); 2]);
    let report = save(&t, &input);
    assert_accounts(&report, 150);
    assert_eq!((report.committed, report.rejected, report.unknown, report.not_sent), (0, 0, 0, 150));
    assert!(report.records[..100].iter().all(|r| r.messages.join(" ").contains("safe to send again")));
    let stop = report.stopped_by.expect("the run stopped");
    assert_eq!((stop.kind, stop.status), (ErrorKind::Server, Some(502)));
    assert_eq!(report.calls, 2, "the send and the resend");
    let posts: Vec<usize> = t.server.borrow().sent(POST, "user").iter().map(|l| l.records).collect();
    assert_eq!(posts, [100, 100], "the second call is never sent");
    assert!(applied(&t, &input).iter().all(|n| *n == 0));
}

#[test]
fn status_500_batched_write_that_cannot_be_read_back_unknown_never_resent() {
    let t = seeded();
    t.faults([Fault::on(POST, "credential", FaultKind::Status(500)).after_commit()]);
    let spec = WriteSpec::simple(POST, "credential", "credentials", true, None);
    let v = crate::validate::validate_credential_reissues(&[json!({"id": 335}), json!({"id": 129813})]).into_values();
    let report = block_on(writes::run(&t, &spec, CheckedRecords::from(v), 2, &Progress::silent()));
    assert_accounts(&report, 2);
    assert_eq!(report.unknown, 2, "{report:?}");
    assert_eq!(statuses(&t, POST, "credential").len(), 1);
}

#[test]
fn dropped_connection_read_network_kind_retried() {
    read_recovers_after(FaultKind::Drop);
    let e = read_gives_up(FaultKind::Drop, ErrorKind::Network, 3);
    assert!(e.is_transient());
    assert_eq!(e.status, None);
}

#[test]
fn dropped_connection_batched_write_dropped_before_the_commit_resent_once() {
    write_resent_once_after(FaultKind::Drop);
}

#[test]
fn dropped_connection_batched_write_dropped_after_the_commit_committed_by_read_back_sent_once() {
    write_committed_by_read_back(Fault::on(POST, "user", FaultKind::Drop).after_commit());
}

#[test]
fn dropped_connection_doors_create_dropped_after_the_commit_read_back_by_name_sent_once() {
    let t = seeded();
    t.faults([Fault::on(POST, "door", FaultKind::Drop).after_commit()]);
    let spec = WriteSpec::simple(POST, "door", "doors", true, Some(crate::batch::DOOR_READ_BACK));
    // The validators' typed wire records, sent as they are (the engine is generic over them).
    let input = [json!({"name": "Fault door A"}), json!({"name": "Fault door B"})];
    let report = block_on(writes::run(&t, &spec, CheckedRecords::from(crate::validate::validate_doors(&input)), 2, &Progress::silent()));
    assert_accounts(&report, 2);
    assert_eq!(report.committed, 2, "{report:?}");
    assert_eq!(statuses(&t, POST, "door").len(), 1);
    assert_eq!(t.server.borrow().ledger.values().copied().collect::<Vec<_>>(), [1, 1]);
}

#[test]
fn response_slower_than_the_timeout_read_timeout_kind_not_retried() {
    let e = read_gives_up(FaultKind::Timeout, ErrorKind::Timeout, 1);
    assert!(e.is_transient());
}

#[test]
fn response_slower_than_the_timeout_batched_write_read_back_then_resent_at_most_once_stored_exactly_once() {
    for fault in [Fault::on(POST, "user", FaultKind::Timeout), Fault::on(POST, "user", FaultKind::Timeout).after_commit()] {
        let t = seeded();
        let input = users(3, "slow");
        t.faults([fault]);
        let report = save(&t, &input);
        assert_accounts(&report, 3);
        assert_eq!(report.committed, 3, "{report:?}");
        assert!(report.calls <= 2, "at most the call and one resend");
        assert_eq!(applied(&t, &input), [1, 1, 1]);
        assert!(t.sleeps.borrow().contains(&writes::READ_BACK_GRACE_MS), "a moment's grace before reading back");
    }
}

#[test]
fn truncated_json_read_decode_kind_not_retried() {
    let e = read_gives_up(FaultKind::Truncate, ErrorKind::Decode, 1);
    assert_eq!(e.status, Some(200));
    assert!(!e.is_transient());
}

#[test]
fn truncated_json_batched_write_committed_by_read_back_sent_once() {
    write_committed_by_read_back(Fault::on(POST, "user", FaultKind::Truncate));
}

#[test]
fn non_json_content_type_read_decode_kind_not_retried() {
    let e = read_gives_up(FaultKind::ContentType, ErrorKind::Decode, 1);
    assert!(e.message.contains("content type"), "{}", e.message);
}

#[test]
fn non_json_content_type_batched_write_committed_by_read_back_sent_once() {
    write_committed_by_read_back(Fault::on(POST, "user", FaultKind::ContentType));
}

#[test]
fn empty_body_read_decode_kind_not_retried() {
    let e = read_gives_up(FaultKind::Empty, ErrorKind::Decode, 1);
    assert!(e.message.contains("empty"), "{}", e.message);
}

#[test]
fn empty_body_batched_write_committed_by_read_back_sent_once() {
    write_committed_by_read_back(Fault::on(POST, "user", FaultKind::Empty));
}

#[test]
fn status_401_in_the_middle_of_a_batch_run_read_auth_kind_not_retried() {
    let e = read_gives_up(FaultKind::Unauthorized, ErrorKind::Auth, 1);
    assert_eq!(e.status, Some(401));
    assert!(!e.is_transient());
}

#[test]
fn status_401_in_the_middle_of_a_batch_run_batched_write_the_run_stops_committed_calls_stay_committed_the_rest_not_sent() {
    let t = seeded();
    let input = users(250, "auth");
    t.faults([Fault::on(POST, "user", FaultKind::Pass), Fault::on(POST, "user", FaultKind::Unauthorized)]);
    let report = save(&t, &input);
    assert_accounts(&report, 250);
    assert_eq!((report.committed, report.not_sent), (100, 150));
    let stop = report.stopped_by.as_ref().expect("the run stopped");
    assert_eq!((stop.kind, stop.status), (ErrorKind::Auth, Some(401)));
    assert!(report.records[100..].iter().all(|r| r.status == RecordStatus::NotSent));
    assert_eq!(statuses(&t, POST, "user").len(), 2, "the third call is never sent");
    let counts = applied(&t, &input);
    assert!(counts[..100].iter().all(|n| *n == 1) && counts[100..].iter().all(|n| *n == 0));
}

#[test]
fn status_429_on_an_overlapping_write_read_rate_limited_retried_honouring_retry_after() {
    read_recovers_after(FaultKind::TooMany);
    let t = seeded();
    t.faults([Fault::on(GET, "user", FaultKind::TooMany)]);
    list_users(&t).expect("the read succeeds after the wait");
    assert!(t.sleeps.borrow()[0] >= 1_000.0, "waited the Retry-After second: {:?}", t.sleeps.borrow());
}

#[test]
fn status_429_on_an_overlapping_write_read_429s_are_waited_out_whatever_max_retries_until_max_wait_runs_out() {
    let mut t = seeded();
    t.policy.max_retries = 0;
    t.faults([Fault::on(GET, "user", FaultKind::TooMany); 2]);
    assert_eq!(list_users(&t).expect("waited out").len(), 3);
    assert_eq!(statuses(&t, GET, "user"), [Some(429), Some(429), Some(200)]);
    let mut t = seeded();
    t.policy.max_wait_ms = 1_500.0;
    t.faults([Fault::on(GET, "user", FaultKind::TooMany); 3]);
    let e = list_users(&t).expect_err("the patience runs out");
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert!(e.is_transient());
    assert_eq!(statuses(&t, GET, "user").len(), 2, "one wait of the Retry-After second; a second one would exceed the patience");
}

#[test]
fn status_429_on_an_overlapping_write_batched_write_overlapping_another_writer_retried_committed_once() {
    let t = seeded();
    let input = users(3, "overlap");
    t.faults([Fault::on(POST, "user", FaultKind::TooMany)]);
    let report = save(&t, &input);
    assert_accounts(&report, 3);
    assert_eq!(report.committed, 3, "{report:?}");
    assert_eq!(statuses(&t, POST, "user"), [Some(429), Some(200)]);
    assert_eq!(applied(&t, &input), [1, 1, 1]);
}

#[test]
fn status_429_on_an_overlapping_write_batched_write_429s_are_waited_out_whatever_max_retries_each_body_applied_once() {
    let mut t = seeded();
    t.policy.max_retries = 0;
    let input = users(3, "patient");
    t.faults([Fault::on(POST, "user", FaultKind::TooMany); 2]);
    let waits = std::cell::RefCell::new(Vec::new());
    let tell = |p: writes::BatchProgress| waits.borrow_mut().push(p);
    let report = block_on(cases::save_users(&t, &input, UserFlags::default(), &Progress::new(&tell)));
    let report = report.expect("a save reports");
    assert_accounts(&report, 3);
    assert_eq!(report.committed, 3, "{report:?}");
    assert_eq!(statuses(&t, POST, "user"), [Some(429), Some(429), Some(200)]);
    assert_eq!(applied(&t, &input), [1, 1, 1]);
    let waits = waits.borrow();
    assert_eq!(waits.iter().filter(|p| p.waiting).count(), 2, "progress told of both waits: {waits:?}");
    assert!(waits.last().is_some_and(|p| !p.waiting && p.sent == 3 && p.waiting_ms >= 2_000.0));
}

#[test]
fn status_429_on_an_overlapping_write_batched_write_refused_beyond_max_wait_the_run_stops_every_record_not_sent() {
    let mut t = seeded();
    t.policy.max_wait_ms = 1_500.0;
    let input = users(120, "limit");
    t.faults([Fault::on(POST, "user", FaultKind::TooMany); 3]);
    let report = save(&t, &input);
    assert_accounts(&report, 120);
    assert_eq!(report.not_sent, 120);
    assert_eq!(report.stopped_by.as_ref().map(|s| s.kind), Some(ErrorKind::RateLimited));
    assert_eq!(statuses(&t, POST, "user").len(), 2, "the first call, sent again once after the Retry-After second; the second call never sent");
    assert!(applied(&t, &input).iter().all(|n| *n == 0));
}

/// A server holding a full window of 5,000 events.
fn full_event_window() -> Scripted {
    let mut server = Server::new();
    server.events = (1..=5_000).map(|id| json!({ "id": id, "event_type": "Door Unlocked" })).collect();
    Scripted::new(server)
}

#[test]
fn full_5000_event_response_read_all_newest_first_in_one_request() {
    let t = full_event_window();
    let events: Vec<Event> = block_on(cases::read_list(&t, &ApiRequest::get("events"))).expect("the list");
    assert_eq!(events.len(), 5_000);
    assert!(events.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(statuses(&t, GET, "events").len(), 1);
}

#[test]
fn full_5000_event_response_events_after_0_gives_the_same_5000_ascending() {
    let t = full_event_window();
    let events = block_on(cases::events_after(&t, 0)).expect("the list");
    assert_eq!(events.len(), 5_000);
    assert!(events.windows(2).all(|w| w[0].id < w[1].id));
}

#[test]
fn full_5000_event_response_truncated_is_a_decode_error_not_a_partial_list() {
    let t = full_event_window();
    t.faults([Fault::on(GET, "events", FaultKind::Truncate)]);
    let e = block_on(cases::read_list::<_, Event>(&t, &ApiRequest::get("events"))).expect_err("a decode error");
    assert_eq!(e.kind, ErrorKind::Decode);
}

#[test]
fn full_5000_event_response_slower_than_the_timeout_is_a_timeout() {
    let t = full_event_window();
    t.faults([Fault::on(GET, "events", FaultKind::Timeout)]);
    let e = block_on(cases::read_list::<_, Event>(&t, &ApiRequest::get("events"))).expect_err("a timeout");
    assert_eq!(e.kind, ErrorKind::Timeout);
}

#[test]
fn disable_refused_beyond_the_patience_is_a_rate_limited_error() {
    let mut t = seeded();
    t.policy.max_wait_ms = 1_500.0;
    t.faults([Fault::on(POST, "user", FaultKind::TooMany); 3]);
    let e = block_on(cases::disable(&t, &UserRef::IdNum("SEED-1".into()), None)).expect_err("the update was not sent");
    assert_eq!((e.kind, e.status), (ErrorKind::RateLimited, Some(429)), "{e:?}");
    assert!(e.is_transient());
}

#[test]
fn disable_sets_access_expires_to_now_by_default() {
    let t = seeded();
    let user = block_on(cases::disable(&t, &UserRef::IdNum("SEED-1".into()), None)).expect("disabled");
    let now = crate::engine::clock::wire_time(t.clock.get());
    assert_eq!(user.access_expires.as_deref().map(|a| &a[..13]), Some(&now[..13]), "{user:?}");
}
