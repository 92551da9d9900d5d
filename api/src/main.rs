//! `runbook-api`: the read-only API alone, for its container image. The
//! same server as `runbook api`, without the site generator (no theme, no
//! wasm build).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Serve the read-only API the live panels call (SLOs from Prometheus,
/// workloads from Kubernetes, or the demo), cached and coalesced.
#[derive(Parser)]
#[command(name = "runbook-api", version)]
struct Cli {
    /// The API configuration (YAML); see deploy/api.example.yaml.
    #[arg(long)]
    config: PathBuf,
    /// Address to listen on [default: the file's `bind:`, else 127.0.0.1:8787].
    #[arg(long)]
    bind: Option<std::net::SocketAddr>,
}

fn main() -> ExitCode {
    runbook_api::init_tracing();
    let cli = Cli::parse();
    match runbook_api::run(&cli.config, cli.bind) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
