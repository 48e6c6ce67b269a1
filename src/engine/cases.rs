//! The calls that are more than one request: reads, writes of users with access levels given
//! by name, the reference's two case processes (assign access levels, disable a user), and
//! roster sync. Each reads straight through: validate, plan, send, reconcile, report.

use std::cmp::Ordering;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::clock::wire_time;
use super::retry;
use super::roster::{self, PlanProblem, SyncPlan};
use super::transport::Transport;
use super::writes::{self, CheckedRecords, Progress, WriteSpec};
use crate::api::{self, parse_list, parse_one, ApiRequest, Method, WireJson, WireRecord, WireText};
use crate::batch::{BatchReport, RecordStatus, USER_READ_BACK};
use crate::error::{Error, ErrorKind, RecordError};
use crate::model::{number_text, AccessLevel, AccessLevelInput, BatchSummary, Event, FromRecord, User};
use crate::validate::tape::{self, TapeError, TapeWriter};
use crate::validate::{self, normalize_time, Kind, WireUser};

/// Sends a read (retried per the policy) and returns the answer.
pub async fn read<T: Transport>(io: &T, req: &ApiRequest) -> Result<crate::api::RawResponse, Error> {
    retry::call(io, req, &|_| {}).await
}

/// A list read, parsed.
pub async fn read_list<T: Transport, R: FromRecord>(io: &T, req: &ApiRequest) -> Result<Vec<R>, Error> {
    parse_list(&read(io, req).await?)
}

/// `GET /events?id=N`, made exact: strictly after N, ascending, de-duplicated.
pub async fn events_after<T: Transport>(io: &T, after: u64) -> Result<Vec<Event>, Error> {
    let mut events: Vec<Event> = read_list(io, &api::events_after(after)).await?;
    keep_ascending_after(&mut events, after);
    Ok(events)
}

/// Keeps the events with an id above `floor`, in ascending id order, each id once (the first
/// of equal ids as the API listed them).
pub fn keep_ascending_after(events: &mut Vec<Event>, floor: u64) {
    events.retain(|e| e.id > floor);
    sort_stably_by_key(events, |e| e.id);
    events.dedup_by_key(|e| e.id);
}

/// Sorts `items` by `key`, keeping the order of equal keys: as `sort_by_key`, but every
/// caller shares one sort ([`stable_order`]) instead of carrying a copy of its own.
pub fn sort_stably_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    let keys: Vec<u64> = items.iter().map(key).collect();
    let order = stable_order(keys.len(), &|a, b| keys[a].cmp(&keys[b]));
    put_in_order(items, order);
}

