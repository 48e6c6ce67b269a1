//! Faults: the scripted ones (POST /__admin/faults), consumed in order by the next
//! matching /api/v1 requests, and the random ones of `--fail-rate` / `--drop-rate`, played
//! by the [`inject`] middleware.

use crate::app::AppState;
use crate::layers::{hang_up_response, original_path, FaultDelay};
use crate::reply::{html, Records, HTML_502};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

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

    /// The answer of a `status` fault (502 with a small HTML page by default).
    fn response(&self) -> Response {
        let status = StatusCode::from_u16(self.status.unwrap_or(502)).unwrap_or(StatusCode::BAD_GATEWAY);
        let body = self.body.clone().unwrap_or_else(|| format!("<html><body><h1>{}</h1></body></html>", status.as_u16()));
        let mut r = html(status, body, self.content_type.as_deref().unwrap_or("text/html"));
        if status == StatusCode::TOO_MANY_REQUESTS {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        r
    }

    /// Replaces (or reshapes) the answer of a request that was handled.
    async fn after_handling(&self, resp: Response) -> Response {
        match self.kind {
            FaultKind::Status if self.after_commit => self.response(),
            FaultKind::Drop if self.after_commit => hang_up_response(),
            FaultKind::Truncate => {
                let status = resp.status();
                let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap_or_default();
                let half = bytes.slice(..bytes.len() / 2);
                (status, [(header::CONTENT_TYPE, "application/json")], half).into_response()
            }
            FaultKind::Empty => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], Body::empty()).into_response(),
            FaultKind::ContentType => {
                let mut r = resp;
                let ct = self.content_type.as_deref().unwrap_or("text/plain");
                r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap_or(HeaderValue::from_static("text/plain")));
                r
            }
            _ => resp,
        }
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

/// Plays the faults on an /api/v1 request, in this order: the first queued fault that
/// matches is taken; `--drop-rate`; a pre-commit `drop` or `status` fault (before the auth
/// check, like a proxy); `--fail-rate`; then the request is handled (after a `delay`
/// fault's wait) and a post-commit fault replaces or reshapes the answer.
pub async fn inject(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let fault = st.faults.take(req.method().as_str(), &original_path(&req));
    let cfg = &st.cfg;
    if cfg.drop_rate > 0.0 && fastrand::f64() < cfg.drop_rate {
        return hang_up_response();
    }
    if let Some(f) = fault.as_ref().filter(|f| !f.after_commit) {
        match f.kind {
            FaultKind::Drop => return hang_up_response(),
            FaultKind::Status => return f.response(),
            _ => {}
        }
    }
    if cfg.fail_rate > 0.0 && fastrand::f64() < cfg.fail_rate {
        return html(StatusCode::BAD_GATEWAY, HTML_502.to_string(), "text/html");
    }
    if let Some(f) = fault.as_ref().filter(|f| f.kind == FaultKind::Delay) {
        req.extensions_mut().insert(FaultDelay(f.ms.unwrap_or(0)));
    }
    let resp = next.run(req).await;
    let Some(f) = fault else {
        return resp;
    };
    let records = resp.extensions().get::<Records>().copied();
    let mut out = f.after_handling(resp).await;
    if let Some(r) = records {
        out.extensions_mut().insert(r);
    }
    out
}
