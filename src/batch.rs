//! The batch engine's bookkeeping: splitting into calls of at most 100 and giving every input
//! record exactly one final status. Pure Rust; the wasm layer drives the calls.

use serde::Serialize;
use serde_json::Value;
use tsify::Tsify;

use crate::api::{match_errors, WriteOutcome, NOT_COMMITTED_BATCH_FAILED};
use crate::error::Error;
use crate::model::BatchSummary;
use crate::validate::Warning;

/// Splits `records` into consecutive blocks of at most `size` (at least 1).
pub fn plan_batches<T: Clone>(records: &[T], size: usize) -> Vec<Vec<T>> {
    records.chunks(size.max(1)).map(<[T]>::to_vec).collect()
}

/// The fate of one input record after a batch run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub enum RecordStatus {
    /// The API applied the record.
    Committed,
    /// The client's validation or the API refused the record; see `messages`.
    Rejected,
    /// The call carrying the record may or may not have been applied, and reading back
    /// could not tell.
    Unknown,
    /// The record was never sent (the run was aborted or stopped first); safe to send again.
    NotSent,
}

/// One input record's final status.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct RecordReport {
    /// Index of the record in the caller's input.
    pub index: usize,
    /// What happened to it.
    pub status: RecordStatus,
    /// Why, in the API's or the validator's words (empty for plain commits).
    pub messages: Vec<String>,
    /// The record as the API echoed it back with its errors, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, unknown>")]
    pub input_data: Option<Value>,
}

/// The error that stopped a run early, without the details of the records it touched.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct StopReason {
    /// The error kind (`auth`, `rate_limited`, `server`, ...).
    pub kind: String,
    /// The HTTP status, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub status: Option<u16>,
    /// What happened.
    pub message: String,
}

/// The outcome of a batch run: every input index exactly once, plus the server's summed counts.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct BatchReport {
    /// The server's counts, summed over every call.
    pub summary: BatchSummary,
    /// How many write calls were sent (resends included).
    pub calls: usize,
    /// How many records were given.
    pub total: usize,
    /// Records committed.
    pub committed: usize,
    /// Records rejected.
    pub rejected: usize,
    /// Records whose fate is unknown.
    pub unknown: usize,
    /// Records never sent.
    pub not_sent: usize,
    /// One entry per input record, in input order.
    pub records: Vec<RecordReport>,
    /// The error that stopped the run early, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub stopped_by: Option<StopReason>,
    /// What client-side validation dropped from records (unknown fields), valid or not.
    pub warnings: Vec<Warning>,
}

/// The running bookkeeping of a batch run.
#[derive(Debug)]
pub struct BatchRun {
    outcomes: Vec<Option<RecordReport>>,
    summary: BatchSummary,
    calls: usize,
    stopped_by: Option<StopReason>,
    warnings: Vec<Warning>,
}

impl BatchRun {
    /// A run over `total` input records, none settled yet.
    pub fn new(total: usize) -> Self {
        BatchRun { outcomes: vec![None; total], summary: BatchSummary::default(), calls: 0, stopped_by: None, warnings: Vec::new() }
    }

    /// Settles `index`, unless it is settled already (the first word stands).
    pub fn settle(&mut self, index: usize, status: RecordStatus, messages: Vec<String>, input_data: Option<Value>) {
        if let Some(slot @ None) = self.outcomes.get_mut(index) {
            *slot = Some(RecordReport { index, status, messages, input_data });
        }
    }

    /// Settles every index of `indices` with the same status and message.
    pub fn settle_all(&mut self, indices: impl IntoIterator<Item = usize>, status: RecordStatus, message: &str) {
        for i in indices {
            self.settle(i, status, vec![message.to_string()], None);
        }
    }

