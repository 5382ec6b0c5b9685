//! The guide's settings options (`--cpu --mem --minNum --maxNum
//! --policyDetails --customLogs --envParams --containerPort`) as values,
//! each checked with the shared rules before anything is sent, and the
//! settings a version runs with: the defaults or the online version's, with
//! the options over them.

use std::collections::BTreeMap;

use console_shared::actions::{DescribeVersionDetailResponse, DiffConfigItem, HpaPolicy};
use console_shared::rules::{self, CPU_MEM_PAIRS, RuleError};
use console_shared::secrets::{SECRET_MASK, looks_secret};
use console_shared::vocab::{ConfigKey, PolicyType};
use console_shared::{defaults, vocab};

use crate::args::Config;
use crate::error::{CliError, CliResult};

/// `--customLogs`: where the service's log is collected from.
#[derive(Debug, Clone, PartialEq)]
pub enum Logs {
    /// Standard output (the default).
    Stdout,
    /// No collection.
    Off,
    /// A file path inside the container, e.g. `/app/logs/*.log`.
    Path(String),
}

/// The settings options as given; `None`: not given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Given {
    /// CPU and memory go together (a published pair): both or neither.
    pub spec: Option<(f64, f64)>,
    pub min_num: Option<i64>,
    pub max_num: Option<i64>,
    pub policies: Option<Vec<HpaPolicy>>,
    pub logs: Option<Logs>,
    /// In the order given, a later duplicate winning.
    pub vars: Option<Vec<(String, String)>>,
    pub port: Option<i64>,
}

impl Given {
    pub fn is_empty(&self) -> bool {
        *self == Given::default()
    }
}

/// `--option value: the rule's sentence.`
fn refused(option: &str, value: impl std::fmt::Display, e: RuleError) -> CliError {
    CliError::usage(format!("{option} {value}: {e}."))
}

/// Reads and checks the settings options, with no call made.
pub fn given(c: &Config, port: Option<i64>) -> CliResult<Given> {
    let spec = match (c.cpu, c.mem) {
        (None, None) => None,
        (Some(cpu), Some(mem)) => {
            rules::cpu_mem(cpu, mem).map_err(|e| refused("--cpu/--mem", format!("{cpu}/{mem}"), e))?;
            Some((cpu, mem))
        }
        // One of the pair names the other: the ratio is a strict 1:2.
        (Some(cpu), None) => Some(
            CPU_MEM_PAIRS
                .iter()
                .copied()
                .find(|(c, _)| *c == cpu)
                .ok_or_else(|| CliError::usage(format!("--cpu {cpu}: must be one of {}.", pairs(|(c, _)| c))))?,
        ),
        (None, Some(mem)) => Some(
            CPU_MEM_PAIRS
                .iter()
                .copied()
                .find(|(_, m)| *m == mem)
                .ok_or_else(|| CliError::usage(format!("--mem {mem}: must be one of {}.", pairs(|(_, m)| m))))?,
        ),
    };
    // Each bound alone now; the two together once merged with the rest.
    for (option, value) in [("--minNum", c.min_num), ("--maxNum", c.max_num)] {
        if let Some(v) = value {
            rules::instances(v, v).map_err(|e| refused(option, v, e))?;
        }
    }
    if let (Some(min), Some(max)) = (c.min_num, c.max_num) {
        rules::instances(min, max).map_err(|e| refused("--minNum/--maxNum", format!("{min}/{max}"), e))?;
    }
    if let Some(p) = port {
        rules::port(p).map_err(|e| refused("--containerPort", p, e))?;
    }
    Ok(Given {
        spec,
        min_num: c.min_num,
        max_num: c.max_num,
        policies: c.policy_details.as_deref().map(policy_details).transpose()?,
        logs: c.custom_logs.as_deref().map(custom_logs).transpose()?,
        vars: c.env_params.as_deref().map(env_params).transpose()?,
        port,
    })
}

