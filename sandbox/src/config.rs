//! Command line flags (clap). Environment variables LOCKT_SANDBOX_APIUSER /
//! LOCKT_SANDBOX_APIKEY set the key pair.

use crate::seed::Seed;
use clap::Parser;
use std::path::PathBuf;

/// The reference's example credential pair.
pub const DEFAULT_APIUSER: &str = "9r8ehveyb5h8mnwwet4yf9ugjynz8pkn";
pub const DEFAULT_APIKEY: &str = "hqx7wde64vwe987fvg6q4zaautrs3p7j";

fn rate(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("not a number: {s}"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err("must be between 0 and 1".into())
    }
}

fn non_negative(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("not a number: {s}"))?;
    if v >= 0.0 && v.is_finite() {
        Ok(v)
    } else {
        Err("must be >= 0".into())
    }
}

/// Local server implementing the Lockt SecureAccess Cloud API v1 (sandbox).
/// Prints the API base URL as the first stdout line; logs go to stderr.
#[derive(Parser, Debug, Clone)]
#[command(name = "lockt-sandbox", version, about)]
pub struct Config {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to bind (0 picks a free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Accepted `apiuser` header value.
    #[arg(long, env = "LOCKT_SANDBOX_APIUSER", default_value = DEFAULT_APIUSER)]
    pub api_user: String,
    /// Accepted `apikey` header value.
    #[arg(long, env = "LOCKT_SANDBOX_APIKEY", default_value = DEFAULT_APIKEY, hide_env_values = true)]
    pub api_key: String,
    /// SQLite file to keep state in (default: in memory). A file that was seeded
    /// before is not seeded again.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Initial data: demo or empty.
    #[arg(long, default_value = "demo")]
    pub seed: Seed,
    /// Append simulated access events at this many per second.
    #[arg(long, default_value_t = 0.0, value_parser = non_negative)]
    pub simulate_traffic: f64,
    /// Serve static files from this directory at `/` (index.html at `/`).
    #[arg(long)]
    pub serve: Option<PathBuf>,
    /// Allow CORS from this origin (repeatable). No origin is allowed by default.
    #[arg(long = "cors-origin")]
    pub cors_origin: Vec<String>,
    /// Added latency for every /api/v1 request (ms).
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Time each write (POST/PUT) holds the tenant's write slot before it is processed (ms),
    /// so that writers from several clients overlap (and get 429) as against the real service.
    #[arg(long, default_value_t = 0)]
    pub write_hold_ms: u64,
    /// Answer an overlapping write's 429 without `Retry-After` (the reference documents none;
    /// by default the sandbox sends `Retry-After: 1`).
    #[arg(long)]
    pub no_retry_after: bool,
    /// Fraction (0..1) of /api/v1 requests answered 502 with an HTML body.
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    pub fail_rate: f64,
    /// Fraction (0..1) of /api/v1 requests whose connection is closed without an answer.
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    pub drop_rate: f64,
    /// Answer `GET /events?id=N` with this many events at or before N as well (ids above
    /// N minus this): an overlapping window, as the reference's "starting with" allows.
    #[arg(long, default_value_t = 0)]
    pub events_overlap: u64,
    /// Answer `GET /events?id=N` newest first, as the reference's examples do.
    #[arg(long)]
    pub events_newest_first: bool,
    /// Enable the /__admin API (loopback peers only).
    #[arg(long)]
    pub admin: bool,
}

impl Config {
    /// Flags as given on a command line (without the program name).
    pub fn from_args<I: IntoIterator<Item = S>, S: Into<std::ffi::OsString> + Clone>(args: I) -> Result<Config, clap::Error> {
        let all = std::iter::once(std::ffi::OsString::from("lockt-sandbox")).chain(args.into_iter().map(Into::into));
        Config::try_parse_from(all)
    }
}
