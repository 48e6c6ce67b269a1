//! The batch engine's driver: validate everything, send blocks of at most 100 one at a time,
//! read back what went unanswered, and settle every record exactly once.

use std::cell::Cell;

use js_sys::Function;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::client::Inner;
use super::to_js;
use super::transport::sleep;
use crate::api::{parse_list, parse_write, ApiRequest, Method, WriteOutcome, MAX_BATCH};
use crate::batch::{plan_batches, read_back, BatchReport, BatchRun, ReadBack, ReadBackSpec, RecordReason, RecordStatus};
use crate::error::{Error, ErrorKind};
use crate::validate::Validation;

/// Where and how one kind of record is written.
pub(crate) struct WriteSpec {
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

/// The caller's controls over a run, and where the run stands for progress reports.
#[derive(Default)]
pub(crate) struct RunControl {
    pub signal: Option<AbortSignal>,
    pub on_progress: Option<Function>,
    at: Cell<BatchProgress>,
}

impl RunControl {
    pub fn new(signal: Option<AbortSignal>, on_progress: Option<Function>) -> Self {
        RunControl { signal, on_progress, at: Cell::default() }
    }

    /// Reports progress after a call, or at the start of a wait for the API's write slot.
    fn progress(&self, p: BatchProgress) {
        self.at.set(p);
        if let (Some(f), Ok(v)) = (&self.on_progress, to_js(&p)) {
            // A throwing callback must not cost a record its status.
            let _ = f.call1(&JsValue::NULL, &v);
        }
    }