/// The positions `0..len` sorted by `compare`, equal ones in their original order. The one
/// sort the engine's orderings share: a plain bottom-up merge sort, where the standard
/// library's stable sort would add several kB to the module.
pub fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    // Lists the API returns are usually in order already: one pass tells.
    if (1..len).all(|i| compare(i - 1, i) != Ordering::Greater) {
        return order;
    }
    let mut merged = vec![0; len];
    let mut width = 1;
    while width < len {
        let mut start = 0;
        while start < len {
            let (mid, end) = ((start + width).min(len), (start + 2 * width).min(len));
            let (mut left, mut right) = (start, mid);
            for slot in &mut merged[start..end] {
                // The left run's head wins ties: equal positions keep their order.
                let take_right = right < end && (left >= mid || compare(order[right], order[left]) == Ordering::Less);
                if take_right {
                    *slot = order[right];
                    right += 1;
                } else {
                    *slot = order[left];
                    left += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// Rearranges `items` so that the item at position `order[i]` comes `i`-th.
pub fn put_in_order<T>(items: &mut Vec<T>, order: Vec<usize>) {
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|position| slots[position].take()));
}

/// The processing options of a user write, with the API's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserFlags {
    /// Update users matched by `id_num` or email instead of ignoring them.
    pub update_existing: bool,
    /// Fail a whole call when one record is invalid, and send nothing while any is.
    pub validate_fails_batch: bool,
    /// Replace the users' access levels instead of adding to them.
    pub replace_privileges: bool,
}

impl Default for UserFlags {
    fn default() -> Self {
        UserFlags { update_existing: false, validate_fails_batch: true, replace_privileges: true }
    }
}

/// The client's verdicts on user records given as JSON values (the case processes' records,
/// a plan's records), in the form the user writes take. The records are written on the field
/// tape and judged as `users.save` judges the JS walk's tape: one reading of records in the
/// module, not a second one over JSON values.
pub fn checked_users(records: &[Value]) -> Result<CheckedRecords<WireText>, Error> {
    let tape = tape_of(records, validate::Users::FIELDS);
    check_tape::<validate::Users>(&tape.text, &tape.pieces, records.len(), names_level)
        .map_err(|_| Error::new(ErrorKind::Internal, "records could not be read from their field tape (a defect; please report it)"))
}

/// The verdicts of `K`'s rules on the `records` records of a field tape, valid ones written
/// once as wire JSON; `names_level` tells those that name an access level to resolve.
pub fn check_tape<K: Kind>(text: &str, pieces: &[u32], records: usize, names_level: fn(&K::Wire<'_>) -> bool) -> Result<CheckedRecords<WireText>, TapeError>
where
    for<'w> K::Wire<'w>: WireJson,
{
    let mut checked = CheckedRecords::default();
    tape::check_each::<K>(text, pieces, records, |index, verdict| {
        checked.warnings.extend(verdict.warnings);
        checked.push(index, verdict.wire, names_level);
    })?;
    Ok(checked)
}

/// JSON records on the field tape, as its reader sees records from any source (`fields`: the
/// kind's known fields).
fn tape_of(records: &[Value], fields: &[&str]) -> TapeWriter {
    let mut tape = TapeWriter::default();
    for record in records {
        let Value::Object(map) = record else {
            tape.piece(tape::NOT_OBJECT, 0, 0);
            continue;
        };
        tape.piece(tape::RECORD, 0, map.len());
        for (key, value) in map {
            match (fields.iter().position(|f| f == key), value) {
                (Some(_), Value::Array(entries)) if key == "accesslevels" => push_levels(&mut tape, entries),
                (Some(slot), _) => push_value(&mut tape, slot, value),
                (None, _) => tape.text(tape::UNKNOWN, 0, key),
            }
        }
    }
    tape
}

/// A plain JSON value of the field in `slot`, on the tape.
fn push_value(tape: &mut TapeWriter, slot: usize, value: &Value) {
    match value {
        Value::Null => tape.piece(tape::NULL, slot, 0),
        Value::Bool(true) => tape.piece(tape::TRUE, slot, 0),
        Value::Bool(false) => tape.piece(tape::FALSE, slot, 0),
        Value::Number(n) => tape.text(tape::NUMBER, slot, &number_text(n)),
        Value::String(s) => tape.text(tape::TEXT, slot, s),
        Value::Array(_) => tape.piece(tape::ARRAY, slot, 0),
        Value::Object(_) => tape.piece(tape::OBJECT, slot, 0),
    }
}

/// An `accesslevels` list on the tape: objects key by key, anything else as a plain value.
fn push_levels(tape: &mut TapeWriter, entries: &[Value]) {
    tape.piece(tape::LEVELS, 0, entries.len());
    for entry in entries {
        let Value::Object(level) = entry else {
            push_value(tape, 0, entry);
            continue;
        };
        tape.piece(tape::LEVEL, 0, level.len());
        for (key, value) in level {
            match key.as_str() {
                "id" => tape.piece(tape::LEVEL_ID, 0, 0),
                "name" => tape.piece(tape::LEVEL_NAME, 0, 0),
                _ => {
                    tape.text(tape::UNKNOWN, 0, key);
                    continue;
                }
            }
            push_value(tape, 0, value);
        }
    }
}

/// Whether a user names an access level that must be resolved to its id before sending.
pub fn names_level(user: &WireUser) -> bool {
    user.accesslevels.iter().flatten().any(is_named)
}

fn is_named(level: &AccessLevelInput) -> bool {
    level.id.is_none() && level.name.is_some()
}

/// `users.save` of records given as JSON values: see [`save_checked_users`].
pub async fn save_users<T: Transport>(io: &T, records: &[Value], flags: UserFlags, progress: &Progress<'_>) -> Result<BatchReport, Error> {
    save_checked_users(io, checked_users(records)?, records.len(), flags, progress).await
}

/// `users.save`: resolves access levels given by name in the `total` records the client's
/// validation `checked`, and writes the valid ones through the batch engine.
pub async fn save_checked_users<T: Transport>(io: &T, checked: CheckedRecords<WireText>, total: usize, flags: UserFlags, progress: &Progress<'_>) -> Result<BatchReport, Error> {
    let spec = WriteSpec {
        method: Method::Post,
        path: "user",
        node: "users",
        options: vec![("update_existing", flags.update_existing), ("validate_fails_batch", flags.validate_fails_batch), ("replace_privileges", flags.replace_privileges)],
        validate_fails_batch: flags.validate_fails_batch,
        read_back: Some(USER_READ_BACK),
        may_ignore: !flags.update_existing,
    };
    let any_invalid = !checked.invalid.is_empty();
    let mut run = writes::start_run(total, checked.invalid, checked.warnings);
    let mut valid = checked.valid;
    let unresolved = resolve_level_names(io, &mut valid, &checked.named).await?;
    for (index, message) in &unresolved {
        run.settle(*index, RecordStatus::Rejected, Some(crate::batch::RecordReason::Invalid), vec![message.clone()], None);
    }
    valid.retain(|(i, _)| run.is_open(*i));
    let any_invalid = any_invalid || !unresolved.is_empty();
    Ok(writes::settle_run(io, &spec, valid, progress, run, any_invalid).await)
}

/// `users.validate`: the client's verdicts, then the server's (`POST /uservalidate`, nothing
/// committed), every refused record by input index.
pub async fn validate_users<T: Transport>(io: &T, checked: CheckedRecords<WireText>) -> Result<UserValidationReport, Error> {
    let mut details: Vec<RecordError> = checked.invalid.into_iter().map(|(index, messages)| RecordError { index: Some(index), messages, input_data: None }).collect();
    let (summary, server) = writes::validate_only(io, &checked.valid).await?;
    details.extend(server);
    // By input index; a record the server's answer could not place (no index) first.
    sort_stably_by_key(&mut details, |d| d.index.map_or(0, |i| i as u64 + 1));
    Ok(UserValidationReport { summary, details })
}

/// Replaces access levels given by name with their ids in the users at positions `named` of
/// `valid` (`GET /accesslevel`, once, only when there are any). Returns the records naming a
/// level that does not exist.
async fn resolve_level_names<T: Transport>(io: &T, valid: &mut [(usize, WireText)], named: &[usize]) -> Result<Vec<(usize, String)>, Error> {
    if named.is_empty() {
        return Ok(Vec::new());
    }
    let levels = access_levels(io).await?;
    let by_name = |l: &Value| l.get("id").is_none() && l.get("name").is_some();
    let mut unresolved = Vec::new();
    for position in named {
        let Some((index, record)) = valid.get_mut(*position) else { continue };
        let mut user = record.to_value();
        let Some(list) = user.get_mut("accesslevels").and_then(Value::as_array_mut) else { continue };
        for level in list.iter_mut().filter(|l| by_name(l)) {
            match level_id(&levels, level.get("name").unwrap_or(&Value::Null)) {
                Ok(id) => *level = json!({ "id": id }),
                Err(message) => unresolved.push((*index, message)),
            }
        }
        *record = WireText::of(&user);
    }
    Ok(unresolved)
}

/// Every access level (`GET /accesslevel`), for [`level_id`].
async fn access_levels<T: Transport>(io: &T) -> Result<Vec<AccessLevel>, Error> {
    read_list(io, &ApiRequest::get("accesslevel")).await
}

/// The id of the access level `wanted` names: an id that exists, or a name (trimmed,
/// case-insensitive) that only one level has; else why not.
fn level_id(levels: &[AccessLevel], wanted: &Value) -> Result<u64, String> {
    let name = match wanted {
        Value::Number(n) => return n.as_u64().filter(|id| levels.iter().any(|l| l.id == *id)).ok_or_else(|| format!("Access Level Not Found: {}", number_text(n))),
        Value::String(name) => name.trim(),
        other => return Err(format!("Access levels are names or ids, not {}", crate::json::to_text(other).unwrap_or_default())),
    };
    let matches: Vec<&AccessLevel> = levels.iter().filter(|l| l.name.trim().eq_ignore_ascii_case(name)).collect();
    match matches.as_slice() {
        [one] => Ok(one.id),
        [] => Err(format!("Access Level Not Found: {name}")),
        _ => Err(format!("Access level name is ambiguous: {name} (ids {})", api::joined(matches.iter().map(|l| l.id.to_string()), ", "))),
    }
}

/// A user given by system id or by id number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    /// The system id.
    Id(u64),
    /// The external id number.
    IdNum(String),
}

/// Reads the user `user` names; `not_found` when there is none.
pub async fn resolve_user<T: Transport>(io: &T, user: &UserRef) -> Result<User, Error> {
    let req = match user {
        UserRef::Id(id) => api::user_by_id(*id),
        UserRef::IdNum(idnum) => api::user_by_idnum(idnum.trim()),
    };
    parse_one::<User>(&read(io, &req).await?)?.ok_or_else(|| Error::new(ErrorKind::NotFound, format!("No such user: {}", req.path.strip_prefix("user?").unwrap_or(&req.path))))
}

/// `users.assignAccessLevels`: adds the levels `wanted` (names or ids) to the user's, or puts
/// them in place of the user's with `replace`, and returns the updated user.
pub async fn assign_access_levels<T: Transport>(io: &T, user: &UserRef, wanted: &[Value], replace: bool) -> Result<User, Error> {
    let all = access_levels(io).await?;
    let mut ids = Vec::new();
    for level in wanted {
        ids.push(level_id(&all, level).map_err(|m| Error::new(ErrorKind::NotFound, m))?);
    }
    let current = resolve_user(io, user).await?;
    if !replace {
        ids.extend(current.accesslevels.iter().map(|l| l.id));
    }
    sort_stably_by_key(&mut ids, |id| *id);
    ids.dedup();
    let mut record = user_record(&current);
    record.insert("accesslevels".into(), ids.iter().map(|id| json!({ "id": id })).collect());
    update_user(io, record, true).await
}

/// `users.disable`: ends the user's access at `at` (wire form; default now) by setting
/// `access_expires`, and returns the updated user.
pub async fn disable<T: Transport>(io: &T, user: &UserRef, at: Option<String>) -> Result<User, Error> {
    let at = at.unwrap_or_else(|| wire_time(io.now()));
    let current = resolve_user(io, user).await?;
    let mut record = user_record(&current);
    record.insert("access_expires".into(), json!(at));
    update_user(io, record, false).await
}

/// The full user object the case processes send back (reference: "Construct user object
/// containing all user information"), but its access levels: `assignAccessLevels` sets them,
/// `disable` leaves them out (and nothing removes a key: the map's removal code is kBs).
fn user_record(u: &User) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("id".into(), json!(u.id));
    let text =
        [("id_num", &u.id_num), ("first_name", &u.first_name), ("last_name", &u.last_name), ("card_num", &u.card_num), ("email", &u.email), ("phone", &u.phone), ("pin", &u.pin)];
    for (k, v) in text {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            r.insert(k.into(), json!(v));
        }
    }
    for (k, v) in [("access_effective", &u.access_effective), ("access_expires", &u.access_expires)] {
        if let Some(t) = v.as_deref().and_then(|t| normalize_time(t).ok().flatten()) {
            r.insert(k.into(), json!(t));
        }
    }
    if let Some(e) = u.enabled {
        r.insert("enabled".into(), json!(e));
    }
    r
}

