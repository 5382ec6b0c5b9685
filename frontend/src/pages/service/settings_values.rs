//! The settings as plain values, read from the service's settings or from a
//! version's frozen configuration, and the `Items` a save sends
//! (R-UPD-5). No signals here, so the rules are tested natively.
//!
//! A save changes the ONLINE version's configuration, not the settings: after
//! a rollback the two differ (R-RB-3), and every field where the form
//! differs from the running configuration is sent, so the new version gets
//! the settings' values even where the user changed nothing. Nothing else
//! is sent: a save that would change nothing is no save at all.

use std::collections::BTreeMap;

use console_shared::actions::{DescribeVersionDetailResponse, DiffConfigItem, HpaPolicy, ServerBaseConfig};
use console_shared::defaults;
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
/// say it (`DescribeVersionDetail` has only the log path), so a save
/// compares it with the settings'.
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

/// `value`, or `default` where it is empty.
fn or_default(value: &str, default: &str) -> String {
    let value = value.trim();
    if value.is_empty() { default } else { value }.to_string()
}

impl Logs {
    /// The settings' log collection, with the defaults the form fills in
    /// where the settings leave a field empty.
    pub fn of_settings(c: &ServerBaseConfig) -> Logs {
        Logs {
            log_type: or_default(&c.log_type, defaults::LOG_TYPE),
            set: c.log_set_id.clone(),
            topic: c.log_topic_id.clone(),
            format: or_default(&c.log_parse_type, defaults::LOG_PARSE_TYPE),
        }
    }

