//! The batch engine: send blocks of at most 100 valid records one at a time, read back what
//! went unanswered, resend what is plainly absent once, and settle every record exactly once.

use std::cell::Cell;

use serde::Serialize;
use serde_json::Value;

use super::retry;
use super::transport::Transport;
use crate::api::{parse_list, parse_write, ApiRequest, Method, WireJson, WireRecord, WireText, WriteOutcome, MAX_BATCH};
use crate::batch::{errors_by_position, read_back, BatchReport, BatchRun, ReadBack, ReadBackSpec, RecordReason, RecordStatus};
use crate::error::{Error, ErrorKind, RecordError};
use crate::model::BatchSummary;
use crate::validate::{Issue, Validation, Warning};

/// Where and how one kind of record is written.
#[derive(Debug, Clone)]
pub struct WriteSpec {
    /// `POST` or `PUT`.
    pub method: Method,
    /// The endpoint, e.g. `user`.
    pub path: &'static str,
    /// The body's record node, e.g. `users`.
    pub node: &'static str,
    /// The processing options, in wire names.
    pub options: Vec<(&'static str, bool)>,
    /// Whether one invalid record fails a call (and so stops the run).
    pub validate_fails_batch: bool,
    /// How to read records back after an unanswered call, if the API allows it.
    pub read_back: Option<ReadBackSpec>,
    /// Whether the API may skip records silently (users matching an existing one when
    /// `update_existing` is false: counted as submitted, neither inserted nor updated).
    pub may_ignore: bool,
}

impl WriteSpec {
    /// A write whose only option is `validate_fails_batch`.
    pub fn simple(method: Method, path: &'static str, node: &'static str, validate_fails_batch: bool, read_back: Option<ReadBackSpec>) -> Self {
        let options = vec![("validate_fails_batch", validate_fails_batch)];
        WriteSpec { method, path, node, options, validate_fails_batch, read_back, may_ignore: false }
    }

    /// The request carrying `call`'s records.
    fn request<W: WireRecord>(&self, call: &[(usize, W)]) -> ApiRequest {
        ApiRequest::write(self.method, self.path, self.node, call.iter().map(|(_, r)| r), &self.options)
    }
}

/// Progress after each call, and when a call starts waiting for its turn after a 429.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
pub struct BatchProgress {
    /// The call just finished (or, while `waiting`, the call waiting), from 1.
    pub batch: usize,
    /// The number of calls planned.
    pub batches: usize,
    /// Records sent so far.
    pub sent: usize,
    /// Records to send: the valid ones (`sent` reaches it when the run completes).
    pub total: usize,
    /// True while the call waits because the API is busy with another writer's call (429):
    /// a progress bar can say "waiting for other writers".
    pub waiting: bool,
    /// Time this run has spent waiting after 429 answers, in ms (the wait now starting
    /// counted in full).
    pub waiting_ms: f64,
}

/// Where a run stands, told to the caller's progress callback.
pub struct Progress<'a> {
    report: &'a dyn Fn(BatchProgress),
    at: Cell<BatchProgress>,
}

impl<'a> Progress<'a> {
    /// Progress told to `report`.
    pub fn new(report: &'a dyn Fn(BatchProgress)) -> Self {
        Progress { report, at: Cell::default() }
    }

    /// Progress told to no one.
    pub fn silent() -> Progress<'static> {
        Progress::new(&|_| {})
    }

    fn tell(&self, p: BatchProgress) {
        self.at.set(p);
        (self.report)(p);
    }

    /// Counts a wait of `ms` after a 429 and reports it (`waiting: true`).
    fn waiting(&self, ms: f64) {
        let at = self.at.get();
        self.tell(BatchProgress { waiting: true, waiting_ms: at.waiting_ms + ms, ..at });
    }
}

/// The verdicts of the client's validation on the records of one write.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRecords<W> {
    /// The valid records in their wire form, by input index, in input order.
    pub valid: Vec<(usize, W)>,
    /// Positions in `valid` of the users that name an access level still to be resolved to
    /// its id.
    pub named: Vec<usize>,
    /// The invalid records' input indices and issue messages, in input order.
    pub invalid: Vec<(usize, Vec<String>)>,
    /// What validation dropped from records, valid or not.
    pub warnings: Vec<Warning>,
}

