//! `localcloud`: the local cloud on its own, for the console or any Tencent
//! Cloud SDK (see CLOUD-API.md §4 for pointing an SDK at it).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use console_shared::tc3::Credential;

#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Address of the API (port 0 picks a free one).
    #[arg(long, env = "LOCALCLOUD_ADDR", default_value = "127.0.0.1:4566")]
    addr: SocketAddr,
    /// Address of the HTTP gateway that serves the services' domains.
    #[arg(long, env = "LOCALCLOUD_GATEWAY_ADDR", default_value = "127.0.0.1:8081")]
    gateway_addr: SocketAddr,
    /// Where the SQLite state lives.
    #[arg(long, env = "LOCALCLOUD_DATA_DIR", default_value = "./localcloud-data")]
    data_dir: PathBuf,
    /// The SecretId callers sign with.
    #[arg(long, env = "LOCALCLOUD_SECRET_ID", hide_env_values = true)]
    secret_id: String,
    /// Milliseconds each deploy step takes (realistic by default, for demonstrations).
    #[arg(long, env = "LOCALCLOUD_STEP_MS", default_value_t = 1500)]
    step_ms: u64,
    /// The SecretKey callers sign with.
    #[arg(long, env = "LOCALCLOUD_SECRET_KEY", hide_env_values = true)]
    secret_key: String,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "localcloud=info".into()),
        )
        .init();
    let args = Args::parse();
    let config = localcloud::Config {
        addr: args.addr,
        gateway_addr: args.gateway_addr,
        data_dir: args.data_dir,
        credentials: vec![Credential { secret_id: args.secret_id, secret_key: args.secret_key }],
        step_delay: std::time::Duration::from_millis(args.step_ms),
        package_max_bytes: console_shared::rules::PACKAGE_MAX_BYTES,
    };
    match localcloud::start(config).await {
        Ok(running) => {
            // Scripts read these two lines to find the ports when they passed port 0.
            println!("localcloud API listening on http://{}", running.api_addr);
            println!("localcloud gateway listening on http://{}", running.gateway_addr);
            let _ = tokio::signal::ctrl_c().await;
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("localcloud: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