    /// Counts a wait of `ms` after a 429 and reports it (`waiting: true`).
    fn waiting(&self, ms: f64) {
        let at = self.at.get();
        self.progress(BatchProgress { waiting: true, waiting_ms: at.waiting_ms + ms, ..at });
    }
}

/// Progress after each call, and when a call starts waiting for its turn after a 429.
#[derive(Clone, Copy, Default, Serialize, tsify::Tsify)]
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

/// Runs a whole write. Client-side rejections are settled first; with
/// `validate_fails_batch`, nothing is sent while any record is invalid.
pub(crate) async fn run<W>(inner: &Inner, spec: &WriteSpec, validation: Validation<W>, valid: Vec<(usize, Value)>, total: usize, ctl: &RunControl) -> BatchReport {
    let mut run = BatchRun::new(total);
    run.warn(validation.warnings);
    for bad in &validation.invalid {
        run.settle(bad.index, RecordStatus::Rejected, Some(RecordReason::Invalid), bad.issues.iter().map(|i| i.message.clone()).collect(), None);
    }
    settle_run(inner, spec, valid, ctl, run, !validation.invalid.is_empty()).await
}

/// Sends the valid records of a run whose client-side rejections are already settled.
pub(crate) async fn settle_run(inner: &Inner, spec: &WriteSpec, valid: Vec<(usize, Value)>, ctl: &RunControl, mut run: BatchRun, any_invalid: bool) -> BatchReport {
    if any_invalid && spec.validate_fails_batch {
        let indices = valid.iter().map(|(i, _)| *i);
        run.settle_all(indices, RecordStatus::NotSent, RecordReason::Stopped, "Not sent: other records failed client-side validation and validateFailsBatch is true");
        return run.finish();
    }
    let calls = plan_batches(&valid, MAX_BATCH);
    let mut sent = 0;
    for (n, call) in calls.iter().enumerate() {
        if ctl.signal.as_ref().is_some_and(AbortSignal::aborted) {
            run.stop(&Error::new(ErrorKind::Aborted, "The run was aborted by the caller's signal"), "Not sent: the run was aborted");
            break;
        }
        let waiting_ms = ctl.at.get().waiting_ms;
        ctl.at.set(BatchProgress { batch: n + 1, batches: calls.len(), sent, total: valid.len(), waiting: false, waiting_ms });
        let stop = send_call(inner, spec, call, ctl, &mut run, true).await;
        sent += call.len();
        ctl.progress(BatchProgress { sent, waiting: false, ..ctl.at.get() });
        if let Some((error, why)) = stop {
            run.stop(&error, &why);
            break;
        }
    }
    run.finish()
}

/// Sends one call and settles its records; returns the error that must stop the run, if any.
/// `may_resend` allows one resend of records that reading back shows plainly absent.
async fn send_call(inner: &Inner, spec: &WriteSpec, call: &[(usize, Value)], ctl: &RunControl, run: &mut BatchRun, may_resend: bool) -> Option<(Error, String)> {
    let records: Vec<&Value> = call.iter().map(|(_, r)| r).collect();
    let req = ApiRequest::write(spec.method, spec.path, spec.node, &records, &spec.options);
    let answer = match inner.transport.call_waiting(&req, ctl.signal.as_ref(), Some(&|ms| ctl.waiting(ms))).await {
        Ok(resp) => parse_write(&resp),
        Err(e) => Err(e),
    };
    match answer {
        Ok(outcome) => {
            let failed = !outcome.applied;
            let s = outcome.summary;
            if spec.may_ignore && outcome.applied && s.submitted > s.inserted + s.updated + s.errors {
                settle_ignored(inner, spec, call, &outcome, ctl, run).await;
            }
            run.record_answer(call, outcome);
            (failed && spec.validate_fails_batch).then(|| {
                let e = Error::new(ErrorKind::Validation, "The API rejected a call and validateFailsBatch is true");
                (e, "Not sent: an earlier call was rejected and validateFailsBatch is true".to_string())
            })
        }
        Err(e) if !may_have_applied(&e) => {
            run.record_unanswered();
            let why = match e.kind {
                ErrorKind::Aborted => "Not sent: the run was aborted while this call waited for its turn after a 429".to_string(),
                _ => format!("Not sent: the API refused the call unprocessed ({})", e.message),
            };
            let indices = call.iter().map(|(i, _)| *i);
            if e.kind == ErrorKind::BadRequest {
                run.settle_all(indices, RecordStatus::Rejected, RecordReason::ServerRejected, &e.message);
                return spec.validate_fails_batch.then(|| (e, "Not sent: an earlier call was rejected and validateFailsBatch is true".to_string()));
            }
            run.settle_all(indices, RecordStatus::NotSent, RecordReason::Stopped, &why);
            Some((e, why))
        }
        Err(e) => {
            run.record_unanswered();
            // After a timeout or a dropped connection the server may still be finishing the
            // call: give it a moment before reading back. An aborted run sends nothing more.
            let still_running = matches!(e.kind, ErrorKind::Timeout | ErrorKind::Aborted | ErrorKind::Network);
            if still_running && !ctl.signal.as_ref().is_some_and(AbortSignal::aborted) {
                let _ = sleep(READ_BACK_GRACE_MS, ctl.signal.as_ref()).await;
            }
            let absent = reconcile(inner, spec, call, &e, ctl, run).await;
            let indices = absent.iter().map(|(i, _)| *i);
            if absent.is_empty() {
                // Every record is settled by reading back.
            } else if e.kind == ErrorKind::Aborted {
                let why =
                    format!("Unknown: the call was aborted ({}); reading back found the record absent, but the server may still apply it, so it was not sent again", e.message);
                run.settle_all(indices, RecordStatus::Unknown, RecordReason::ReadBack, &why);
            } else if may_resend {
                if let Some(stop) = Box::pin(send_call(inner, spec, &absent, ctl, run, false)).await {
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
const READ_BACK_GRACE_MS: f64 = 1_000.0;

/// Whether a failed call may have been applied by the server. A call aborted while it waited
/// after a 429 (status 429 kept) was never processed.
fn may_have_applied(e: &Error) -> bool {
    match e.kind {
        ErrorKind::Aborted => e.status != Some(429),
        kind => matches!(kind, ErrorKind::Server | ErrorKind::Decode | ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Internal),
    }
}

/// The API applied a call but skipped some of its records without saying which: the records
/// not held as sent are rejected as ignored (before the rest are marked committed).
async fn settle_ignored(inner: &Inner, spec: &WriteSpec, call: &[(usize, Value)], outcome: &WriteOutcome, ctl: &RunControl, run: &mut BatchRun) {
    const IGNORED: &str = "Ignored by the API: a user with the same id_num or email already exists and updateExisting is false";
    let Some(rb) = &spec.read_back else { return };
    let sent: Vec<Value> = call.iter().map(|(_, r)| r.clone()).collect();
    let errored: Vec<usize> = crate::api::match_errors(&sent, &outcome.errors).into_iter().flatten().collect();
    let server: Vec<Value> = match inner.transport.call(&ApiRequest::get(rb.path), ctl.signal.as_ref()).await.and_then(|r| parse_list(&r)) {
        Ok(list) => list,
        Err(e) => {
            let why = format!("Unknown: the API skipped some records of this call without naming them, and reading back failed: {}", e.message);
            let open = call.iter().enumerate().filter(|(p, _)| !errored.contains(p)).map(|(_, (i, _))| *i);
            run.settle_all(open, RecordStatus::Unknown, RecordReason::ReadBack, &why);
            return;
        }
    };
    for (p, (i, record)) in call.iter().enumerate() {
        if !errored.contains(&p) && read_back(record, &server, rb) != ReadBack::Held {
            run.settle(*i, RecordStatus::Rejected, Some(RecordReason::IgnoredExisting), vec![IGNORED.to_string()], None);
        }
    }
}

/// Reads back the records of an unanswered call: the ones held as sent are committed, the
/// ones plainly absent are returned for one resend, the rest stay unknown.
async fn reconcile(inner: &Inner, spec: &WriteSpec, call: &[(usize, Value)], cause: &Error, ctl: &RunControl, run: &mut BatchRun) -> Vec<(usize, Value)> {
    let unknown = |detail: &str| format!("Unknown: the call went unanswered ({}){detail}", cause.message);
    let Some(rb) = &spec.read_back else {
        run.settle_all(call.iter().map(|(i, _)| *i), RecordStatus::Unknown, RecordReason::ReadBack, &unknown("; this endpoint cannot be read back"));
        return Vec::new();
    };
    let server: Vec<Value> = match inner.transport.call(&ApiRequest::get(rb.path), ctl.signal.as_ref()).await.and_then(|r| parse_list(&r)) {
        Ok(list) => list,
        Err(e) => {
            run.settle_all(call.iter().map(|(i, _)| *i), RecordStatus::Unknown, RecordReason::ReadBack, &unknown(&format!(" and reading back failed: {}", e.message)));
            return Vec::new();
        }
    };
    let mut resend = Vec::new();
    for (i, record) in call {
        match read_back(record, &server, rb) {
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

/// A server-side validation of users (`POST /uservalidate`): nothing is committed.
pub(crate) async fn validate_only(inner: &Inner, valid: &[(usize, Value)], ctl: &RunControl) -> Result<(crate::model::BatchSummary, Vec<crate::error::RecordError>), Error> {
    let mut summary = crate::model::BatchSummary::default();
    let mut details = Vec::new();
    for call in plan_batches(valid, MAX_BATCH) {
        let records: Vec<&Value> = call.iter().map(|(_, r)| r).collect();
        let req = ApiRequest::write(Method::Post, "uservalidate", "users", &records, &[("validate_fails_batch", false)]);
        let outcome: WriteOutcome = parse_write(&inner.transport.call(&req, ctl.signal.as_ref()).await?)?;
        summary += outcome.summary;
        let sent: Vec<Value> = call.iter().map(|(_, r)| r.clone()).collect();
        for (pos, err) in crate::api::match_errors(&sent, &outcome.errors).into_iter().zip(outcome.errors) {
            details.push(crate::error::RecordError { index: pos.map(|p| call[p].0), messages: err.messages, input_data: err.input_data });
        }
    }
    Ok((summary, details))
}
