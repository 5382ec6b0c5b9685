//! `console`: the backend-for-frontend. See README.md for its settings.

use clap::Parser;
use console_backend::config::Command;

fn main() -> std::process::ExitCode {
    // The embedded localcloud runs each instance as this program in its
    // instance mode (`localcloud::instance`).
    if let Some(code) = localcloud::instance::run_if_asked() {
        return code;
    }
    serve()
}

#[tokio::main]
async fn serve() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "console_backend=info,localcloud=info,tower_http=warn".into()),
        )
        .init();
    let config = console_backend::config::Config::parse();
    let outcome = match &config.command {
        Some(Command::Backup { file }) => console_backend::backup(&config.data_dir, file)
            .await
            .map(|()| println!("backed up {} to {}", config.data_dir.join("console.db").display(), file.display())),
        None => console_backend::run(config).await.map_err(|e| e.to_string()),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("console: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
