use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cfg = lockt_sandbox::Config::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lockt-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async {
        let running = match lockt_sandbox::start(cfg).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("lockt-sandbox: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", running.base_url());
        let _ = out.flush();
        drop(out);
        eprintln!("lockt-sandbox listening on {}", running.base_url());
        tokio::select! {
            _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
            _ = running.task => ExitCode::FAILURE,
        }
    })
}
