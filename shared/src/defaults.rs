//! A new service's settings where the user says nothing, once: localcloud
//! applies them to a create without `Items`, and the SPA pre-fills its form
//! with the same values. They are the `tcb` CLI's (CLOUD-API.md §5), except
//! the log type: the console collects logs unless told not to.

use crate::actions::{HpaPolicy, ServerBaseConfig};
use crate::rules::CPU_MEM_PAIRS;

pub const PORT: i64 = 80;
/// Index into [`CPU_MEM_PAIRS`]: 0.5 core / 1 GiB (R-INS-2).
pub const SPEC: usize = 1;
pub const MIN_NUM: i64 = 0;
pub const MAX_NUM: i64 = 50;
/// Scale out at this CPU or memory use, in percent.
pub const THRESHOLD: u64 = 60;
pub const INITIAL_DELAY_SECONDS: i64 = 2;
/// Where the workload writes its log.
pub const LOG_PATH: &str = "stdout";
pub const LOG_TYPE: &str = "default";
/// How custom logs are parsed.
pub const LOG_PARSE_TYPE: &str = "json";

/// Scaling on CPU and on memory, each at [`THRESHOLD`].
pub fn policies() -> Vec<HpaPolicy> {
    ["cpu", "mem"].map(|kind| HpaPolicy { policy_type: kind.into(), policy_threshold: THRESHOLD }).to_vec()
}

/// The whole configuration of a service created without settings.
pub fn service_config(env: &str, name: &str) -> ServerBaseConfig {
    let (cpu, mem) = CPU_MEM_PAIRS[SPEC];
    ServerBaseConfig {
        env_id: env.into(),
        server_name: name.into(),
        open_access_types: vec!["PUBLIC".into()],
        cpu,
        mem,
        min_num: MIN_NUM,
        max_num: MAX_NUM,
        policy_details: policies(),
        custom_logs: LOG_PATH.into(),
        env_params: "{}".into(),
        initial_delay_seconds: INITIAL_DELAY_SECONDS,
        port: PORT,
        log_type: LOG_TYPE.into(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    #[test]
    fn the_defaults_obey_the_rules() {
        let c = service_config("e", "s");
        assert!(rules::port(c.port).is_ok());
        assert!(rules::cpu_mem(c.cpu, c.mem).is_ok());
        assert!(rules::instances(c.min_num, c.max_num).is_ok());
        assert!(c.policy_details.iter().all(|p| rules::threshold(p.policy_threshold).is_ok()));
    }
}