/// Writes one full user record as an update and reads the user back.
async fn update_user<T: Transport>(io: &T, record: Map<String, Value>, replace_privileges: bool) -> Result<User, Error> {
    let id = record.get("id").and_then(Value::as_u64).unwrap_or_default();
    let flags = UserFlags { update_existing: true, validate_fails_batch: true, replace_privileges };
    let report = save_users(io, &[Value::Object(record)], flags, &Progress::silent()).await?;
    single_outcome(&report)?;
    parse_one::<User>(&read(io, &api::user_by_id(id)).await?)?.ok_or_else(|| Error::new(ErrorKind::NotFound, format!("User {id} is gone after the update")))
}

/// The error a one-record write ended in, if it did not commit: the kind of the error that
/// stopped the run when one did.
fn single_outcome(report: &BatchReport) -> Result<(), Error> {
    let Some(r) = report.records.first() else { return Err(Error::new(ErrorKind::Internal, "empty report")) };
    let (kind, what) = match r.status {
        RecordStatus::Committed => return Ok(()),
        RecordStatus::Rejected => (ErrorKind::Validation, "The user was not updated"),
        RecordStatus::Unknown => (ErrorKind::Server, "The update may or may not have been applied"),
        RecordStatus::NotSent => (report.stopped_by.as_ref().map_or(ErrorKind::Aborted, |s| s.kind), "The update was not sent"),
    };
    let details = vec![RecordError { index: Some(0), messages: r.messages.clone(), input_data: r.input_data.clone() }];
    Err(Error {
        messages: r.messages.clone(),
        details,
        status: report.stopped_by.as_ref().and_then(|s| s.status),
        ..Error::new(kind, format!("{what}: {}", api::joined(&r.messages, "; ")))
    })
}