    /// Records a call that got the API's answer. `call` pairs input indices with the wire
    /// records sent. Records the API listed are rejected; the others are committed when the
    /// API applied the call, and rejected as innocent parties of a failed batch otherwise.
    pub fn record_answer(&mut self, call: &[(usize, Value)], outcome: WriteOutcome) {
        self.calls += 1;
        self.summary += outcome.summary;
        let sent: Vec<Value> = call.iter().map(|(_, r)| r.clone()).collect();
        let positions = match_errors(&sent, &outcome.errors);
        let mut unmatched = Vec::new();
        for (pos, err) in positions.iter().zip(outcome.errors) {
            match pos {
                Some(p) => self.settle(call[*p].0, RecordStatus::Rejected, err.messages, err.input_data),
                None => unmatched.push(err),
            }
        }
        let rest: Vec<usize> = call.iter().map(|(i, _)| *i).filter(|i| self.is_open(*i)).collect();
        if !unmatched.is_empty() {
            // The API refused records it echoed in a form we cannot match: say so on every
            // record whose fate this leaves open rather than guess.
            let messages: Vec<String> = unmatched.iter().flat_map(|e| e.messages.clone()).collect();
            let status = if outcome.applied { RecordStatus::Unknown } else { RecordStatus::Rejected };
            for i in rest {
                self.settle(i, status, messages.clone(), None);
            }
        } else if outcome.applied {
            for i in rest {
                self.settle(i, RecordStatus::Committed, Vec::new(), None);
            }
        } else {
            self.settle_all(rest, RecordStatus::Rejected, NOT_COMMITTED_BATCH_FAILED);
        }
    }

    /// Counts a call that got no usable answer (its records' fate is decided by reconciling).
    pub fn record_unanswered(&mut self) {
        self.calls += 1;
    }

    /// Keeps what validation dropped from records, for the report.
    pub fn warn(&mut self, warnings: Vec<Warning>) {
        self.warnings.extend(warnings);
    }

    /// How many input records the run covers.
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    /// Whether the run covers no records.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }

    /// Whether `index` still waits for a status.
    pub fn is_open(&self, index: usize) -> bool {
        matches!(self.outcomes.get(index), Some(None))
    }

    /// Stops the run because of `error`: every open record is `notSent` with `why`.
    pub fn stop(&mut self, error: &Error, why: &str) {
        self.stopped_by = Some(StopReason { kind: error.kind.as_str().to_string(), status: error.status, message: error.message.clone() });
        let open: Vec<usize> = (0..self.outcomes.len()).filter(|i| self.is_open(*i)).collect();
        self.settle_all(open, RecordStatus::NotSent, why);
    }

    /// The final report; any record still open is `notSent`.
    pub fn finish(mut self) -> BatchReport {
        let open: Vec<usize> = (0..self.outcomes.len()).filter(|i| self.is_open(*i)).collect();
        self.settle_all(open, RecordStatus::NotSent, "Not sent: the run ended before this record's call");
        let records: Vec<RecordReport> = self.outcomes.into_iter().flatten().collect();
        let count = |s: RecordStatus| records.iter().filter(|r| r.status == s).count();
        BatchReport {
            summary: self.summary,
            calls: self.calls,
            total: records.len(),
            committed: count(RecordStatus::Committed),
            rejected: count(RecordStatus::Rejected),
            unknown: count(RecordStatus::Unknown),
            not_sent: count(RecordStatus::NotSent),
            records,
            stopped_by: self.stopped_by,
            warnings: self.warnings,
        }
    }
}

/// What reading a record back after an unanswered call showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadBack {
    /// The server holds the record as it was sent.
    Held,
    /// The server has no record with any of its keys: safe to send again.
    Absent,
    /// Something matches but not as sent (or nothing can be compared).
    Unclear,
}

/// Compares a sent wire record with the server's records. `keys` lists the identifying
/// fields in priority order (e.g. `id_num`, `email`, `card_num`); the first one the sent
/// record has decides: applying the record would have given the server a record with that
/// value, so none means absent, and a later key matching someone else does not count.
pub fn read_back(sent: &Value, server: &[Value], keys: &[&str]) -> ReadBack {
    let key_of = |v: &Value, k: &str| v.get(k).and_then(text).filter(|s| !s.is_empty()).map(|t| if k == "email" { t.to_ascii_lowercase() } else { t });
    let Some((k, want)) = keys.iter().find_map(|k| key_of(sent, k).map(|v| (*k, v))) else { return ReadBack::Unclear };
    match server.iter().find(|s| key_of(s, k).as_deref() == Some(want.as_str())) {
        Some(found) if holds(sent, found) => ReadBack::Held,
        Some(_) => ReadBack::Unclear,
        None => ReadBack::Absent,
    }
}