impl<W> Default for CheckedRecords<W> {
    fn default() -> Self {
        CheckedRecords { valid: Vec::new(), named: Vec::new(), invalid: Vec::new(), warnings: Vec::new() }
    }
}

impl<W> From<Validation<W>> for CheckedRecords<W> {
    fn from(v: Validation<W>) -> Self {
        let invalid = v.invalid.into_iter().map(|r| (r.index, messages(r.issues))).collect();
        CheckedRecords { valid: v.valid, invalid, warnings: v.warnings, named: Vec::new() }
    }
}

impl CheckedRecords<WireText> {
    /// Adds the verdict on record `index`: a valid record's wire form written once as JSON
    /// text (`names_level`: it names an access level to resolve), or an invalid one's issues.
    pub fn push<W: WireJson>(&mut self, index: usize, verdict: Result<W, Vec<Issue>>, names_level: impl Fn(&W) -> bool) {
        match verdict {
            Ok(wire) => {
                if names_level(&wire) {
                    self.named.push(self.valid.len());
                }
                self.valid.push((index, WireText::of(&wire)));
            }
            Err(issues) => self.invalid.push((index, messages(issues))),
        }
    }
}

/// The messages of a record's issues.
fn messages(issues: Vec<Issue>) -> Vec<String> {
    issues.into_iter().map(|i| i.message).collect()
}

/// A run over `total` input records with the client's rejections settled: `invalid` are
/// rejected with their issues' messages, and what validation dropped is kept for the report.
pub fn start_run(total: usize, invalid: Vec<(usize, Vec<String>)>, warnings: Vec<Warning>) -> BatchRun {
    let mut run = BatchRun::new(total);
    run.warn(warnings);
    for (index, messages) in invalid {
        run.settle(index, RecordStatus::Rejected, Some(RecordReason::Invalid), messages, None);
    }
    run
}

/// Runs a whole write of validated records. With `validate_fails_batch`, nothing is sent
/// while any record is invalid.
pub async fn run<T: Transport, W: WireRecord + Clone>(io: &T, spec: &WriteSpec, checked: CheckedRecords<W>, total: usize, progress: &Progress<'_>) -> BatchReport {
    let any_invalid = !checked.invalid.is_empty();
    let run = start_run(total, checked.invalid, checked.warnings);
    settle_run(io, spec, checked.valid, progress, run, any_invalid).await
}

/// Sends the valid records of a run whose client-side rejections are already settled.
pub async fn settle_run<T: Transport, W: WireRecord + Clone>(
    io: &T,
    spec: &WriteSpec,
    valid: Vec<(usize, W)>,
    progress: &Progress<'_>,
    mut run: BatchRun,
    any_invalid: bool,
) -> BatchReport {
    if any_invalid && spec.validate_fails_batch {
        let indices = valid.iter().map(|(i, _)| *i);
        run.settle_all(indices, RecordStatus::NotSent, RecordReason::Stopped, "Not sent: other records failed client-side validation and validateFailsBatch is true");
        return run.finish();
    }
    // The calls borrow their records: nothing is copied per record.
    let batches = valid.len().div_ceil(MAX_BATCH);
    let mut sent = 0;
    for (n, call) in valid.chunks(MAX_BATCH).enumerate() {
        if io.is_aborted() {
            run.stop(&Error::new(ErrorKind::Aborted, "The run was aborted by the caller's signal"), "Not sent: the run was aborted");
            break;
        }
        let waiting_ms = progress.at.get().waiting_ms;
        progress.at.set(BatchProgress { batch: n + 1, batches, sent, total: valid.len(), waiting: false, waiting_ms });
        let stop = send_call(io, spec, call, progress, &mut run, true).await;
        sent += call.len();
        progress.tell(BatchProgress { sent, waiting: false, ..progress.at.get() });
        if let Some((error, why)) = stop {
            run.stop(&error, &why);
            break;
        }
    }
    run.finish()
}

