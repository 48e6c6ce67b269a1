//! The application: its state (database, write slot, fault queue, request log) and the
//! router that puts the endpoints and their middleware together.

use crate::config::Config;
use crate::faults::{self, Faults};
use crate::layers;
use crate::reply::Records;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::value::RawValue;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

/// The request log keeps at most this many entries (oldest dropped).
pub const MAX_LOGGED: usize = 20_000;

/// One /api/v1 request as `GET /__admin/requests` shows it.
#[derive(Serialize, Clone)]
pub struct RequestLog {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: String,
    /// null when the connection was dropped without an answer.
    pub status: Option<u16>,
    pub records: usize,
    pub start_ms: f64,
    pub end_ms: f64,
    pub apiuser: Option<String>,
    pub apikey_ok: bool,
    pub content_type: Option<String>,
    pub body: Option<Box<RawValue>>,
}

pub struct AppState {
    pub cfg: Config,
    pub db: Arc<Mutex<Connection>>,
    pub writing: AtomicBool,
    pub faults: Faults,
    pub requests: Mutex<Vec<RequestLog>>,
    pub seq: AtomicU64,
    pub started: Instant,
}

/// Holds the write slot (see [`AppState::try_write`]).
pub struct WriteGuard<'a>(&'a AtomicBool);

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl AppState {
    pub fn new(cfg: Config, conn: Connection) -> Self {
        AppState {
            cfg,
            db: Arc::new(Mutex::new(conn)),
            writing: AtomicBool::new(false),
            faults: Faults::default(),
            requests: Mutex::new(Vec::new()),
            seq: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    /// Takes the tenant's one write slot, freed when the guard drops; `None` while taken.
    pub fn try_write(&self) -> Option<WriteGuard<'_>> {
        self.writing.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst).ok().map(|_| WriteGuard(&self.writing))
    }

    pub fn elapsed_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// Runs `f` on the database on the blocking pool.
    pub async fn with_db<T: Send + 'static>(&self, f: impl FnOnce(&mut Connection) -> T + Send + 'static) -> T {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut conn)
        })
        .await
        .expect("database task panicked")
    }

    /// Numbers the entry and appends it to the request log, dropping the oldest beyond
    /// [`MAX_LOGGED`].
    pub fn log_request(&self, mut entry: RequestLog) {
        entry.seq = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let mut log = self.requests.lock().unwrap();
        if log.len() >= MAX_LOGGED {
            log.remove(0);
        }
        log.push(entry);
    }
}

/// `/api/v1` ([`crate::api`]) and `/__admin` ([`crate::admin`]), each behind its
/// middleware; the static files of `--serve` (or a 404) elsewhere. CORS (answering
/// preflights itself) and the stderr line wrap everything.
pub fn router(state: Arc<AppState>) -> Router {
    let api = ServiceBuilder::new()
        .layer(middleware::from_fn(layers::hang_up))
        .layer(middleware::from_fn_with_state(state.clone(), layers::record))
        .layer(middleware::from_fn_with_state(state.clone(), faults::inject))
        .layer(middleware::from_fn(layers::authorize))
        .layer(middleware::map_request(layers::trim_slashes))
        .service(crate::api::routes().route_layer(middleware::from_fn_with_state(state.clone(), layers::gate)).with_state(state.clone()));
    let admin = ServiceBuilder::new()
        .layer(middleware::from_fn_with_state(state.clone(), crate::admin::guard))
        .layer(middleware::map_request(layers::trim_slashes))
        .service(crate::admin::routes().with_state(state.clone()));
    let mut app = Router::new().nest_service("/api/v1", api).nest_service("/__admin", admin);
    app = match &state.cfg.serve {
        Some(dir) => app.fallback_service(ServeDir::new(dir)),
        None => app.fallback(crate::api::not_found),
    };
    let origins: Vec<HeaderValue> = state.cfg.cors_origin.iter().filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()).collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([header::HeaderName::from_static("apiuser"), header::HeaderName::from_static("apikey"), header::CONTENT_TYPE])
        .max_age(Duration::from_secs(600));
    app.layer(cors).layer(middleware::from_fn(log_line))
}

/// One stderr line per request: method, path, status, ms, records. Never the apikey.
async fn log_line(req: Request, next: Next) -> Response {
    let t = Instant::now();
    let m = req.method().clone();
    let p = req.uri().path().to_string();
    let resp = next.run(req).await;
    let rec = resp.extensions().get::<Records>().map_or(0, |r| r.0);
    eprintln!("{m} {p} {} {:.1}ms records={rec}", resp.status().as_u16(), t.elapsed().as_secs_f64() * 1000.0);
    resp
}
