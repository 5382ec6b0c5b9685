//! Settings: each a `--flag` and an environment variable (ARCHITECTURE.md).

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Parser)]
#[command(name = "console", version, about = "Web console for CloudBase Run")]
pub struct Config {
    /// Where the console listens (port 0 picks a free port).
    #[arg(long, env = "CONSOLE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// SQLite files and generated keys.
    #[arg(long, env = "CONSOLE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// The built SPA (Trunk's output).
    #[arg(long, env = "CONSOLE_DIST_DIR", default_value = "./dist")]
    pub dist_dir: PathBuf,
    /// The first admin's password, used only when no user exists yet.
    #[arg(long, env = "CONSOLE_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Upstream cloud API host[:port]; unset means the embedded localcloud
    /// (or Tencent Cloud's `<product>.tencentcloudapi.com` when a key pair is set).
    #[arg(long, env = "CLOUD_ENDPOINT")]
    pub cloud_endpoint: Option<String>,
    /// `http` or `https` for CLOUD_ENDPOINT (default https).
    #[arg(long, env = "CLOUD_SCHEME", default_value = "https")]
    pub cloud_scheme: String,
    /// Upstream SecretId; with CLOUD_SECRET_KEY it selects a real cloud.
    #[arg(long, env = "CLOUD_SECRET_ID", hide_env_values = true)]
    pub cloud_secret_id: Option<String>,
    /// Upstream SecretKey.
    #[arg(long, env = "CLOUD_SECRET_KEY", hide_env_values = true)]
    pub cloud_secret_key: Option<String>,
    /// Upper bound, in seconds, on one upstream call.
    #[arg(long, env = "CLOUD_TIMEOUT_SECS", default_value_t = 15)]
    pub cloud_timeout_secs: u64,
    /// The embedded localcloud's API.
    #[arg(long, env = "LOCALCLOUD_ADDR", default_value = "127.0.0.1:4566")]
    pub localcloud_addr: SocketAddr,
    /// The embedded localcloud's HTTP gateway.
    #[arg(long, env = "LOCALCLOUD_GATEWAY_ADDR", default_value = "127.0.0.1:8081")]
    pub localcloud_gateway_addr: SocketAddr,
    /// The embedded localcloud's TLS gateway, for custom domains bound with a certificate.
    #[arg(long, env = "LOCALCLOUD_GATEWAY_TLS_ADDR", default_value = "127.0.0.1:8443")]
    pub localcloud_gateway_tls_addr: SocketAddr,
    /// Milliseconds each step of an embedded-localcloud deploy takes.
    #[arg(long, env = "LOCALCLOUD_STEP_MS", default_value_t = 1500)]
    pub localcloud_step_ms: u64,
    /// Bytes of code packages the embedded localcloud keeps per environment.
    #[arg(long, env = "LOCALCLOUD_PACKAGE_QUOTA_BYTES", default_value_t = localcloud::DEFAULT_PACKAGE_QUOTA_BYTES)]
    pub localcloud_package_quota_bytes: u64,
    /// Seconds without a request before an embedded-localcloud version with MinNum 0 scales to zero.
    #[arg(long, env = "LOCALCLOUD_SCALE_TO_ZERO_AFTER_SECS", default_value_t = localcloud::DEFAULT_WINDOW_SECS)]
    pub scale_to_zero_after_secs: u64,
    /// Seconds an embedded-localcloud version that lost all its traffic keeps running.
    #[arg(long, env = "LOCALCLOUD_DRAIN_AFTER_SECS", default_value_t = localcloud::DEFAULT_WINDOW_SECS)]
    pub drain_after_secs: u64,
    /// Days the embedded localcloud keeps runtime log lines.
    #[arg(long, env = "LOCALCLOUD_LOG_RETENTION_DAYS", default_value_t = localcloud::DEFAULT_LOG_RETENTION_SECS / 86_400)]
    pub log_retention_days: u64,
    /// The program the embedded localcloud's instances run (this console's
    /// own binary unless set; tests point it at the built `console`).
    #[arg(long, env = "LOCALCLOUD_INSTANCE_PROGRAM", hide = true)]
    pub localcloud_instance_program: Option<PathBuf>,
    /// Sessions end after this many minutes without a request.
    #[arg(long, env = "CONSOLE_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,
    /// Sessions end this many hours after login, whatever the activity.
    #[arg(long, env = "CONSOLE_SESSION_ABSOLUTE_HOURS", default_value_t = 12)]
    pub session_absolute_hours: i64,
    /// Seed a fresh embedded cloud with an environment, services and deploy
    /// history, for demonstrations (ignored with a real cloud).
    #[arg(long, env = "CONSOLE_DEMO", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub demo: bool,
    /// Set when users reach the console over https (a TLS-terminating proxy in
    /// front): cookies get `Secure` and responses carry HSTS.
    #[arg(long, env = "CONSOLE_BEHIND_TLS", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub behind_tls: bool,
    /// Failed sign-ins allowed per account from one address within the window.
    #[arg(long, env = "CONSOLE_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: usize,
    /// Failed sign-ins allowed from one address within the window, any account.
    #[arg(long, env = "CONSOLE_LOGIN_MAX_FAILURES_PER_IP", default_value_t = 20)]
    pub login_max_failures_per_ip: usize,
    /// The sliding window of the sign-in limits, in minutes.
    #[arg(long, env = "CONSOLE_LOGIN_WINDOW_MINUTES", default_value_t = 15)]
    pub login_window_minutes: i64,
    /// Largest code package accepted for upload, in bytes (R-DEP-2).
    #[arg(long, env = "CONSOLE_UPLOAD_MAX_BYTES", default_value_t = console_shared::rules::PACKAGE_MAX_BYTES)]
    pub upload_max_bytes: u64,
    /// The address users reach the console by, e.g. `https://console.example.com`: its host is accepted in
    /// `Host` (besides IP literals and `localhost`) and its origin is the only one accepted in `Origin`.
    #[arg(long, env = "CONSOLE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Reverse proxies (addresses or CIDRs, comma-separated) whose `X-Forwarded-For` names the client.
    #[arg(long, env = "CONSOLE_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_net)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Connections served at once; more wait in the kernel's backlog.
    #[arg(long, env = "CONSOLE_MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,
    /// Connections one client address (an IPv6 /64) may hold; trusted proxies are exempt.
    #[arg(long, env = "CONSOLE_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 64)]
    pub max_connections_per_address: usize,
    /// Live deploy streams one user may watch at once.
    #[arg(long, env = "CONSOLE_MAX_STREAMS_PER_USER", default_value_t = 16)]
    pub max_streams_per_user: usize,
    /// Upper bound, in seconds, on one request (live streams and uploads excepted), and on a request's head.
    #[arg(long, env = "CONSOLE_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Sessions one user may hold at once; a new sign-in ends the oldest beyond it.
    #[arg(long, env = "CONSOLE_MAX_SESSIONS_PER_USER", default_value_t = 10)]
    pub max_sessions_per_user: i64,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What `console` does instead of serving.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Writes an online, consistent copy of the console's database to FILE (safe while the console runs).
    Backup {
        /// Where the copy goes; it must not exist yet.
        file: PathBuf,
    },
}

