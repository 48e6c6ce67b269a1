//! The batch accounting under random faults: 1,000 seeded runs of `users.save` against the
//! scripted server, with random record counts, invalid records, records the server refuses or
//! ignores, and faults at random points (network errors before and after the commit, 50X,
//! 429 with `Retry-After`, timeouts, unreadable answers, 401, aborts). Each run must give
//! every input index exactly one status, and the server's ledger must show that nothing was
//! applied twice and that each status tells the truth about what the server holds.
//! `LOCKT_SEED=n` replays one case.

use serde_json::{json, Value};

use super::scripted::{block_on, Fault, FaultKind, Rng, Scripted, Server, REFUSED};
use crate::api::Method;
use crate::batch::{BatchReport, RecordReason, RecordStatus};
use crate::engine::cases::{self, UserFlags};
use crate::engine::writes::Progress;

/// How many seeded cases run.
const CASES: u64 = 1_000;

/// What one input record is meant to be.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// Fails the client's validation.
    Invalid,
    /// Refused by the server.
    Refused,
    /// Matches a user the server holds already.
    Existing,
    /// A new user.
    Fresh,
}

const FAULT_KINDS: [FaultKind; 12] = [
    FaultKind::Status(500),
    FaultKind::Status(502),
    FaultKind::Status(503),
    FaultKind::Drop,
    FaultKind::Timeout,
    FaultKind::Truncate,
    FaultKind::ContentType,
    FaultKind::Empty,
    FaultKind::Unauthorized,
    FaultKind::TooMany,
    FaultKind::Abort,
    FaultKind::Pass,
];

/// One random case: the scripted transport, the input with each record's role, and the flags.
fn case(seed: u64) -> (Scripted, Vec<Value>, Vec<Role>, UserFlags) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03);
    let mut server = Server::new();
    let n = rng.below(260) as usize;
    let mut input = Vec::with_capacity(n);
    let mut roles = Vec::with_capacity(n);
    for i in 0..n {
        let role = match rng.below(100) {
            0..=5 => Role::Invalid,
            6..=11 => Role::Refused,
            12..=19 => Role::Existing,
            _ => Role::Fresh,
        };
        let id_num = format!("P{seed}-{i}");
        let record = match role {
            Role::Invalid => json!({ "id_num": id_num, "first_name": "Bad", "card_num": format!("A{i}") }),
            Role::Refused => json!({ "id_num": id_num, "first_name": "Nope", "last_name": REFUSED }),
            Role::Existing => {
                server.seed_user(json!({ "id_num": id_num, "first_name": "Old", "last_name": "Existing" }));
                json!({ "id_num": id_num, "first_name": "New", "last_name": "Existing" })
            }
            Role::Fresh => json!({ "id_num": id_num, "first_name": format!("Fresh{i}"), "last_name": "Row" }),
        };
        input.push(record);
        roles.push(role);
    }
    let flags = UserFlags { update_existing: rng.chance(50), validate_fails_batch: rng.chance(50), replace_privileges: true };
    let mut t = Scripted::new(server);
    t.seed.set(rng.next());
    t.policy.max_retries = rng.below(3) as u32;
    t.policy.max_wait_ms = [0.0, 1_500.0, 300_000.0][rng.below(3) as usize];
    if rng.chance(15) {
        t.abort_at_send = Some(1 + rng.below(8) as usize);
    }
    for _ in 0..rng.below(5) {
        let method = if rng.chance(70) { Method::Post } else { Method::Get };
        let kind = FAULT_KINDS[rng.below(FAULT_KINDS.len() as u64) as usize];
        let fault = Fault::on(method, "user", kind);
        t.faults([if rng.chance(50) { fault.after_commit() } else { fault }]);
    }
    (t, input, roles, flags)
}

/// Checks one run's report against the server's ledger; panics naming the seed.
fn check(seed: u64, t: &Scripted, input: &[Value], roles: &[Role], report: &BatchReport) {
    let why = |what: &str| format!("seed {seed}: {what}\n{report:#?}");
    assert_eq!(report.records.iter().map(|r| r.index).collect::<Vec<_>>(), (0..input.len()).collect::<Vec<_>>(), "{}", why("every index exactly once, in order"));
    let count = |s| report.records.iter().filter(|r| r.status == s).count();
    assert_eq!(
        [report.committed, report.rejected, report.unknown, report.not_sent],
        [count(RecordStatus::Committed), count(RecordStatus::Rejected), count(RecordStatus::Unknown), count(RecordStatus::NotSent)],
        "{}",
        why("the counts add up")
    );
    let server = t.server.borrow();
    for (id_num, times) in &server.ledger {
        assert!(*times <= 1, "{}", why(&format!("{id_num} applied {times} times")));
    }
    for ((record, role), r) in input.iter().zip(roles).zip(&report.records) {
        let applied = server.ledger.get(record["id_num"].as_str().unwrap_or_default()).copied().unwrap_or(0);
        let what = format!("record {} ({role:?}) is {:?} ({:?}) but applied {applied} times", r.index, r.status, r.reason);
        match r.status {
            RecordStatus::Committed => assert!(applied == 1 && matches!(role, Role::Fresh | Role::Existing), "{}", why(&what)),
            RecordStatus::Rejected | RecordStatus::NotSent => assert_eq!(applied, 0, "{}", why(&what)),
            RecordStatus::Unknown => {}
        }
        if *role == Role::Invalid {
            assert_eq!((r.status, r.reason), (RecordStatus::Rejected, Some(RecordReason::Invalid)), "{}", why(&what));
        }
    }
}

#[test]
fn every_index_gets_one_true_status_and_nothing_is_applied_twice() {
    let seeds = match std::env::var("LOCKT_SEED").ok().and_then(|s| s.parse().ok()) {
        Some(seed) => seed..seed + 1,
        None => 0..CASES,
    };
    let mut statuses = [0usize; 4];
    for seed in seeds {
        let (t, input, roles, flags) = case(seed);
        let report = block_on(cases::save_users(&t, &input, flags, &Progress::silent())).unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
        check(seed, &t, &input, &roles, &report);
        for (slot, n) in statuses.iter_mut().zip([report.committed, report.rejected, report.unknown, report.not_sent]) {
            *slot += n;
        }
    }
    // The cases reach every status.
    assert!(statuses.iter().all(|n| *n > 0) || std::env::var("LOCKT_SEED").is_ok(), "{statuses:?}");
}
