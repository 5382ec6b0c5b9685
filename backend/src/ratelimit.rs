//! Sign-in attempt limits: failed attempts are counted in a sliding window
//! per (account, client IP) and per client IP. Keying the account limit on the
//! IP too means an attacker can slow guesses against an account but can never
//! lock its owner out from somewhere else.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
    pub max_per_account: usize,
    pub max_per_ip: usize,
    pub window_secs: i64,
}

fn account_key(username: &str, ip: &str) -> String {
    format!("acct:{}@{ip}", username.to_lowercase())
}

fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

impl LoginLimiter {
    pub fn new(max_per_account: usize, max_per_ip: usize, window_secs: i64) -> Self {
        LoginLimiter { failures: Mutex::new(HashMap::new()), max_per_account, max_per_ip, window_secs }
    }

    /// `Err(seconds)` when another attempt must wait that long.
    pub fn check(&self, username: &str, ip: &str, now: i64) -> Result<(), i64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = 0;
        for (key, max) in [(account_key(username, ip), self.max_per_account), (ip_key(ip), self.max_per_ip)] {
            if let Some(times) = map.get_mut(&key) {
                while times.front().is_some_and(|t| now - t >= self.window_secs) {
                    times.pop_front();
                }
                if times.len() >= max
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max(oldest + self.window_secs - now);
                }
            }
        }
        // Keep the map from growing without bound under a spray of usernames.
        if map.len() > 10_000 {
            map.retain(|_, t| t.back().is_some_and(|last| now - last < self.window_secs));
        }
        if wait > 0 { Err(wait) } else { Ok(()) }
    }

    pub fn record_failure(&self, username: &str, ip: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in [account_key(username, ip), ip_key(ip)] {
            map.entry(key).or_default().push_back(now);
        }
    }

    /// A successful sign-in clears that account's count from that IP.
    pub fn record_success(&self, username: &str, ip: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&account_key(username, ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides_and_other_ips_are_unaffected() {
        let l = LoginLimiter::new(3, 100, 60);
        for _ in 0..3 {
            assert!(l.check("ann", "1.1.1.1", 0).is_ok());
            l.record_failure("ann", "1.1.1.1", 0);
        }
        assert_eq!(l.check("ann", "1.1.1.1", 10), Err(50));
        assert!(l.check("ann", "2.2.2.2", 10).is_ok(), "the owner elsewhere is not locked out");
        assert!(l.check("ann", "1.1.1.1", 60).is_ok(), "the window passed");
    }
}
