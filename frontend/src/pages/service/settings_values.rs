//! The settings as plain values, read from the service's settings or from a
//! version's frozen configuration, and the `Items` a save sends
//! (R-UPD-5). No signals here, so the rules are tested natively.
//!
//! A save changes the ONLINE version's configuration, not the settings: after
//! a rollback the two differ (R-RB-3), and every field where the form
//! differs from the running configuration is sent, so the new version gets
//! the settings' values even where the user changed nothing.

use std::collections::BTreeMap;

use console_shared::actions::{DescribeVersionDetailResponse, DiffConfigItem, HpaPolicy, ServerBaseConfig};
use console_shared::secrets::{SECRET_MASK, looks_secret};
use console_shared::vocab::{ConfigKey, PolicyType};

/// What both the settings and a version's frozen configuration carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    pub port: i64,
    pub cpu: f64,
    pub mem: f64,
    pub min: i64,
    pub max: i64,
    /// Scale out above this CPU use, in percent; `None`: not on CPU.
    pub cpu_at: Option<u64>,
    pub mem_at: Option<u64>,
    /// Secret-looking values masked, as the console shows them.
    pub vars: BTreeMap<String, String>,
}

/// Log collection (R-OBS-1). A version's frozen configuration does not
/// say it (`DescribeVersionDetail` has only the log path), so a save always
/// sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct Logs {
    /// `none`, `default` (standard output) or `custom`.
    pub log_type: String,
    pub set: String,
    pub topic: String,
    /// `json` or `line`.
    pub format: String,
}

impl Values {
    pub fn of_settings(c: &ServerBaseConfig) -> Values {
        let (cpu_at, mem_at) = thresholds(&c.policy_details);
        Values {
            port: c.port,
            cpu: c.cpu,
            mem: c.mem,
            min: c.min_num,
            max: c.max_num,
            cpu_at,
            mem_at,
            vars: vars_of(&c.env_params),
        }
    }

    pub fn of_version(v: &DescribeVersionDetailResponse) -> Values {
        let (cpu_at, mem_at) = thresholds(&v.policy_details);
        Values {
            port: v.port,
            cpu: v.cpu,
            mem: v.mem,
            min: v.min_num,
            max: v.max_num,
            cpu_at,
            mem_at,
            vars: vars_of(&v.env_params),
        }
    }
}

impl Logs {
    pub fn of_settings(c: &ServerBaseConfig) -> Logs {
        Logs {
            log_type: c.log_type.clone(),
            set: c.log_set_id.clone(),
            topic: c.log_topic_id.clone(),
            format: c.log_parse_type.clone(),
        }
    }
}

/// `EnvParams` (a JSON object as text) as names and values, secret-looking
/// values masked: the BFF masks them already, and masking again keeps a
/// cloud that answers unmasked from showing them.
pub fn vars_of(env_params: &str) -> BTreeMap<String, String> {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(env_params)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| {
            let shown = match value {
                _ if looks_secret(&name) => SECRET_MASK.to_string(),
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (name, shown)
        })
        .collect()
}

/// The CPU and memory thresholds a policy list sets; `cpu/mem` sets both.
pub fn thresholds(policies: &[HpaPolicy]) -> (Option<u64>, Option<u64>) {
    let mut out = (None, None);
    for p in policies {
        match p.policy_type {
            PolicyType::Cpu => out.0 = Some(p.policy_threshold),
            PolicyType::Mem => out.1 = Some(p.policy_threshold),
            PolicyType::CpuMem => out = (Some(p.policy_threshold), Some(p.policy_threshold)),
            PolicyType::Other(_) => {}
        }
    }
    out
}

/// The policy list for the chosen thresholds (R-INS-3).
pub fn policies(cpu_at: Option<u64>, mem_at: Option<u64>) -> Vec<HpaPolicy> {
    [(PolicyType::Cpu, cpu_at), (PolicyType::Mem, mem_at)]
        .into_iter()
        .filter_map(|(policy_type, at)| at.map(|policy_threshold| HpaPolicy { policy_type, policy_threshold }))
        .collect()
}

/// `EnvParam`: the variables as a JSON object. Masked values go back as
/// they are; the BFF puts the settings' value back in their place.
pub fn env_param(vars: &BTreeMap<String, String>) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        vars.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    serde_json::Value::Object(map).to_string()
}

/// The fields where `form` differs from the running configuration.
fn differing(form: &Values, online: &Values) -> Vec<DiffConfigItem> {
    let mut out = Vec::new();
    if form.port != online.port {
        out.push(DiffConfigItem::int(ConfigKey::Port, form.port));
    }
    // The pair is checked together (a strict 1:2 ratio): both go, or neither.
    if form.cpu != online.cpu || form.mem != online.mem {
        out.push(DiffConfigItem::float(ConfigKey::CpuSpecs, form.cpu));
        out.push(DiffConfigItem::float(ConfigKey::MemSpecs, form.mem));
    }
    if form.min != online.min {
        out.push(DiffConfigItem::int(ConfigKey::MinNum, form.min));
    }
    if form.max != online.max {
        out.push(DiffConfigItem::int(ConfigKey::MaxNum, form.max));
    }
    if (form.cpu_at, form.mem_at) != (online.cpu_at, online.mem_at) {
        out.push(DiffConfigItem::policies(policies(form.cpu_at, form.mem_at)));
    }
    if form.vars != online.vars {
        out.push(DiffConfigItem::string(ConfigKey::EnvParam, env_param(&form.vars)));
    }
    out
}