    /// What counts when two are compared: the defaults applied, and the log
    /// set, topic and format only for `custom`, the one type that uses them.
    fn normalised(&self) -> Logs {
        let log_type = or_default(&self.log_type, defaults::LOG_TYPE);
        if log_type == "custom" {
            Logs {
                log_type,
                set: self.set.trim().to_string(),
                topic: self.topic.trim().to_string(),
                format: or_default(&self.format, defaults::LOG_PARSE_TYPE),
            }
        } else {
            Logs { log_type, set: String::new(), topic: String::new(), format: String::new() }
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

/// The log fields where the form's log collection differs from the
/// settings': the type, and for `custom` its set, topic and format.
fn log_items(logs: &Logs, saved: &Logs) -> Vec<DiffConfigItem> {
    let (now, before) = (logs.normalised(), saved.normalised());
    let mut out = Vec::new();
    if now.log_type != before.log_type {
        out.push(DiffConfigItem::string(ConfigKey::LogType, now.log_type.clone()));
    }
    if now.log_type == "custom" {
        let fields = [
            (ConfigKey::LogSetId, &now.set, &before.set),
            (ConfigKey::LogTopicId, &now.topic, &before.topic),
            (ConfigKey::LogParseType, &now.format, &before.format),
        ];
        for (key, value, was) in fields {
            if value != was {
                out.push(DiffConfigItem::string(key, value.clone()));
            }
        }
    }
    out
}

/// What a save sends: the fields where the form differs from the running
/// configuration (a secret's masked value equals the masked value it
/// stands for), and the log fields where it differs from the settings,
/// which a version's configuration does not show. Empty: nothing to save.
pub fn items(form: &Values, logs: &Logs, online: &Values, saved_logs: &Logs) -> Vec<DiffConfigItem> {
    let mut out = differing(form, online);
    out.extend(log_items(logs, saved_logs));
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

    /// The values a form filled with `c` reads, as a version frozen with `c` has them.
    fn values_of(c: &ServerBaseConfig) -> Values {
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

    fn keys(items: &[DiffConfigItem]) -> Vec<&str> {
        items.iter().map(|i| i.key.as_str()).collect()
    }

    fn custom(set: &str, topic: &str, format: &str) -> Logs {
        Logs { log_type: "custom".into(), set: set.into(), topic: topic.into(), format: format.into() }
    }

    #[test]
    fn secret_values_are_masked_and_cpu_mem_sets_both_thresholds() {
        let vars = vars_of(&settings().env_params);
        assert_eq!(vars["API_TOKEN"], SECRET_MASK);
        assert_eq!(vars["MODE"], "prod");
        let both = [HpaPolicy { policy_type: PolicyType::CpuMem, policy_threshold: 70 }];
        assert_eq!(thresholds(&both), (Some(70), Some(70)));
        assert_eq!(policies(Some(70), None), vec![HpaPolicy { policy_type: PolicyType::Cpu, policy_threshold: 70 }]);
    }

    #[test]
    fn r_upd_5_an_untouched_form_has_nothing_to_save() {
        // Settings that leave the log type and format empty: the form shows
        // their defaults, which are no change.
        let mut c = settings();
        c.log_type = String::new();
        c.log_parse_type = String::new();
        let online = values_of(&c);
        let saved = Logs::of_settings(&c);
        let form_logs =
            Logs { log_type: "default".into(), set: String::new(), topic: String::new(), format: "json".into() };
        assert_eq!(saved, form_logs);
        assert_eq!(keys(&items(&online, &form_logs, &online, &saved)), Vec::<&str>::new());
        // A log set or topic left from an earlier custom collection does not count for another type.
        let stale = Logs { log_type: "default".into(), ..custom("ls-1", "lt-1", "line") };
        assert_eq!(keys(&items(&online, &stale, &online, &saved)), Vec::<&str>::new());
    }

    #[test]
    fn r_upd_5_only_what_differs_from_the_running_configuration_is_sent() {
        let c = settings();
        let (online, logs) = (values_of(&c), Logs::of_settings(&c));
        let mut form = online.clone();
        form.port = 8080;
        form.cpu = 1.0;
        form.mem = 2.0;
        form.mem_at = None;
        assert_eq!(keys(&items(&form, &logs, &online, &logs)), ["Port", "CpuSpecs", "MemSpecs", "PolicyDetails"]);
        // A secret left masked is no change; a new value for it is, and goes with the other variables.
        form = online.clone();
        form.vars.insert("API_TOKEN".into(), "n3w".into());
        let sent = items(&form, &logs, &online, &logs);
        assert_eq!(keys(&sent), ["EnvParam"]);
        assert!(sent[0].value.as_deref().is_some_and(|v| v.contains("n3w") && v.contains("MODE")));
    }

    #[test]
    fn r_rb_3_after_a_rollback_the_settings_values_are_sent() {
        let c = settings();
        let (form, logs) = (values_of(&c), Logs::of_settings(&c));
        // The rolled-back version runs with 2 to 5 instances and no variables.
        let running = Values { min: 2, max: 5, vars: BTreeMap::new(), ..form.clone() };
        let sent = items(&form, &logs, &running, &logs);
        assert_eq!(keys(&sent), ["MinNum", "MaxNum", "EnvParam"]);
        // The BFF puts the settings' value in place of the mask.
        assert!(sent[2].value.as_deref().is_some_and(|v| v.contains(SECRET_MASK)));
    }

    #[test]
    fn log_collection_sends_only_what_differs_from_the_settings() {
        let c = settings();
        let (v, saved) = (values_of(&c), Logs::of_settings(&c));
        // To custom: the type and the fields custom uses.
        let to_custom = custom("ls-1", "lt-1", "line");
        assert_eq!(keys(&items(&v, &to_custom, &v, &saved)), ["LogType", "LogSetId", "LogTopicId", "LogParseType"]);
        // Within custom: only the field that changed, the ids trimmed.
        let before = custom("ls-1", "lt-1", "json");
        let sent = items(&v, &custom(" ls-1 ", "lt-2", "json"), &v, &before);
        assert_eq!(keys(&sent), ["LogTopicId"]);
        assert_eq!(sent[0].value.as_deref(), Some("lt-2"));
        // Away from custom: the type alone.
        let none = Logs { log_type: "none".into(), ..before.clone() };
        assert_eq!(keys(&items(&v, &none, &v, &before)), ["LogType"]);
    }
}
