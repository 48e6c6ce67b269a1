//! Scripted faults (POST /__admin/faults), consumed in order by the next matching
//! /api/v1 requests.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Mutex;

#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with `status` / `body` / `content_type` instead of handling.
    Status,
    /// Close the connection without any response.
    Drop,
    /// Wait `ms`, then handle normally.
    Delay,
    /// Handle normally, send only the first half of the body.
    Truncate,
    /// Status 200, empty body, content type application/json.
    Empty,
    /// Handle normally, answer with the content type `content_type`.
    ContentType,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default)]
pub struct Match {
    pub method: Option<String>,
    /// Compared without the query string and without a trailing slash.
    pub path: Option<String>,
}

#[derive(Deserialize, Serialize, Clone, Debug)]
pub struct Fault {
    #[serde(default, rename = "match")]
    pub matcher: Match,
    pub kind: FaultKind,
    pub status: Option<u16>,
    pub body: Option<String>,
    pub content_type: Option<String>,
    pub ms: Option<u64>,
    /// Process (and commit) the request first, then replace the answer
    /// (kinds status and drop; truncate/empty/content_type always do this).
    #[serde(default)]
    pub after_commit: bool,
}

fn norm(p: &str) -> &str {
    let p = p.split('?').next().unwrap_or("");
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        "/"
    } else {
        t
    }
}

impl Fault {
    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.matcher.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method)) && self.matcher.path.as_deref().is_none_or(|p| norm(p) == norm(path))
    }
}

#[derive(Default)]
pub struct Faults(Mutex<VecDeque<Fault>>);

impl Faults {
    pub fn push(&self, f: Vec<Fault>) -> usize {
        let mut q = self.0.lock().unwrap();
        q.extend(f);
        q.len()
    }
    pub fn clear(&self) -> usize {
        let mut q = self.0.lock().unwrap();
        let n = q.len();
        q.clear();
        n
    }
    pub fn list(&self) -> Vec<Fault> {
        self.0.lock().unwrap().iter().cloned().collect()
    }
    /// Removes and returns the first queued fault that matches this request.
    pub fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut q = self.0.lock().unwrap();
        let i = q.iter().position(|f| f.matches(method, path))?;
        q.remove(i)
    }
}
