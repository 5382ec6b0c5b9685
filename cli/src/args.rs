//! The command line, as the product guide's `tcb run …` (R-CLI-1) and the
//! `tcb cloudrun …` release commands name it: same words, same options, so
//! a user's habits and scripts carry over. Parsing only; each command's
//! work is in `commands/`.

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tcbr",
    version,
    about = "CloudBase Run from the command line: deploy, configure and release services.",
    long_about = "CloudBase Run from the command line: deploy, configure and release services.\n\n\
Two ways to reach the cloud:\n  \
through the console: TCBR_CONSOLE=https://console.example.com and TCBR_TOKEN=tcbr_pat_… (a personal access token from the Account page);\n  \
straight to the cloud: TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (and TCBR_ENDPOINT for a local cloud).\n\n\
HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Where calls go, and how answers are printed: valid before or after the command.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Where calls go")]
pub struct Global {
    /// The console to go through (its URL); needs TCBR_TOKEN.
    #[arg(long, env = "TCBR_CONSOLE", global = true, value_name = "URL")]
    pub console: Option<String>,
    /// Straight to the cloud: the key pair's SecretId.
    #[arg(long = "secret-id", env = "TENCENTCLOUD_SECRETID", global = true, hide_env_values = true)]
    pub secret_id: Option<String>,
    /// Straight to the cloud: the key pair's SecretKey.
    #[arg(long = "secret-key", env = "TENCENTCLOUD_SECRETKEY", global = true, hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Straight to the cloud: send every product to this one host, e.g. http://127.0.0.1:4566 for a local cloud.
    #[arg(long, env = "TCBR_ENDPOINT", global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Region, straight to the cloud: sh (ap-shanghai), gz (ap-guangzhou) or bj (ap-beijing). Through the console each environment's own region is used.
    #[arg(short = 'r', long = "region", global = true, default_value = "sh")]
    pub region: String,
    /// Print machine-readable JSON: {"code":0,"errmsg":"success","data":…}.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The product guide's commands: list, create, deploy and configure services.
    Run {
        #[command(subcommand)]
        command: RunCommand,
    },
    /// Releases: traffic, versions, deploy records, logs, details, deletion.
    Cloudrun {
        #[command(subcommand)]
        command: CloudrunCommand,
    },
    /// Search a service's logs.
    Logs {
        #[command(subcommand)]
        command: LogsCommand,
    },
}

/// `-e/--envId`, and `-s/--serviceName` where a command needs one service.
#[derive(Debug, Args, Clone)]
pub struct Env {
    /// The environment id.
    #[arg(short = 'e', long = "envId", value_name = "ENV_ID")]
    pub env_id: String,
}

#[derive(Debug, Args, Clone)]
pub struct Service {
    /// The environment id.
    #[arg(short = 'e', long = "envId", value_name = "ENV_ID")]
    pub env_id: String,
    /// The service's name.
    #[arg(short = 's', long = "serviceName", value_name = "NAME")]
    pub service_name: String,
}

#[derive(Debug, Subcommand)]
pub enum RunCommand {
    /// List the environment's services.
    #[command(name = "service:list")]
    ServiceList {
        #[command(flatten)]
        env: Env,
        /// Only this service.
        #[arg(short = 's', long = "serviceName")]
        service_name: Option<String>,
    },
    /// Create a service, and deploy its first version when --path or --custom_image is given.
    #[command(name = "service:create")]
    ServiceCreate {
        #[command(flatten)]
        service: Service,
        #[command(flatten)]
        deploy: DeployOpts,
    },
    /// Deploy a new version of an existing service.
    #[command(name = "service:deploy")]
    ServiceDeploy {
        #[command(flatten)]
        service: Service,
        #[command(flatten)]
        deploy: DeployOpts,
    },
    /// Deploy: create the service if it does not exist, update it if it does.
    Deploy {
        #[command(flatten)]
        service: Service,
        #[command(flatten)]
        deploy: DeployOpts,
    },
    /// Change a service's settings (a new version with the online one's image); applies without asking.
    #[command(name = "service:config")]
    ServiceConfig {
        #[command(flatten)]
        service: Service,
        #[command(flatten)]
        config: Config,
    },
}

/// What a version runs with: the guide's options for `service:config`.
#[derive(Debug, Args, Clone, Default)]
pub struct Config {
    /// CPU cores, e.g. 0.25, 0.5, 1, 2.
    #[arg(long)]
    pub cpu: Option<f64>,
    /// Memory in GiB, e.g. 0.5, 1, 2, 4.
    #[arg(long)]
    pub mem: Option<f64>,
    /// Fewest instances (0: scales to zero).
    #[arg(long = "minNum")]
    pub min_num: Option<i64>,
    /// Most instances.
    #[arg(long = "maxNum")]
    pub max_num: Option<i64>,
    /// Scaling thresholds: cpu=60&mem=60, or the API's JSON list.
    #[arg(long = "policyDetails")]
    pub policy_details: Option<String>,
    /// Log collection: stdout, none, or a file path inside the container.
    #[arg(long = "customLogs")]
    pub custom_logs: Option<String>,
    /// Environment variables: a=1&b=2 (merged over the current ones; new keys win).
    #[arg(long = "envParams")]
    pub env_params: Option<String>,
}

