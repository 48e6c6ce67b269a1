//! `lockt-sandbox`: a local HTTP server implementing the Lockt SecureAccess Cloud API v1.
//!
//! Module layout: [`config`] flags, [`app`] state and router, [`api`] the /api/v1
//! endpoints, [`layers`] their middleware (log, auth, write slot, latency), [`faults`]
//! fault injection, [`reply`] messages and envelopes, [`db`] schema and reads, [`writes`]
//! batch writes, [`validate`] input checks, [`seed`] demo data, [`admin`] the /__admin
//! API. See README.md for the decisions taken where the reference is silent or
//! contradictory.

pub mod admin;
pub mod api;
pub mod app;
pub mod config;
pub mod db;
pub mod faults;
pub mod layers;
pub mod reply;
pub mod seed;
pub mod validate;
pub mod writes;

pub use app::AppState;
pub use config::Config;

use axum::extract::ConnectInfo;
use hyper_util::rt::TokioIo;
use rusqlite::Connection;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    pub task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// `http://HOST:PORT/api/v1`
    pub fn base_url(&self) -> String {
        base_url(self.addr)
    }
}

pub fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}/api/v1")
}

/// Opens (and if needed seeds) the database named by the config.
pub fn open_db(cfg: &Config) -> Result<Connection, Error> {
    let mut conn = match &cfg.db {
        Some(path) => {
            let c = Connection::open(path)?;
            c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
            c
        }
        None => Connection::open_in_memory()?,
    };
    conn.busy_timeout(Duration::from_secs(5))?;
    seed::init(&mut conn, cfg.seed)?;
    Ok(conn)
}

/// Binds, seeds and starts serving (plus simulated traffic when asked) on the
/// current tokio runtime.
pub async fn start(cfg: Config) -> Result<Running, Error> {
    let listener = TcpListener::bind((cfg.host.as_str(), cfg.port)).await?;
    let addr = listener.local_addr()?;
    let conn = open_db(&cfg)?;
    let rate = cfg.simulate_traffic;
    let state = Arc::new(AppState::new(cfg, conn));
    if rate > 0.0 {
        tokio::spawn(simulate_traffic(state.clone(), rate));
    }
    let app = app::router(state.clone());
    let task = tokio::spawn(serve(listener, app));
    Ok(Running { addr, state, task })
}

/// Accept loop. Each connection is served by hyper (HTTP/1.1); a handler can close
/// its connection without answering through the [`layers::ConnKill`] request extension.
pub async fn serve(listener: TcpListener, app: axum::Router) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            let kill = Arc::new(Notify::new());
            let k = kill.clone();
            let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(layers::ConnKill(k.clone()));
                req.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
            let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
            }
        });
    }
}

/// Appends access granted/denied events at `rate` per second (checked every 100 ms).
async fn simulate_traffic(state: Arc<AppState>, rate: f64) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let mut due = 0.0f64;
    loop {
        tick.tick().await;
        due += rate / 10.0;
        let n = due.floor() as usize;
        if n == 0 {
            continue;
        }
        due -= n as f64;
        let n = n.min(10_000);
        if let Err(e) = state.with_db(move |c| seed::append_access_events(c, n)).await {
            eprintln!("simulate-traffic: {e}");
        }
    }
}
