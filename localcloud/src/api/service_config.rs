//! A service's configuration as a request sets it: the deprecated
//! `ServerConfig` object, then `Items` over it, on the defaults of
//! R-INS-2/R-INS-3, each value checked with the shared rules. Every
//! documented key is kept; one localcloud cannot honour is refused.

use console_shared::actions::{DiffConfigItem, ServerBaseConfig};
use console_shared::api::CloudError;
use console_shared::defaults;
use console_shared::rules;
use console_shared::vocab::{ConfigKey, PolicyType};

/// Reads the deprecated `ServerConfig`, then `Items`, over the defaults of
/// R-INS-2/R-INS-3 and validates each value with the shared rules.
pub(crate) fn config_from(
    env: &str,
    name: &str,
    server_config: Option<&ServerBaseConfig>,
    items: &[DiffConfigItem],
) -> Result<ServerBaseConfig, CloudError> {
    config_over(defaults::service_config(env, name), server_config, items)
}

/// The fields the deprecated `ServerConfig` sets (non-empty, non-zero) over `base`.
fn with_server_config(base: ServerBaseConfig, given: &ServerBaseConfig) -> ServerBaseConfig {
    let text = |given: &String, base: String| if given.is_empty() { base } else { given.clone() };
    let list = |given: &Vec<String>, base: Vec<String>| if given.is_empty() { base } else { given.clone() };
    ServerBaseConfig {
        env_id: base.env_id,
        server_name: base.server_name,
        create_time: base.create_time,
        open_access_types: list(&given.open_access_types, base.open_access_types),
        cpu: if given.cpu > 0.0 { given.cpu } else { base.cpu },
        mem: if given.mem > 0.0 { given.mem } else { base.mem },
        // Zero instances is a real choice (R-INS-3): a ServerConfig names both.
        min_num: given.min_num,
        max_num: if given.max_num > 0 { given.max_num } else { base.max_num },
        policy_details: if given.policy_details.is_empty() {
            base.policy_details
        } else {
            given.policy_details.clone()
        },
        custom_logs: text(&given.custom_logs, base.custom_logs),
        env_params: text(&given.env_params, base.env_params),
        initial_delay_seconds: if given.initial_delay_seconds > 0 {
            given.initial_delay_seconds
        } else {
            base.initial_delay_seconds
        },
        port: if given.port > 0 { given.port } else { base.port },
        has_dockerfile: given.has_dockerfile || base.has_dockerfile,
        dockerfile: text(&given.dockerfile, base.dockerfile),
        build_dir: text(&given.build_dir, base.build_dir),
        log_type: text(&given.log_type, base.log_type),
        log_set_id: text(&given.log_set_id, base.log_set_id),
        log_topic_id: text(&given.log_topic_id, base.log_topic_id),
        log_parse_type: text(&given.log_parse_type, base.log_parse_type),
        operation_mode: text(&given.operation_mode, base.operation_mode),
        session_affinity: text(&given.session_affinity, base.session_affinity),
        internal_access: text(&given.internal_access, base.internal_access),
        tag: text(&given.tag, base.tag),
        entry_point: list(&given.entry_point, base.entry_point),
        cmd: list(&given.cmd, base.cmd),
    }
}