fn pairs(pick: fn((f64, f64)) -> f64) -> String {
    CPU_MEM_PAIRS.iter().map(|p| pick(*p).to_string()).collect::<Vec<_>>().join(", ")
}

/// `--policyDetails`: `cpu=60&mem=60`, or the API's JSON list
/// `[{"PolicyType":"cpu","PolicyThreshold":60}]`. A later duplicate wins.
pub fn policy_details(text: &str) -> CliResult<Vec<HpaPolicy>> {
    let text = text.trim();
    let listed: Vec<HpaPolicy> = if text.starts_with('[') {
        serde_json::from_str(text).map_err(|e| {
            CliError::usage(format!(
                "--policyDetails: not the API's list [{{\"PolicyType\":\"cpu\",\"PolicyThreshold\":60}}]: {e}."
            ))
        })?
    } else {
        let mut out = Vec::new();
        for pair in text.split('&').filter(|p| !p.trim().is_empty()) {
            let (kind, at) = pair.split_once('=').unwrap_or((pair, ""));
            let at = at.trim().parse::<u64>().map_err(|_| {
                CliError::usage(format!(
                    "--policyDetails {pair}: the threshold must be a whole percentage, e.g. cpu=60."
                ))
            })?;
            out.push(HpaPolicy { policy_type: PolicyType::from(kind.trim()), policy_threshold: at });
        }
        out
    };
    let mut policies: Vec<HpaPolicy> = Vec::new();
    for p in listed {
        if !matches!(p.policy_type, PolicyType::Cpu | PolicyType::Mem) {
            return Err(CliError::usage(format!("--policyDetails {}: scaling watches cpu or mem.", p.policy_type)));
        }
        rules::threshold(p.policy_threshold)
            .map_err(|e| refused("--policyDetails", format!("{}={}", p.policy_type, p.policy_threshold), e))?;
        policies.retain(|q| q.policy_type != p.policy_type);
        policies.push(p);
    }
    if policies.is_empty() {
        return Err(CliError::usage("--policyDetails: name at least one threshold, e.g. cpu=60&mem=60."));
    }
    Ok(policies)
}

/// `--customLogs`: `stdout`, `none`, or an absolute path in the container.
pub fn custom_logs(text: &str) -> CliResult<Logs> {
    match text.trim() {
        "stdout" => Ok(Logs::Stdout),
        "none" => Ok(Logs::Off),
        path if path.starts_with('/') => {
            rules::remark(path).map_err(|e| refused("--customLogs", path, e))?;
            Ok(Logs::Path(path.to_string()))
        }
        other => Err(CliError::usage(format!(
            "--customLogs {other}: say stdout, none, or an absolute path in the container such as /app/logs/*.log."
        ))),
    }
}

/// `--envParams a=1&b=2`: split at `&`, each name before its first `=` (a
/// value keeps any later `=`); then `%XX` escapes are decoded in names and
/// values, so `%26` puts a `&` in a value (`+` stays a `+`).
pub fn env_params(text: &str) -> CliResult<Vec<(String, String)>> {
    // A refusal names the pair it is about, as the create form does.
    let pairs = rules::env_params(text).map_err(|e| {
        let bad = text.split('&').find_map(|pair| rules::env_params(pair).err().map(|e| (pair.trim(), e)));
        match bad {
            Some((pair, e)) => CliError::usage(format!("--envParams `{pair}`: the name {e}.")),
            None => refused("--envParams", text, e),
        }
    })?;
    let decoded: Vec<(String, String)> =
        pairs.into_iter().map(|(k, v)| (percent_decode(&k), percent_decode(&v))).collect();
    for (name, _) in &decoded {
        rules::env_var_name(name).map_err(|e| CliError::usage(format!("--envParams: the name {name} {e}.")))?;
    }
    Ok(decoded)
}

