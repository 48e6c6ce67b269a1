//! The fuzz targets driven by a plain random loop, for machines without cargo-fuzz or a
//! nightly compiler: mutations (byte flips, insertions, deletions, splices of JSON and CSV
//! tokens, deep nesting) of the seed corpus, for FUZZ_SECONDS (default 5) per target.
//!
//!   FUZZ_SECONDS=20 cargo test --manifest-path fuzz/Cargo.toml --no-default-features --release
//!
//! Much weaker than libFuzzer (no coverage feedback), but it runs on stable Rust. A failing
//! input is written to fuzz/artifacts/<target>/random-<n> before the panic is re-raised.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TOKENS: &[&[u8]] = &[
    b"{", b"}", b"[", b"]", b",", b":", b"\"", b"\\", b"\\u0000", b"\\ud800", b"null", b"true", b"false", b"0", b"-1",
    b"1e999", b"18446744073709551616", b"\"data\":", b"\"errors\":", b"\"error\":", b"\"result\":", b"\"input_data\":",
    b"\"submitted\":", b"\"id\":", b"\"id_num\":", b"\"card_num\":", b"\"email\":", b"\"name\":", b"\"accesslevels\":",
    b"\"access_expires\":", b"\"2022-02-30\"", b"\"__proto__\":", b"\"constructor\":", b"\"Unable to locate template\"",
    b"\n", b"\r\n", b"\r", b"\xef\xbb\xbf", b"\xff", b"\xc3\xa9", b"\"\xe2\x80\xae\"", b"id_num,email,card_num\n",
    b"first_name,last_name\n", b"\"a\"\"b\"", b",,,,,,",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => data.splice(at..at, TOKENS[rng.below(TOKENS.len())].iter().copied()).for_each(drop),
            2 if !data.is_empty() => {
                let end = (at + rng.below(16)).min(data.len());
                data.drain(at..end);
            }
            3 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                let to = (from + rng.below(64)).min(other.len());
                data.splice(at..at, other[from..to].iter().copied()).for_each(drop);
            }
            4 => data.truncate(at),
            5 => {
                let depth = 1 + rng.below(3000);
                let (open, close) = if rng.below(2) == 0 { (b'[', b']') } else { (b'{', b'}') };
                let mut nest = Vec::new();
                for _ in 0..depth {
                    nest.push(open);
                    if open == b'{' {
                        nest.extend_from_slice(b"\"a\":");
                    }
                }
                nest.extend_from_slice(b"1");
                nest.extend(std::iter::repeat(close).take(depth));
                data.splice(at..at, nest).for_each(drop);
            }
            _ => {
                let n = rng.below(100_000);
                data.splice(at..at, std::iter::repeat(b'x').take(n)).for_each(drop);
            }
        }
    }
    data
}

fn seeds(dirs: &[&str]) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![Vec::new()];
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for e in entries.flatten() {
            if e.path().is_file() {
                out.push(std::fs::read(e.path()).unwrap_or_default());
            }
        }
    }
    out
}

fn drive(name: &str, target: fn(&[u8]), seed_dirs: &[&str]) {
    let secs: u64 = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let seeds = seeds(seed_dirs);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ std::process::id() as u64 ^ Instant::now().elapsed().as_nanos() as u64 | 1);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut runs = 0u64;
    for s in &seeds {
        target(s);
    }
    while Instant::now() < deadline {
        let input = mutate(&mut rng, &seeds);
        if let Err(panic) = std::panic::catch_unwind(|| target(&input)) {
            let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts").join(name);
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("random-{runs}"));
            let _ = std::fs::write(&file, &input);
            eprintln!("{name}: panic on input saved to {}", file.display());
            std::panic::resume_unwind(panic);
        }
        runs += 1;
    }
    eprintln!("{name}: {runs} random inputs in {secs} s, no panic");
}

#[test]
fn parse_responses() {
    drive("parse_responses", lockt_secureaccess_fuzz::parse_responses, &["../fixtures/reference", "corpus/parse_responses"]);
}

#[test]
fn validators() {
    drive("validators", lockt_secureaccess_fuzz::validators, &["../fixtures/reference", "corpus/validators"]);
}

#[test]
fn csv_users() {
    drive("csv_users", lockt_secureaccess_fuzz::csv_users, &["seeds/csv_users", "corpus/csv_users"]);
}