/// `10.0.0.1` or `10.0.0.0/8`.
fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{s}` is not an IP address or CIDR"))
}

// Switches take `1`/`0`, `yes`/`no`, `on`/`off` or `true`/`false` from the
// environment (`CONSOLE_DEMO=1`), and no value on the command line (`--demo`).

impl Config {
    /// Defaults for tests: free ports, the given directories.
    pub fn for_tests(data_dir: PathBuf, dist_dir: PathBuf) -> Self {
        use clap::Parser;
        let mut c = Config::parse_from(["console"]);
        c.addr = "127.0.0.1:0".parse().expect("literal address");
        c.localcloud_addr = c.addr;
        c.localcloud_gateway_addr = c.addr;
        c.localcloud_gateway_tls_addr = c.addr;
        c.data_dir = data_dir;
        c.dist_dir = dist_dir;
        c.admin_password = Some("admin-password-for-tests".into());
        c.cloud_endpoint = None;
        c.cloud_secret_id = None;
        c.cloud_secret_key = None;
        c.localcloud_step_ms = 20;
        // The embedded localcloud's instances run the built `console`: tests
        // run from `target/<profile>/deps/`, the binary is `target/<profile>/console`
        // (cargo builds it for the integration tests). The test binary itself
        // has no instance mode.
        c.localcloud_instance_program = std::env::current_exe()
            .ok()
            .and_then(|test| Some(test.parent()?.parent()?.join(format!("console{}", std::env::consts::EXE_SUFFIX))));
        c
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Config;

    #[test]
    fn switches_need_no_value_on_the_command_line() {
        let c = Config::try_parse_from(["console", "--demo", "--behind-tls"]).unwrap();
        assert!(c.demo && c.behind_tls);
        let c = Config::try_parse_from(["console"]).unwrap();
        assert!(!c.demo || std::env::var_os("CONSOLE_DEMO").is_some());
    }
}