/// Why the run stops after a call the API refused while `validateFailsBatch` is true.
const STOPPED_BY_REFUSED_CALL: &str = "Not sent: an earlier call was rejected and validateFailsBatch is true";

/// Sends one call and settles its records; returns the error that must stop the run, if any.
/// `may_resend` allows one resend of records that reading back shows plainly absent.
async fn send_call<T: Transport, W: WireRecord + Clone>(
    io: &T,
    spec: &WriteSpec,
    call: &[(usize, W)],
    progress: &Progress<'_>,
    run: &mut BatchRun,
    may_resend: bool,
) -> Option<(Error, String)> {
    let answer = retry::call(io, &spec.request(call), &|ms| progress.waiting(ms)).await.and_then(|resp| parse_write(&resp));
    match answer {
        Ok(outcome) => {
            let failed = !outcome.applied;
            let s = outcome.summary;
            if spec.may_ignore && outcome.applied && s.submitted > s.inserted + s.updated + s.errors {
                settle_ignored(io, spec, call, &outcome, run).await;
            }
            run.record_answer(call, outcome);
            (failed && spec.validate_fails_batch).then(|| {
                let e = Error::new(ErrorKind::Validation, "The API rejected a call and validateFailsBatch is true");
                (e, STOPPED_BY_REFUSED_CALL.to_string())
            })
        }
        Err(e) if !e.may_have_applied() => {
            run.record_unanswered();
            let why = match e.kind {
                ErrorKind::Aborted => "Not sent: the run was aborted while this call waited for its turn after a 429".to_string(),
                _ => format!("Not sent: the API refused the call unprocessed ({})", e.message),
            };
            let indices = call.iter().map(|(i, _)| *i);
            if e.kind == ErrorKind::BadRequest {
                run.settle_all(indices, RecordStatus::Rejected, RecordReason::ServerRejected, &e.message);
                return spec.validate_fails_batch.then(|| (e, STOPPED_BY_REFUSED_CALL.to_string()));
            }
            run.settle_all(indices, RecordStatus::NotSent, RecordReason::Stopped, &why);
            Some((e, why))
        }
        Err(e) => {
            run.record_unanswered();
            // After a timeout or a dropped connection the server may still be finishing the
            // call: give it a moment before reading back. An aborted run sends nothing more.
            let still_running = matches!(e.kind, ErrorKind::Timeout | ErrorKind::Aborted | ErrorKind::Network);
            if still_running && !io.is_aborted() {
                let _ = io.sleep(READ_BACK_GRACE_MS).await;
            }
            let absent = reconcile(io, spec, call, &e, run).await;
            let indices = absent.iter().map(|(i, _)| *i);
            if absent.is_empty() {
                // Every record is settled by reading back.
            } else if e.kind == ErrorKind::Aborted {
                let why =
                    format!("Unknown: the call was aborted ({}); reading back found the record absent, but the server may still apply it, so it was not sent again", e.message);
                run.settle_all(indices, RecordStatus::Unknown, RecordReason::ReadBack, &why);
            } else if may_resend {
                if let Some(stop) = Box::pin(send_call(io, spec, &absent, progress, run, false)).await {
                    return Some(stop);
                }
            } else {
                let why = format!("Not applied: sent twice without an answer ({}), and reading back shows it absent both times; safe to send again", e.message);
                run.settle_all(indices, RecordStatus::NotSent, RecordReason::Stopped, &why);
                return Some((e, "Not sent: the API failed twice in a row".to_string()));
            }
            (e.kind == ErrorKind::Aborted).then(|| (e, "Not sent: the run was aborted".to_string()))
        }
    }
}

/// How long to wait before reading back after a call that may still be running on the server.
pub const READ_BACK_GRACE_MS: f64 = 1_000.0;

/// Reads the list a spec reads back from.
async fn read_back_list<T: Transport>(io: &T, rb: &ReadBackSpec) -> Result<Vec<Value>, Error> {
    parse_list(&retry::call(io, &ApiRequest::get(rb.path), &|_| {}).await?)
}

