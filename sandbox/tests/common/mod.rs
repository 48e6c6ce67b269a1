//! Test helpers: start the built binary on port 0 and talk real HTTP with ureq.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const USER: &str = "9r8ehveyb5h8mnwwet4yf9ugjynz8pkn";
pub const KEY: &str = "hqx7wde64vwe987fvg6q4zaautrs3p7j";

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/api/v1`
    pub base: String,
    /// `http://127.0.0.1:PORT`
    pub root: String,
    agent: ureq::Agent,
}

pub struct Resp {
    pub status: u16,
    pub ctype: String,
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub fn fixture(name: &str) -> String {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reference/");
    std::fs::read_to_string(format!("{p}{name}")).unwrap()
}

pub fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        Server::start_env(args, &[])
    }

    pub fn start_env(args: &[&str], envs: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lockt-sandbox"))
            .args(["--port", "0"])
            .args(args)
            .env_remove("LOCKT_SANDBOX_APIUSER")
            .env_remove("LOCKT_SANDBOX_APIKEY")
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn lockt-sandbox");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let base = line.trim().to_string();
        assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/api/v1"), "first stdout line: {base:?}");
        let root = base.trim_end_matches("/api/v1").to_string();
        let agent = ureq::AgentBuilder::new().max_idle_connections(0).timeout(Duration::from_secs(30)).build();
        Server { child, base, root, agent }
    }

    /// Any request; `Err` is a transport error (e.g. the connection was closed).
    pub fn raw(&self, method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Result<Resp, String> {
        let mut req = self.agent.request(method, url);
        for (k, v) in headers {
            req = req.set(k, v);
        }
        let res = match body {
            Some(b) => req.send_string(b),
            None => req.call(),
        };
        let resp = match res {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(e.to_string()),
        };
        let status = resp.status();
        let headers = resp
            .headers_names()
            .into_iter()
            .map(|n| {
                let v = resp.header(&n).unwrap_or("").to_string();
                (n, v)
            })
            .collect();
        let ctype = resp.header("content-type").unwrap_or("").to_string();
        let text = resp.into_string().map_err(|e| e.to_string())?;
        Ok(Resp { status, ctype, headers, text })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    pub fn get(&self, path: &str) -> Resp {
        self.raw("GET", &self.url(path), &[("apiuser", USER), ("apikey", KEY)], None).unwrap()
    }

    /// GET and return the `data` array.
    pub fn list(&self, path: &str) -> Vec<Value> {
        let r = self.get(path);
        assert_eq!(r.status, 200, "GET {path}: {}", r.text);
        r.json()["data"].as_array().unwrap().clone()
    }

    pub fn send(&self, method: &str, path: &str, body: &str) -> Resp {
        self.raw(method, &self.url(path), &[("apiuser", USER), ("apikey", KEY), ("content-type", "application/json")], Some(body)).unwrap()
    }

    pub fn post(&self, path: &str, body: &Value) -> Resp {
        self.send("POST", path, &body.to_string())
    }

    pub fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        let url = format!("{}/__admin/{}", self.root, path);
        let b = body.map(|b| b.to_string());
        self.raw(method, &url, &[("content-type", "application/json")], b.as_deref()).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Finds the record with this id in a list.
pub fn by_id(list: &[Value], id: i64) -> Value {
    list.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no record {id}")).clone()
}

/// Every key of `expected` has the same value in `actual`.
pub fn assert_subset(actual: &Value, expected: &Value) {
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(&actual[k], v, "field {k} of {actual}");
    }
}

pub fn summary(r: &Resp) -> (u64, u64, u64, u64) {
    let d = &r.json()["data"];
    (d["submitted"].as_u64().unwrap(), d["inserted"].as_u64().unwrap(), d["updated"].as_u64().unwrap(), d["errors"].as_u64().unwrap())
}