/// Whether saving would change anything: the form differs from what runs,
/// or from the settings (which a rollback may have set apart from what runs).
pub fn has_changes(form: &Values, logs: &Logs, online: &Values, settings: &Values, saved_logs: &Logs) -> bool {
    !differing(form, online).is_empty() || form != settings || logs != saved_logs
}

/// What a save sends: every field where the form differs from the running
/// configuration, the variables whenever a secret's masked value could hide
/// such a difference, and the log collection, which a version's
/// configuration does not show.
pub fn items(form: &Values, logs: &Logs, online: &Values) -> Vec<DiffConfigItem> {
    let mut out = differing(form, online);
    let sends_vars = out.iter().any(|i| i.key == ConfigKey::EnvParam);
    if !sends_vars && form.vars.keys().any(|k| looks_secret(k)) {
        out.push(DiffConfigItem::string(ConfigKey::EnvParam, env_param(&form.vars)));
    }
    out.push(DiffConfigItem::string(ConfigKey::LogType, logs.log_type.clone()));
    if logs.log_type == "custom" {
        out.push(DiffConfigItem::string(ConfigKey::LogSetId, logs.set.clone()));
        out.push(DiffConfigItem::string(ConfigKey::LogTopicId, logs.topic.clone()));
        out.push(DiffConfigItem::string(ConfigKey::LogParseType, logs.format.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ServerBaseConfig {
        let mut c = console_shared::defaults::service_config("env-1", "shop");
        c.env_params = r#"{"MODE":"prod","API_TOKEN":"t0p"}"#.into();
        c
    }

    fn keys(items: &[DiffConfigItem]) -> Vec<&str> {
        items.iter().map(|i| i.key.as_str()).collect()
    }

    #[test]
    fn secret_values_are_masked_and_cpu_mem_sets_both_thresholds() {
        let c = settings();
        let v = Values::of_settings(&c);
        assert_eq!(v.vars["API_TOKEN"], SECRET_MASK);
        assert_eq!(v.vars["MODE"], "prod");
        let both = [HpaPolicy { policy_type: PolicyType::CpuMem, policy_threshold: 70 }];
        assert_eq!(thresholds(&both), (Some(70), Some(70)));
        assert_eq!(policies(Some(70), None), vec![HpaPolicy { policy_type: PolicyType::Cpu, policy_threshold: 70 }]);
    }

    #[test]
    fn r_upd_5_only_what_differs_from_the_running_configuration_is_sent() {
        let c = settings();
        let (online, logs) = (Values::of_settings(&c), Logs::of_settings(&c));
        let mut form = online.clone();
        // Nothing changed: nothing to save; the secret and the logs would go as they are.
        assert!(!has_changes(&form, &logs, &online, &online, &logs));
        assert_eq!(keys(&items(&form, &logs, &online)), ["EnvParam", "LogType"]);
        form.port = 8080;
        form.cpu = 1.0;
        form.mem = 2.0;
        form.mem_at = None;
        assert!(has_changes(&form, &logs, &online, &online, &logs));
        assert_eq!(
            keys(&items(&form, &logs, &online)),
            ["Port", "CpuSpecs", "MemSpecs", "PolicyDetails", "EnvParam", "LogType"]
        );
        let sent = items(&form, &logs, &online);
        assert!(sent[4].value.as_deref().is_some_and(|v| v.contains(SECRET_MASK)));
    }

    #[test]
    fn r_rb_3_after_a_rollback_the_settings_values_are_sent() {
        let c = settings();
        let (form, logs) = (Values::of_settings(&c), Logs::of_settings(&c));
        // The rolled-back version runs with 2 to 5 instances and no variables.
        let running = Values { min: 2, max: 5, vars: BTreeMap::new(), ..form.clone() };
        assert!(has_changes(&form, &logs, &running, &form, &logs));
        assert_eq!(keys(&items(&form, &logs, &running)), ["MinNum", "MaxNum", "EnvParam", "LogType"]);
    }

    #[test]
    fn custom_logs_send_their_fields() {
        let c = settings();
        let v = Values::of_settings(&c);
        let saved = Logs::of_settings(&c);
        let logs = Logs { log_type: "custom".into(), set: "ls-1".into(), topic: "lt-1".into(), format: "line".into() };
        assert!(has_changes(&v, &logs, &v, &v, &saved));
        assert_eq!(keys(&items(&v, &logs, &v)), ["EnvParam", "LogType", "LogSetId", "LogTopicId", "LogParseType"]);
    }
}