/// What `users.plan` is asked to do besides reading the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRequest {
    /// The field pairing roster rows with live users: `id_num` or `email`.
    pub key: String,
    /// Plan to disable live users missing from the roster.
    pub disable_missing: bool,
}

/// `users.plan`: resolves access levels by name in the roster's valid users (`checked`, the
/// client's verdicts), reads the live users and plans the writes that make them match. `rows`
/// are the roster's spreadsheet rows, when it came from a CSV file.
pub async fn plan<T: Transport>(io: &T, checked: CheckedRecords<WireText>, rows: &[usize], ask: &PlanRequest) -> Result<SyncPlan, Error> {
    let mut problems: Vec<PlanProblem> = checked.invalid.into_iter().map(|(index, messages)| PlanProblem { index, row: None, messages }).collect();
    let mut valid = checked.valid;
    let unresolved = resolve_level_names(io, &mut valid, &checked.named).await?;
    let valid: Vec<(usize, Value)> = valid.into_iter().filter(|(i, _)| !unresolved.iter().any(|(u, _)| u == i)).map(|(i, r)| (i, r.to_value())).collect();
    problems.extend(unresolved.into_iter().map(|(index, m)| PlanProblem { index, row: None, messages: vec![m] }));
    let live: Vec<User> = read_list(io, &ApiRequest::get("user")).await?;
    let mut plan = roster::plan(&ask.key, &valid, problems, &live, ask.disable_missing, &wire_time(io.now()));
    for p in &mut plan.problems {
        p.row = rows.get(p.index).copied();
    }
    Ok(plan)
}