/// `%XX` to its byte; a `%` not followed by two hex digits stays as it is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) =
                (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a version runs with: every value a deploy sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub port: i64,
    pub cpu: f64,
    pub mem: f64,
    pub min_num: i64,
    pub max_num: i64,
    pub policies: Vec<HpaPolicy>,
    /// `none`, `default` or `custom`.
    pub log_type: String,
    /// `stdout` or a path.
    pub log_path: String,
    pub vars: BTreeMap<String, String>,
    /// Seconds before the first health check (no option sets it; kept with --override).
    pub initial_delay: i64,
}

impl Settings {
    /// A new service's settings where nothing is said (`shared::defaults`).
    pub fn defaults() -> Settings {
        let (cpu, mem) = CPU_MEM_PAIRS[defaults::SPEC];
        Settings {
            port: defaults::PORT,
            cpu,
            mem,
            min_num: defaults::MIN_NUM,
            max_num: defaults::MAX_NUM,
            policies: defaults::policies(),
            log_type: defaults::LOG_TYPE.into(),
            log_path: defaults::LOG_PATH.into(),
            vars: BTreeMap::new(),
            initial_delay: defaults::INITIAL_DELAY_SECONDS,
        }
    }

    /// The online version's frozen settings; its log type is the service's
    /// (a version's detail does not carry it).
    pub fn of_version(v: &DescribeVersionDetailResponse, log_type: &str, initial_delay: i64) -> Settings {
        let or = |value: &str, default: &str| if value.trim().is_empty() { default } else { value }.to_string();
        Settings {
            port: v.port,
            cpu: v.cpu,
            mem: v.mem,
            min_num: v.min_num,
            max_num: v.max_num,
            policies: v.policy_details.clone(),
            log_type: or(log_type, defaults::LOG_TYPE),
            log_path: or(&v.log_path, defaults::LOG_PATH),
            vars: vars_of(&v.env_params),
            initial_delay,
        }
    }

    /// These settings with the given options over them, checked as a whole.
    /// `merge_vars`: the given variables go over the existing ones (new keys
    /// win, as `service:config` does); otherwise they replace them.
    pub fn with(mut self, g: &Given, merge_vars: bool) -> CliResult<Settings> {
        if let Some((cpu, mem)) = g.spec {
            (self.cpu, self.mem) = (cpu, mem);
        }
        self.min_num = g.min_num.unwrap_or(self.min_num);
        self.max_num = g.max_num.unwrap_or(self.max_num);
        self.port = g.port.unwrap_or(self.port);
        if let Some(p) = &g.policies {
            self.policies = p.clone();
        }
        match &g.logs {
            None => {}
            Some(Logs::Off) => self.log_type = vocab::LogType::None.to_string(),
            Some(logs) => {
                if self.log_type == vocab::LogType::None.as_str() {
                    self.log_type = defaults::LOG_TYPE.into();
                }
                self.log_path = match logs {
                    Logs::Path(p) => p.clone(),
                    _ => defaults::LOG_PATH.into(),
                };
            }
        }
        if let Some(vars) = &g.vars {
            if !merge_vars {
                self.vars.clear();
            }
            self.vars.extend(vars.iter().cloned());
        }
        // With the other bound from the defaults or the online version.
        rules::instances(self.min_num, self.max_num)
            .map_err(|e| refused("--minNum/--maxNum", format!("{}/{}", self.min_num, self.max_num), e))?;
        rules::cpu_mem(self.cpu, self.mem)
            .map_err(|e| refused("--cpu/--mem", format!("{}/{}", self.cpu, self.mem), e))?;
        Ok(self)
    }

    /// Every setting as `Items`, for a deploy.
    pub fn items(&self) -> Vec<DiffConfigItem> {
        vec![
            DiffConfigItem::int(ConfigKey::Port, self.port),
            DiffConfigItem::float(ConfigKey::CpuSpecs, self.cpu),
            DiffConfigItem::float(ConfigKey::MemSpecs, self.mem),
            DiffConfigItem::int(ConfigKey::MinNum, self.min_num),
            DiffConfigItem::int(ConfigKey::MaxNum, self.max_num),
            DiffConfigItem::policies(self.policies.clone()),
            DiffConfigItem::string(ConfigKey::EnvParam, self.env_param()),
            DiffConfigItem::string(ConfigKey::LogType, self.log_type.clone()),
            DiffConfigItem::string(ConfigKey::LogPath, self.log_path.clone()),
            DiffConfigItem::int(ConfigKey::InitialDelaySeconds, self.initial_delay),
        ]
    }

