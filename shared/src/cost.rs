//! The cost model (R-COST-1, R-COST-2, R-DEP-4, R-INS-4/5): usage is billed
//! per second of CPU (core·s) and memory (GiB·s).

use serde::{Deserialize, Serialize};

/// R-INS-4: a version with no traffic scales to zero after this window.
pub const OBSERVATION_MINUTES: f64 = 30.0;
/// Minutes in a 30-day month, for "per month at idle".
pub const MONTH_MINUTES: f64 = 30.0 * 24.0 * 60.0;

/// Resource usage in core·minutes and GiB·minutes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub core_min: f64,
    pub gib_min: f64,
}

/// Unit prices in ¥. Defaults: the only published list prices, WeChat
/// CloudRun's 0.055 ¥/core·h and 0.032 ¥/GB·h (CLOUD-API.md §6); the user
/// can edit them, since CloudBase converts to its own resource units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Prices {
    pub cny_per_core_hour: f64,
    pub cny_per_gib_hour: f64,
}

impl Default for Prices {
    fn default() -> Self {
        Prices { cny_per_core_hour: 0.055, cny_per_gib_hour: 0.032 }
    }
}

impl Usage {
    pub fn cny(&self, p: Prices) -> f64 {
        self.core_min / 60.0 * p.cny_per_core_hour + self.gib_min / 60.0 * p.cny_per_gib_hour
    }
}

/// What the deploy itself consumes (R-DEP-4): in low-cost mode (`min_num` 0)
/// one instance for the deploy plus the 30-minute observation window; in
/// high-availability mode `min_num` instances for the deploy.
pub fn deploy_usage(cpu: f64, mem_gib: f64, min_num: u32, deploy_minutes: f64) -> Usage {
    let instance_minutes =
        if min_num == 0 { deploy_minutes + OBSERVATION_MINUTES } else { f64::from(min_num) * deploy_minutes };
    Usage { core_min: cpu * instance_minutes, gib_min: mem_gib * instance_minutes }
}

/// What a service with no traffic keeps consuming per month: nothing in
/// low-cost mode, `min_num` instances around the clock otherwise (R-INS-5).
pub fn idle_per_month(cpu: f64, mem_gib: f64, min_num: u32) -> Usage {
    let instance_minutes = f64::from(min_num) * MONTH_MINUTES;
    Usage { core_min: cpu * instance_minutes, gib_min: mem_gib * instance_minutes }
}

/// Instances running over time for a deploy followed by no traffic, as
/// `(minute, instances)` steps up to `horizon` minutes, for the chart.
pub fn timeline(min_num: u32, deploy_minutes: f64, horizon: f64) -> Vec<(f64, u32)> {
    if min_num == 0 {
        vec![(0.0, 1), (deploy_minutes + OBSERVATION_MINUTES, 0), (horizon, 0)]
    } else {
        vec![(0.0, min_num), (horizon, min_num)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_cost_2_low_cost_example_is_35_and_35() {
        let u = deploy_usage(1.0, 1.0, 0, 5.0);
        assert_eq!((u.core_min, u.gib_min), (35.0, 35.0));
        assert_eq!(idle_per_month(1.0, 1.0, 0).core_min, 0.0, "scaled to zero, nothing more");
    }

    #[test]
    fn r_cost_2_high_availability_example_is_50_and_50() {
        let u = deploy_usage(1.0, 1.0, 10, 5.0);
        assert_eq!((u.core_min, u.gib_min), (50.0, 50.0));
        assert!(idle_per_month(1.0, 1.0, 10).core_min > 0.0, "keeps consuming with no traffic");
    }

    #[test]
    fn prices_turn_usage_into_yuan() {
        // 60 core·min = 1 core·h and 60 GiB·min = 1 GiB·h.
        let u = Usage { core_min: 60.0, gib_min: 60.0 };
        assert!((u.cny(Prices::default()) - 0.087).abs() < 1e-9);
    }

    #[test]
    fn timeline_scales_to_zero_only_in_low_cost_mode() {
        assert_eq!(timeline(0, 5.0, 60.0), vec![(0.0, 1), (35.0, 0), (60.0, 0)]);
        assert_eq!(timeline(10, 5.0, 60.0), vec![(0.0, 10), (60.0, 10)]);
    }
}