/// `users.apply`: writes a plan's records through the batch engine, updating users matched by
/// the plan's key.
pub async fn apply<T: Transport>(io: &T, plan: &SyncPlan, flags: UserFlags, progress: &Progress<'_>) -> Result<BatchReport, Error> {
    save_users(io, &plan.records(), UserFlags { update_existing: true, ..flags }, progress).await
}

/// The report of `users.validate`: the server's counts and every record it (or the client)
/// found fault with.
#[derive(Debug, Serialize, tsify::Tsify)]
pub struct UserValidationReport {
    /// The counts the server would have had.
    pub summary: BatchSummary,
    /// Every refused record, by input index.
    pub details: Vec<RecordError>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::BatchRun;

    #[test]
    fn sorting_by_key_keeps_the_order_of_equal_keys() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e'), (3, 'f')];
        sort_stably_by_key(&mut items, |(k, _)| *k);
        assert_eq!(items, [(0, 'd'), (1, 'b'), (1, 'e'), (3, 'a'), (3, 'c'), (3, 'f')]);
        let mut empty: Vec<u64> = Vec::new();
        sort_stably_by_key(&mut empty, |k| *k);
        assert!(empty.is_empty());
    }

    #[test]
    fn the_merge_sort_orders_as_the_standard_stable_sort() {
        // Keys with many ties, at every length up to 70 and a few larger, from a fixed LCG.
        let mut seed = 12345u64;
        for len in (0..70).chain([127, 128, 129, 1000]) {
            let keys: Vec<u64> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (seed >> 33) % (len as u64 / 3 + 1)
                })
                .collect();
            let mut expected: Vec<usize> = (0..len).collect();
            expected.sort_by_key(|&i| keys[i]);
            assert_eq!(stable_order(len, &|a, b| keys[a].cmp(&keys[b])), expected, "{len} keys");
        }
    }

    /// Records of every shape the JSON reading of the rules sees: odd values in every field,
    /// access levels of every form, unknown keys, records that are not objects, repeats.
    fn odd_users(count: usize) -> Vec<Value> {
        let values = [
            json!(null),
            json!(""),
            json!("  Ann "),
            json!("A8914"),
            json!("12345"),
            json!(12345),
            json!(1e21),
            json!(1.5),
            json!(-0.0),
            json!(0.0001),
            json!(18446744073709551615u64),
            json!(-7),
            json!(true),
            json!(false),
            json!([]),
            json!({ "a": 1 }),
            json!("2022-02-30 00:00:00"),
            json!("2030-01-01"),
            json!("2024-05-06T07:08:09.000Z"),
            json!("ann@x.io"),
            json!("ANN@X.IO "),
            json!("rg@@x"),
            json!("0986"),
            json!("+1 (555) 010-2000"),
            json!("x".repeat(101)),
            json!("Zoë"),
            json!("yes"),
            json!("2029-01-01 00:00:00"),
        ];
        let levels = [
            json!(null),
            json!("Staff"),
            json!([]),
            json!([{ "id": 1 }]),
            json!([{ "id": "2" }]),
            json!([{ "name": "Staff" }]),
            json!([{ "id": 0 }]),
            json!([{ "id": 1, "name": "x", "zz": 1, "b": 2 }]),
            json!([1, "Staff", null, true, [], {}]),
            json!([{ "id": null, "name": null }]),
            json!([{ "zz": 1 }]),
            json!({ "id": 1 }),
            json!(7),
            json!([{ "id": 1.5 }, { "id": 1e21 }, { "name": " Staff " }]),
        ];
        let unknown = ["zeta", "Alpha", "nickname", "__proto__", ""];
        let fields = validate::Users::FIELDS;
        let mut seed = 7u64;
        let mut next = |below: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % below
        };
        (0..count)
            .map(|_| {
                if next(50) == 0 {
                    return [json!(null), json!(5), json!("x"), json!([])][next(4)].clone();
                }
                // A good user (every 40th repeats an earlier one's keys), then up to three odd
                // values in random fields.
                let n = if next(40) == 0 { next(20) } else { next(1_000_000) };
                let mut record = json!({
                    "id_num": format!("E{n}"), "first_name": "Ann", "last_name": " Lee ", "email": format!("u{n}@x.io"),
                    "card_num": n, "enabled": true, "access_effective": "2024-01-02", "accesslevels": [{ "id": 1 }, { "name": "Staff" }],
                });
                let Value::Object(map) = &mut record else { unreachable!() };
                for _ in 0..next(4) {
                    let field = if next(6) == 0 { unknown[next(unknown.len())] } else { fields[next(fields.len())] };
                    let value = if field == "accesslevels" { &levels[next(levels.len())] } else { &values[next(values.len())] };
                    map.insert(field.to_string(), value.clone());
                }
                if next(5) == 0 {
                    map.remove(fields[next(fields.len())]);
                }
                record
            })
            .collect()
    }

    #[test]
    fn json_records_on_the_field_tape_get_the_verdicts_of_the_json_reading() {
        let records = odd_users(3_000);
        let json = CheckedRecords::from(validate::validate_users(&records));
        let named = json.valid.iter().enumerate().filter(|(_, (_, user))| names_level(user)).map(|(position, _)| position).collect();
        let valid = json.valid.iter().map(|(index, user)| (*index, WireText::of(user))).collect();
        let expected = CheckedRecords { valid, named, invalid: json.invalid, warnings: json.warnings };
        let taped = checked_users(&records).expect("a tape of our own reads");
        assert!(expected.valid.len() > 100 && expected.invalid.len() > 100 && !expected.named.is_empty() && !expected.warnings.is_empty(), "the corpus has every verdict");
        assert_eq!(taped.valid, expected.valid);
        assert_eq!(taped.named, expected.named);
        assert_eq!(taped.invalid, expected.invalid);
        assert_eq!(taped.warnings, expected.warnings);
    }

    #[test]
    fn a_one_record_write_stopped_by_any_kind_fails_with_that_kind() {
        // The kinds a run can stop with, network and timeout included (two unanswered sends
        // in a row): each reaches the caller as itself, transient ones still retryable.
        for kind in [ErrorKind::Network, ErrorKind::Timeout, ErrorKind::Server, ErrorKind::Auth, ErrorKind::RateLimited, ErrorKind::Aborted] {
            let mut run = BatchRun::new(1);
            run.stop(&Error::new(kind, "stopped"), "Not sent");
            let e = single_outcome(&run.finish()).expect_err("not committed");
            assert_eq!(e.kind, kind);
            assert_eq!(e.is_transient(), Error::new(kind, "").is_transient(), "{kind:?}");
        }
    }
}
