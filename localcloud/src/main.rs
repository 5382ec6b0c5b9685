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
    /// Address of the gateway's TLS listener, for custom domains bound with a certificate.
    #[arg(long, env = "LOCALCLOUD_GATEWAY_TLS_ADDR", default_value = "127.0.0.1:8443")]
    gateway_tls_addr: SocketAddr,
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
    /// Bytes of code packages one environment may keep (1 GiB by default).
    #[arg(long, env = "LOCALCLOUD_PACKAGE_QUOTA_BYTES", default_value_t = localcloud::DEFAULT_PACKAGE_QUOTA_BYTES)]
    package_quota_bytes: u64,
    /// Seconds without a request before a version with MinNum 0 scales to zero (R-INS-4).
    #[arg(long, env = "LOCALCLOUD_SCALE_TO_ZERO_AFTER_SECS", default_value_t = localcloud::DEFAULT_WINDOW_SECS)]
    scale_to_zero_after_secs: u64,
    /// Seconds a version that lost all its traffic keeps running (R-UPD-1).
    #[arg(long, env = "LOCALCLOUD_DRAIN_AFTER_SECS", default_value_t = localcloud::DEFAULT_WINDOW_SECS)]
    drain_after_secs: u64,
    /// Days runtime log lines are kept.
    #[arg(long, env = "LOCALCLOUD_LOG_RETENTION_DAYS", default_value_t = localcloud::DEFAULT_LOG_RETENTION_SECS / 86_400)]
    log_retention_days: u64,
}

fn main() -> std::process::ExitCode {
    // An instance's process (`localcloud::instance`) is this program too.
    if let Some(code) = localcloud::instance::run_if_asked() {
        return code;
    }
    serve()
}

#[tokio::main]
async fn serve() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "localcloud=info".into()),
        )
        .init();
    let args = Args::parse();
    let config = localcloud::Config {
        addr: args.addr,
        gateway_addr: args.gateway_addr,
        gateway_tls_addr: args.gateway_tls_addr,
        data_dir: args.data_dir,
        credentials: vec![Credential { secret_id: args.secret_id, secret_key: args.secret_key }],
        step_delay: std::time::Duration::from_millis(args.step_ms),
        package_max_bytes: console_shared::rules::PACKAGE_MAX_BYTES,
        package_quota_bytes_per_env: args.package_quota_bytes,
        scale_to_zero_after: std::time::Duration::from_secs(args.scale_to_zero_after_secs),
        drain_after: std::time::Duration::from_secs(args.drain_after_secs),
        instance_program: match std::env::current_exe() {
            Ok(program) => program,
            Err(e) => {
                eprintln!("localcloud: cannot find its own program to run instances with: {e}");
                return std::process::ExitCode::FAILURE;
            }
        },
        log_retention: std::time::Duration::from_secs(args.log_retention_days.saturating_mul(86_400)),
    };
    match localcloud::start(config).await {
        Ok(running) => {
            // Scripts read these lines to find the ports when they passed port 0.
            println!("localcloud API listening on http://{}", running.api_addr);
            println!("localcloud gateway listening on http://{}", running.gateway_addr);
            println!("localcloud TLS gateway listening on https://{}", running.gateway_tls_addr);
            stop_signal().await;
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("localcloud: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Ctrl-C, or SIGTERM (what service managers send). Returning ends the
/// runtime, and with it every deploy task and its build work.
async fn stop_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops localcloud");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