/// The guide's deploy options.
#[derive(Debug, Args, Clone, Default)]
pub struct DeployOpts {
    #[command(flatten)]
    pub config: Config,
    /// Deploy this directory as the build context (a Dockerfile inside); .git is skipped and .dockerignore honoured.
    #[arg(long, conflicts_with = "custom_image")]
    pub path: Option<std::path::PathBuf>,
    /// Deploy this image instead of building one.
    #[arg(long = "custom_image", value_name = "IMAGE")]
    pub custom_image: Option<String>,
    /// The port the container listens on.
    #[arg(long = "containerPort")]
    pub container_port: Option<i64>,
    /// A note kept with the version.
    #[arg(long)]
    pub remark: Option<String>,
    /// The build directory inside the package (default: its root).
    #[arg(long = "targetDir")]
    pub target_dir: Option<String>,
    /// The Dockerfile's name (default: Dockerfile).
    #[arg(long)]
    pub dockerfile: Option<String>,
    /// Keep the previous version's values for every option not given.
    #[arg(long = "override")]
    pub keep_previous: bool,
    /// Deploy without asking for confirmation (needed without a terminal).
    #[arg(long = "noConfirm")]
    pub no_confirm: bool,
    /// Start a gray release: the new version comes online with 0 % of the traffic.
    #[arg(long)]
    pub gray: bool,
}

#[derive(Debug, Subcommand)]
pub enum CloudrunCommand {
    /// Split traffic during a gray release (--stable N --canary M), or end it.
    #[command(args_conflicts_with_subcommands = true)]
    Traffic {
        #[command(subcommand)]
        command: Option<TrafficCommand>,
        #[command(flatten)]
        split: TrafficSplit,
    },
    /// Roll back to an older version, or delete versions.
    Version {
        #[command(subcommand)]
        command: VersionCommand,
    },
    /// Deploy records.
    Record {
        #[command(subcommand)]
        command: RecordCommand,
    },
    /// A deploy's process log or build log.
    Logs {
        #[command(subcommand)]
        command: CloudrunLogsCommand,
    },
    /// A service's details: online versions, their traffic, its domain.
    Detail {
        #[command(flatten)]
        service: Service,
    },
    /// Delete a service and all its versions.
    Delete {
        #[command(flatten)]
        service: Service,
        /// Delete without asking (needed without a terminal).
        #[arg(long = "noConfirm")]
        no_confirm: bool,
    },
}

#[derive(Debug, Args, Clone)]
pub struct TrafficSplit {
    /// The environment id.
    #[arg(short = 'e', long = "envId")]
    pub env_id: Option<String>,
    /// The service's name.
    #[arg(short = 's', long = "serviceName")]
    pub service_name: Option<String>,
    /// Percent for the stable (current) version.
    #[arg(long)]
    pub stable: Option<i64>,
    /// Percent for the canary (new) version; stable + canary = 100.
    #[arg(long)]
    pub canary: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum TrafficCommand {
    /// Finish the gray release: the new version takes all traffic.
    Promote {
        #[command(flatten)]
        service: Service,
    },
    /// Abandon the gray release: the stable version takes all traffic back.
    Rollback {
        #[command(flatten)]
        service: Service,
    },
}

#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// Put an older version back online.
    Rollback {
        #[command(flatten)]
        service: Service,
        #[arg(long = "rollback-version-name", value_name = "VERSION")]
        rollback_version_name: String,
    },
    /// Delete versions that serve no traffic.
    Delete {
        #[command(flatten)]
        service: Service,
        /// Comma-separated: a,b.
        #[arg(long = "version-names", value_delimiter = ',', required = true)]
        version_names: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// List the service's deploy records (RunId and BuildId for `cloudrun logs`).
    List {
        #[command(flatten)]
        service: Service,
    },
}

#[derive(Debug, Subcommand)]
pub enum CloudrunLogsCommand {
    /// A deploy's process log.
    Process {
        #[command(flatten)]
        service: Service,
        #[arg(long = "run-id")]
        run_id: String,
    },
    /// A deploy's build log.
    Build {
        #[command(flatten)]
        service: Service,
        #[arg(long = "build-id")]
        build_id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum LogsCommand {
    /// Search logs, newest first: terms, "phrases", AND/OR/NOT, field:value.
    Search {
        #[command(flatten)]
        env: Env,
        /// Only this service's logs.
        #[arg(short = 's', long = "serviceName")]
        service_name: Option<String>,
        /// The query.
        #[arg(short = 'q', long = "query", default_value = "")]
        query: String,
        /// How far back: 30m, 1h, 24h, 7d.
        #[arg(short = 't', long = "time", default_value = "1h")]
        time: String,
        /// Lines at most (1–100).
        #[arg(short = 'n', long = "limit", default_value_t = 100)]
        limit: i64,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