    /// The `Items` where these settings differ from `before`, for a
    /// settings change (a change that changes nothing is no change).
    pub fn changes_from(&self, before: &Settings) -> Vec<DiffConfigItem> {
        let all = self.items();
        let old = before.items();
        all.into_iter().zip(old).filter(|(new, old)| new != old).map(|(new, _)| new).collect()
    }

    /// `EnvParam`: the variables as a JSON object in a string. A value shown
    /// masked (read through the console) goes back masked: the console puts
    /// the real value back in its place.
    fn env_param(&self) -> String {
        serde_json::Value::Object(
            self.vars.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect(),
        )
        .to_string()
    }

    /// The settings for a person, secret values masked.
    pub fn lines(&self) -> Vec<String> {
        let policies: Vec<String> =
            self.policies.iter().map(|p| format!("{} {}%", p.policy_type, p.policy_threshold)).collect();
        let vars: Vec<String> =
            self.vars.iter().map(|(k, v)| format!("{k}={}", if looks_secret(k) { SECRET_MASK } else { v })).collect();
        let logs =
            if self.log_type == vocab::LogType::None.as_str() { "off".to_string() } else { self.log_path.clone() };
        vec![
            format!("  spec:       {} core, {} GiB; port {}", self.cpu, self.mem, self.port),
            format!(
                "  instances:  {} to {}; scale out at {}",
                self.min_num,
                self.max_num,
                or_none(policies.join(", "))
            ),
            format!("  logs:       {logs}"),
            format!("  variables:  {}", or_none(vars.join(" "))),
        ]
    }
}

fn or_none(text: String) -> String {
    if text.is_empty() { "none".into() } else { text }
}