/// The API applied a call but skipped some of its records without saying which: the records
/// not held as sent are rejected as ignored (before the rest are marked committed).
async fn settle_ignored<T: Transport, W: WireRecord>(io: &T, spec: &WriteSpec, call: &[(usize, W)], outcome: &WriteOutcome, run: &mut BatchRun) {
    const IGNORED: &str = "Ignored by the API: a user with the same id_num or email already exists and updateExisting is false";
    let Some(rb) = &spec.read_back else { return };
    let errored: Vec<usize> = errors_by_position(call, &outcome.errors).into_iter().flatten().collect();
    let server = match read_back_list(io, rb).await {
        Ok(list) => list,
        Err(e) => {
            let why = format!("Unknown: the API skipped some records of this call without naming them, and reading back failed: {}", e.message);
            let open = call.iter().enumerate().filter(|(p, _)| !errored.contains(p)).map(|(_, (i, _))| *i);
            run.settle_all(open, RecordStatus::Unknown, RecordReason::ReadBack, &why);
            return;
        }
    };
    for (p, (i, record)) in call.iter().enumerate() {
        if !errored.contains(&p) && read_back(&record.to_value(), &server, rb) != ReadBack::Held {
            run.settle(*i, RecordStatus::Rejected, Some(RecordReason::IgnoredExisting), vec![IGNORED.to_string()], None);
        }
    }
}

/// Reads back the records of an unanswered call: the ones held as sent are committed, the
/// ones plainly absent are returned for one resend, the rest stay unknown.
async fn reconcile<T: Transport, W: WireRecord + Clone>(io: &T, spec: &WriteSpec, call: &[(usize, W)], cause: &Error, run: &mut BatchRun) -> Vec<(usize, W)> {
    let unknown = |detail: &str| format!("Unknown: the call went unanswered ({}){detail}", cause.message);
    let Some(rb) = &spec.read_back else {
        run.settle_all(call.iter().map(|(i, _)| *i), RecordStatus::Unknown, RecordReason::ReadBack, &unknown("; this endpoint cannot be read back"));
        return Vec::new();
    };
    let server = match read_back_list(io, rb).await {
        Ok(list) => list,
        Err(e) => {
            run.settle_all(call.iter().map(|(i, _)| *i), RecordStatus::Unknown, RecordReason::ReadBack, &unknown(&format!(" and reading back failed: {}", e.message)));
            return Vec::new();
        }
    };
    let mut resend = Vec::new();
    for (i, record) in call {
        match read_back(&record.to_value(), &server, rb) {
            ReadBack::Held => {
                run.settle(*i, RecordStatus::Committed, Some(RecordReason::ReadBack), vec!["Committed: confirmed by reading back after the call went unanswered".into()], None)
            }
            ReadBack::Absent => resend.push((*i, record.clone())),
            ReadBack::Unclear => {
                run.settle(*i, RecordStatus::Unknown, Some(RecordReason::ReadBack), vec![unknown("; reading back could not tell whether this record was applied")], None)
            }
        }
    }
    resend
}

/// A server-side validation of users (`POST /uservalidate`): nothing is committed. Returns the
/// server's counts and every record it refused, by input index.
pub async fn validate_only<T: Transport, W: WireRecord + Clone>(io: &T, valid: &[(usize, W)]) -> Result<(BatchSummary, Vec<RecordError>), Error> {
    let spec = WriteSpec::simple(Method::Post, "uservalidate", "users", false, None);
    let mut summary = BatchSummary::default();
    let mut details = Vec::new();
    for call_records in valid.chunks(MAX_BATCH) {
        let outcome = parse_write(&retry::call(io, &spec.request(call_records), &|_| {}).await?)?;
        summary += outcome.summary;
        for (pos, err) in errors_by_position(call_records, &outcome.errors).into_iter().zip(outcome.errors) {
            details.push(RecordError { index: pos.map(|p| call_records[p].0), messages: err.messages, input_data: err.input_data });
        }
    }
    Ok((summary, details))
}
