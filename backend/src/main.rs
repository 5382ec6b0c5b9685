//! `console`: the backend-for-frontend. See README.md for its settings.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "console_backend=info,localcloud=info,tower_http=warn".into()),
        )
        .init();
    let config = console_backend::config::Config::parse();
    match console_backend::run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("console: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