/// Applies the deprecated `ServerConfig`, then `Items`, over a configuration
/// and validates the result. Every documented key is kept; one localcloud
/// cannot honour is refused, never dropped.
pub(crate) fn config_over(
    c: ServerBaseConfig,
    server_config: Option<&ServerBaseConfig>,
    items: &[DiffConfigItem],
) -> Result<ServerBaseConfig, CloudError> {
    let mut c = match server_config {
        Some(given) => with_server_config(c, given),
        None => c,
    };
    for item in items {
        let array =
            || item.array_value.clone().ok_or_else(|| CloudError::invalid_value(item.key.as_str(), "needs ArrayValue"));
        let int = || item.int_value.ok_or_else(|| CloudError::invalid_value(item.key.as_str(), "needs IntValue"));
        let float = || item.float_value.ok_or_else(|| CloudError::invalid_value(item.key.as_str(), "needs FloatValue"));
        let string = || item.value.clone().ok_or_else(|| CloudError::invalid_value(item.key.as_str(), "needs Value"));
        match &item.key {
            ConfigKey::Port => c.port = int()?,
            ConfigKey::CpuSpecs => c.cpu = float()?,
            ConfigKey::MemSpecs => c.mem = float()?,
            ConfigKey::MinNum => c.min_num = int()?,
            ConfigKey::MaxNum => c.max_num = int()?,
            ConfigKey::PolicyDetails => c.policy_details = item.policy_details.clone().unwrap_or_default(),
            ConfigKey::EnvParam => c.env_params = string()?,
            ConfigKey::LogType => c.log_type = string()?,
            ConfigKey::LogPath => c.custom_logs = string()?,
            ConfigKey::Dockerfile => c.dockerfile = string()?,
            ConfigKey::BuildDir => c.build_dir = string()?,
            ConfigKey::InitialDelaySeconds => c.initial_delay_seconds = int()?,
            ConfigKey::HasDockerfile => {
                c.has_dockerfile =
                    item.bool_value.ok_or_else(|| CloudError::invalid_value(item.key.as_str(), "needs BoolValue"))?
            }
            // Kept and shown; localcloud's workload does not act on them.
            ConfigKey::LogSetId => c.log_set_id = string()?,
            ConfigKey::LogTopicId => c.log_topic_id = string()?,
            ConfigKey::LogParseType => c.log_parse_type = string()?,
            ConfigKey::OperationMode => c.operation_mode = string()?,
            ConfigKey::SessionAffinity => c.session_affinity = string()?,
            ConfigKey::InternalAccess => c.internal_access = string()?,
            ConfigKey::Tag => c.tag = string()?,
            ConfigKey::AccessTypes => c.open_access_types = array()?,
            ConfigKey::EntryPoint => c.entry_point = array()?,
            ConfigKey::Cmd => c.cmd = array()?,
            ConfigKey::TimerScale | ConfigKey::VpcConf | ConfigKey::VolumesConf | ConfigKey::PublicNetConf => {
                return Err(CloudError::invalid_value(
                    item.key.as_str(),
                    "is not available in localcloud (no timers, VPCs, volumes or NAT)",
                ));
            }
            ConfigKey::Other(other) => {
                return Err(CloudError::invalid_value("Items.Key", format!("`{other}` is not a configuration key")));
            }
        }
    }
    rules::port(c.port).map_err(|e| CloudError::invalid_value("Port", e))?;
    rules::cpu_mem(c.cpu, c.mem).map_err(|e| CloudError::invalid_value("CpuSpecs/MemSpecs", e))?;
    rules::instances(c.min_num, c.max_num).map_err(|e| CloudError::invalid_value("MinNum/MaxNum", e))?;
    for p in &c.policy_details {
        if !matches!(p.policy_type, PolicyType::Cpu | PolicyType::Mem) {
            return Err(CloudError::invalid_value("PolicyDetails.PolicyType", "must be cpu or mem"));
        }
        rules::threshold(p.policy_threshold)
            .map_err(|e| CloudError::invalid_value("PolicyDetails.PolicyThreshold", e))?;
    }
    let vars: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&c.env_params)
        .map_err(|_| CloudError::invalid_value("EnvParam", "must be a JSON object of strings"))?;
    for (name, value) in &vars {
        rules::env_var_name(name)
            .map_err(|e| CloudError::invalid_value("EnvParam", format!("has a bad name `{name}`: {e}")))?;
        if !value.is_string() {
            return Err(CloudError::invalid_value(
                "EnvParam",
                format!("gives `{name}` a {value} value; every value must be a string"),
            ));
        }
    }
    if !matches!(c.log_type.as_str(), "none" | "default" | "custom") {
        return Err(CloudError::invalid_value("LogType", "must be none, default or custom"));
    }
    let one_of = |field: &str, value: &str, allowed: &[&str]| {
        if value.is_empty() || allowed.contains(&value) {
            Ok(())
        } else {
            Err(CloudError::invalid_value(field, format!("must be one of {}", allowed.join(", "))))
        }
    };
    one_of("LogParseType", &c.log_parse_type, &["json", "line"])?;
    one_of("OperationMode", &c.operation_mode, &["noScale", "condScale", "alwaysScale", "custom", "manualScale"])?;
    one_of("SessionAffinity", &c.session_affinity, &["open", "close"])?;
    one_of("InternalAccess", &c.internal_access, &["open", "close"])?;
    for access in &c.open_access_types {
        one_of("AccessTypes", access, &["PUBLIC", "OA", "MINIAPP", "VPC"])?;
    }
    if !c.dockerfile.is_empty() {
        rules::dockerfile_name(&c.dockerfile).map_err(|e| CloudError::invalid_value("Dockerfile", e))?;
    }
    rules::build_dir(&c.build_dir).map_err(|e| CloudError::invalid_value("BuildDir", e))?;
    Ok(c)
}