/// `EnvParams` (a JSON object as text) as names and values.
pub fn vars_of(env_params: &str) -> BTreeMap<String, String> {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(env_params)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::default()
    }

    #[test]
    fn rules_refuse_options_before_any_call() {
        let err = given(&Config { max_num: Some(51), ..config() }, None).unwrap_err();
        assert_eq!(err.to_string(), "--maxNum 51: must be between 0 and 50.");
        assert_eq!(err.exit_code(), 2);
        let err = given(&Config { min_num: Some(5), max_num: Some(2), ..config() }, None).unwrap_err();
        assert_eq!(err.to_string(), "--minNum/--maxNum 5/2: the minimum must not exceed the maximum.");
        assert!(given(&Config { cpu: Some(1.0), mem: Some(1.0), ..config() }, None).is_err());
        assert!(given(&Config::default(), Some(0)).is_err());
        assert!(given(&Config { policy_details: Some("cpu=101".into()), ..config() }, None).is_err());
        assert!(given(&Config { custom_logs: Some("logs/app.log".into()), ..config() }, None).is_err());
        assert!(given(&Config { env_params: Some("1A=x".into()), ..config() }, None).is_err());
    }

    #[test]
    fn one_half_of_the_spec_names_the_other() {
        assert_eq!(given(&Config { cpu: Some(1.0), ..config() }, None).unwrap().spec, Some((1.0, 2.0)));
        assert_eq!(given(&Config { mem: Some(0.5), ..config() }, None).unwrap().spec, Some((0.25, 0.5)));
        assert!(given(&Config { cpu: Some(3.0), ..config() }, None).is_err());
    }

    #[test]
    fn env_params_keep_later_equals_and_decode_escapes() {
        assert_eq!(
            env_params("A=1&URL=http://x/?a=b&NOTE=a%26b+c&A=2").unwrap(),
            vec![
                ("URL".to_string(), "http://x/?a=b".to_string()),
                ("NOTE".to_string(), "a&b+c".to_string()),
                ("A".to_string(), "2".to_string()),
            ]
        );
        assert_eq!(env_params("P=100%").unwrap(), vec![("P".to_string(), "100%".to_string())]);
    }

    #[test]
    fn policy_details_read_both_forms() {
        let short = policy_details("cpu=70&mem=80").unwrap();
        let json =
            policy_details(r#"[{"PolicyType":"cpu","PolicyThreshold":70},{"PolicyType":"mem","PolicyThreshold":80}]"#)
                .unwrap();
        assert_eq!(short, json);
        assert!(policy_details("disk=50").is_err());
        assert!(policy_details("").is_err());
        assert_eq!(
            policy_details("cpu=50&cpu=60").unwrap(),
            vec![HpaPolicy { policy_type: PolicyType::Cpu, policy_threshold: 60 }]
        );
    }

    #[test]
    fn custom_logs_forms() {
        assert_eq!(custom_logs("stdout").unwrap(), Logs::Stdout);
        assert_eq!(custom_logs("none").unwrap(), Logs::Off);
        assert_eq!(custom_logs("/app/logs/*.log").unwrap(), Logs::Path("/app/logs/*.log".into()));
    }

    fn online() -> Settings {
        Settings {
            port: 8080,
            cpu: 1.0,
            mem: 2.0,
            min_num: 1,
            max_num: 5,
            policies: vec![HpaPolicy { policy_type: PolicyType::Cpu, policy_threshold: 70 }],
            log_type: "none".into(),
            log_path: "stdout".into(),
            vars: [("A".to_string(), "1".to_string()), ("DB_PASSWORD".to_string(), SECRET_MASK.to_string())].into(),
            initial_delay: 5,
        }
    }

    #[test]
    fn override_keeps_what_is_not_given() {
        let g = given(&Config { max_num: Some(10), env_params: Some("B=2".into()), ..config() }, None).unwrap();
        let kept = online().with(&g, false).unwrap();
        assert_eq!((kept.port, kept.cpu, kept.min_num, kept.max_num), (8080, 1.0, 1, 10));
        assert_eq!(kept.vars, [("B".to_string(), "2".to_string())].into(), "a deploy's variables replace");
        // Without --override the defaults stand where nothing is said.
        let fresh = Settings::defaults().with(&g, false).unwrap();
        assert_eq!((fresh.port, fresh.cpu, fresh.min_num, fresh.max_num), (80, 0.5, 0, 10));
        // A bound given alone is checked against the other one kept.
        let g = given(&Config { max_num: Some(0), ..config() }, None).unwrap();
        assert!(online().with(&g, false).is_err());
    }

    #[test]
    fn a_settings_change_merges_variables_and_sends_only_what_changes() {
        let g = given(
            &Config { env_params: Some("A=9&C=3".into()), custom_logs: Some("/app/x.log".into()), ..config() },
            None,
        )
        .unwrap();
        let after = online().with(&g, true).unwrap();
        assert_eq!(after.vars.get("A").map(String::as_str), Some("9"));
        assert_eq!(after.vars.get("DB_PASSWORD").map(String::as_str), Some(SECRET_MASK), "kept for the console");
        let keys: Vec<ConfigKey> = after.changes_from(&online()).into_iter().map(|i| i.key).collect();
        assert_eq!(keys, vec![ConfigKey::EnvParam, ConfigKey::LogType, ConfigKey::LogPath]);
        assert!(online().changes_from(&online()).is_empty());
        assert!(after.lines().iter().all(|l| !l.contains("hunter")));
    }

    #[test]
    fn secrets_are_masked_when_echoed() {
        let mut s = Settings::defaults();
        s.vars.insert("API_TOKEN".into(), "t0k".into());
        s.vars.insert("REGION".into(), "sh".into());
        let text = s.lines().join("\n");
        assert!(!text.contains("t0k") && text.contains("REGION=sh"), "{text}");
    }
}