/// Whether every scalar field sent has the same value on the server (dates compared by their
/// `YYYY-MM-DD HH:MM:SS` reading, `""` as unset, text trimmed).
fn holds(sent: &Value, server: &Value) -> bool {
    let Value::Object(fields) = sent else { return false };
    fields.iter().filter(|(k, _)| !matches!(k.as_str(), "id" | "accesslevels" | "credential_key")).all(|(k, v)| {
        let norm = |v: Option<&Value>| -> String {
            let t = v.and_then(text).unwrap_or_default();
            if k.starts_with("access_") { comparable_time(&t) } else { t }
        };
        norm(Some(v)) == norm(server.get(k))
    })
}

fn comparable_time(t: &str) -> String {
    t.replace('T', " ").trim_end_matches('Z').split('.').next().unwrap_or_default().trim().to_string()
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(crate::model::number_text(n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ServerRecordError;
    use crate::error::ErrorKind;
    use serde_json::json;

    fn call(from: usize, n: usize) -> Vec<(usize, Value)> {
        (from..from + n).map(|i| (i, json!({"name": format!("Door {i}")}))).collect()
    }

    #[test]
    fn plans_blocks_of_at_most_size() {
        let v: Vec<u32> = (0..250).collect();
        let plan = plan_batches(&v, 100);
        assert_eq!(plan.iter().map(Vec::len).collect::<Vec<_>>(), [100, 100, 50]);
        assert_eq!(plan_batches(&v[..0], 100).len(), 0);
        assert_eq!(plan_batches(&v[..3], 0).len(), 3);
    }

    #[test]
    fn every_index_settles_exactly_once() {
        let mut run = BatchRun::new(5);
        run.settle(0, RecordStatus::Rejected, vec!["bad".into()], None);
        let answer = WriteOutcome { summary: BatchSummary { submitted: 2, inserted: 2, updated: 0, errors: 0 }, applied: true, messages: vec![], errors: vec![] };
        run.record_answer(&call(1, 2), answer);
        run.settle(1, RecordStatus::Rejected, vec![], None);
        let r = run.finish();
        assert_eq!(r.records.iter().map(|r| r.index).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        assert_eq!((r.committed, r.rejected, r.not_sent), (2, 1, 2));
        assert_eq!(r.summary.inserted, 2);
    }

    #[test]
    fn failed_batch_rejects_the_guilty_with_messages_and_the_rest_as_innocent() {
        let mut run = BatchRun::new(3);
        let err = ServerRecordError { messages: vec!["Door Name Already Exists: Door 1".into()], input_data: Some(json!({"name": "Door 1"})) };
        run.record_answer(&call(0, 3), WriteOutcome { summary: BatchSummary::default(), applied: false, messages: vec![], errors: vec![err] });
        let r = run.finish();
        assert_eq!(r.records[1].messages, ["Door Name Already Exists: Door 1"]);
        assert_eq!(r.records[0].messages, [NOT_COMMITTED_BATCH_FAILED]);
        assert_eq!(r.rejected, 3);
    }

    #[test]
    fn stop_marks_open_records_not_sent_and_keeps_the_reason() {
        let mut run = BatchRun::new(3);
        run.settle(0, RecordStatus::Committed, vec![], None);
        run.stop(&Error::from_status(401, vec![], vec![]), "Not sent: the API refused the credentials");
        let r = run.finish();
        assert_eq!((r.committed, r.not_sent), (1, 2));
        assert_eq!(r.stopped_by.unwrap().kind, ErrorKind::Auth.as_str());
    }

    #[test]
    fn read_back_tells_held_absent_and_unclear() {
        let sent = json!({"id_num": "A1", "first_name": "Ann", "access_expires": "2022-10-29 00:00:00", "enabled": "true"});
        let held = json!({"id": 9, "id_num": "A1", "first_name": "Ann", "access_expires": "2022-10-29T00:00:00.000Z", "enabled": true});
        let other = json!({"id": 9, "id_num": "A1", "first_name": "Bob"});
        assert_eq!(read_back(&sent, &[held], &["id_num", "email"]), ReadBack::Held);
        assert_eq!(read_back(&sent, &[other], &["id_num"]), ReadBack::Unclear);
        assert_eq!(read_back(&sent, &[json!({"id_num": "B2"})], &["id_num"]), ReadBack::Absent);
        assert_eq!(read_back(&json!({"phone": "1"}), &[], &["id_num"]), ReadBack::Unclear);
        let taken_card = json!({"id_num": "NEW", "card_num": "8769"});
        assert_eq!(read_back(&taken_card, &[json!({"id_num": "OLD", "card_num": "8769"})], &["id_num", "card_num"]), ReadBack::Absent, "the first key decides");
    }
}
