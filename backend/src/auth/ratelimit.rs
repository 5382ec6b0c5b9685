//! Sign-in attempt limits, and the bound on password hashing.
//!
//! Failed attempts are counted in a sliding window per (account, client) and
//! per client, where the client is the address — or, for a browser that has
//! signed in to that account before, its device token. Keying the account
//! limit on the client means an attacker can slow guesses against an account
//! but never lock its owner out from somewhere else; the device token means
//! people behind one address (a proxy, an office) cannot lock each other out.
//!
//! An attempt is reserved before the password is checked, so a burst of
//! concurrent requests gets exactly the allowed number of guesses.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::http::client::address_key;

/// Who is trying: the key the limits count under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Client {
    /// An address ([`address_key`] of it).
    Address(String),
    /// A browser that signed in to this account before (hash of its token).
    Device(String),
    /// A signed-in session guessing its own password (hash of its id).
    Session(String),
}

impl Client {
    pub fn address(ip: IpAddr) -> Client {
        Client::Address(address_key(ip).to_string())
    }

    fn key(&self) -> String {
        match self {
            Client::Address(ip) => format!("ip:{ip}"),
            Client::Device(hash) => format!("device:{hash}"),
            Client::Session(hash) => format!("session:{hash}"),
        }
    }
}

/// Usernames come from anyone, up to the body limit: keys hold a hash.
fn user_key(username: &str) -> String {
    hex::encode(&Sha256::digest(username.to_lowercase().as_bytes())[..12])
}

fn account_key(username: &str, client: &Client) -> String {
    format!("acct:{}@{}", user_key(username), client.key())
}

/// Failures against one account from every address together, at this many
/// times the per-client limit: rotating addresses buys no more guesses.
/// Known devices are not counted, so the owner still gets in.
const ANY_ADDRESS_FACTOR: usize = 10;

/// A refused attempt: how long to wait, and whether it is the first refusal
/// since the client was last let through (only that one is audited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    pub wait: i64,
    pub first: bool,
}

#[derive(Default)]
struct Counts {
    failures: HashMap<String, VecDeque<i64>>,
    /// Refused attempts per client since it was last let through.
    refused: HashMap<String, u64>,
}

pub struct LoginLimiter {
    counts: Mutex<Counts>,
    pub max_per_account: usize,
    pub max_per_ip: usize,
    pub window_secs: i64,
}

impl LoginLimiter {
    pub fn new(max_per_account: usize, max_per_ip: usize, window_secs: i64) -> Self {
        LoginLimiter { counts: Mutex::new(Counts::default()), max_per_account, max_per_ip, window_secs }
    }

    fn limits(&self, username: &str, client: &Client) -> Vec<(String, usize)> {
        let mut keys = vec![(account_key(username, client), self.max_per_account)];
        // A known device or session is limited per account only: its owner is the one trying.
        if let Client::Address(_) = client {
            keys.push((client.key(), self.max_per_ip));
            keys.push((format!("acct:{}@any", user_key(username)), self.max_per_account * ANY_ADDRESS_FACTOR));
        }
        keys
    }

    /// Counts an attempt as failed before the password is checked, unless a
    /// limit is reached. `Ok(n)`: let through, after `n` refused attempts
    /// from this client (for the audit); call [`Self::succeeded`] if the
    /// password was right.
    pub fn reserve(&self, username: &str, client: &Client, now: i64) -> Result<u64, Throttled> {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let limits = self.limits(username, client);
        let mut wait = 0;
        for (key, max) in &limits {
            if let Some(times) = c.failures.get_mut(key) {
                while times.front().is_some_and(|t| now - t >= self.window_secs) {
                    times.pop_front();
                }
                if times.len() >= *max
                    && let Some(oldest) = times.front()
                {
                    wait = wait.max(oldest + self.window_secs - now);
                }
            }
        }
        // Keep the maps from growing without bound under a spray of usernames.
        if c.failures.len() > 10_000 {
            c.failures.retain(|_, t| t.back().is_some_and(|last| now - last < self.window_secs));
            c.refused.clear();
        }
        if wait > 0 {
            let refused = c.refused.entry(client.key()).or_default();
            *refused += 1;
            return Err(Throttled { wait, first: *refused == 1 });
        }
        for (key, _) in limits {
            c.failures.entry(key).or_default().push_back(now);
        }
        Ok(c.refused.remove(&client.key()).unwrap_or(0))
    }

    /// The reserved attempt was right: it does not count, and that account's
    /// failures from this client are forgotten.
    pub fn succeeded(&self, username: &str, client: &Client) {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        c.failures.remove(&account_key(username, client));
        if let Some(times) = c.failures.get_mut(&client.key()) {
            times.pop_back();
        }
    }

    /// The reserved attempt was never judged (the server was busy): it does not count.
    pub fn undo(&self, username: &str, client: &Client) {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in self.limits(username, client) {
            if let Some(times) = c.failures.get_mut(&key) {
                times.pop_back();
            }
        }
    }

    /// Failures of `username` from `client` within the window.
    pub fn failures(&self, username: &str, client: &Client) -> usize {
        let c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        c.failures.get(&account_key(username, client)).map_or(0, VecDeque::len)
    }
}

/// argon2id takes 19 MiB and tens of milliseconds per check: at most this
/// many run at once, and at most [`WAITING`] more wait; beyond that the
/// caller is told to come back, instead of the server allocating for everyone.
const RUNNING: usize = 2;
const WAITING: usize = 8;

struct PasswordGate {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

static GATE: LazyLock<PasswordGate> = LazyLock::new(|| PasswordGate {
    running: Arc::new(Semaphore::new(RUNNING)),
    admitted: Arc::new(Semaphore::new(RUNNING + WAITING)),
});

/// Runs password work on the blocking pool within the bound; `None` when
/// too much is running or waiting already.
pub async fn password_work<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let admitted = GATE.admitted.clone().try_acquire_owned().ok()?;
    let running =
        tokio::time::timeout(Duration::from_secs(10), GATE.running.clone().acquire_owned()).await.ok()?.ok()?;
    // The permits go with the work: a request dropped mid-hash (its client
    // left) does not free a slot while the hash still runs.
    tokio::task::spawn_blocking(move || {
        let out = work();
        drop((admitted, running));
        out
    })
    .await
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Client {
        Client::address(s.parse().unwrap())
    }

    #[test]
    fn window_slides_and_other_clients_are_unaffected() {
        let l = LoginLimiter::new(3, 100, 60);
        for _ in 0..3 {
            assert_eq!(l.reserve("ann", &ip("1.1.1.1"), 0), Ok(0));
        }
        assert_eq!(l.reserve("ann", &ip("1.1.1.1"), 10), Err(Throttled { wait: 50, first: true }));
        assert_eq!(l.reserve("ann", &ip("1.1.1.1"), 11), Err(Throttled { wait: 49, first: false }));
        assert!(l.reserve("ann", &ip("2.2.2.2"), 10).is_ok(), "the owner elsewhere is not locked out");
        assert_eq!(l.reserve("ann", &ip("1.1.1.1"), 60), Ok(2), "the window passed; two were refused meanwhile");
    }

    #[test]
    fn a_known_device_is_not_locked_out_by_its_address() {
        let l = LoginLimiter::new(5, 3, 60);
        for user in ["a", "b", "c"] {
            assert!(l.reserve(user, &ip("9.9.9.9"), 0).is_ok());
        }
        assert!(l.reserve("ann", &ip("9.9.9.9"), 1).is_err(), "the address is used up");
        assert!(l.reserve("ann", &Client::Device("d1".into()), 1).is_ok(), "ann's own browser still gets in");
    }

    #[test]
    fn rotating_addresses_buys_no_more_guesses() {
        let l = LoginLimiter::new(5, 1_000, 60);
        let judged = (0..200).filter(|i| l.reserve("ann", &ip(&format!("10.0.{}.{}", i / 250, i % 250)), 0).is_ok());
        assert_eq!(judged.count(), 50, "ten times the per-address limit, whatever the addresses");
        assert!(l.reserve("ann", &Client::Device("d1".into()), 0).is_ok(), "the owner's browser still gets in");
        // One IPv6 /64 is one client.
        let l = LoginLimiter::new(3, 1_000, 60);
        for host in 1..=3 {
            assert!(l.reserve("bob", &ip(&format!("2001:db8:1:2::{host}")), 0).is_ok());
        }
        assert!(l.reserve("bob", &ip("2001:db8:1:2::99"), 0).is_err());
        assert!(l.reserve("bob", &ip("2001:db8:1:3::1"), 0).is_ok(), "another /64");
    }

    #[test]
    fn a_right_password_does_not_count() {
        let l = LoginLimiter::new(2, 2, 60);
        for _ in 0..5 {
            assert!(l.reserve("ann", &ip("1.1.1.1"), 0).is_ok());
            l.succeeded("ann", &ip("1.1.1.1"));
        }
        assert_eq!(l.failures("ann", &ip("1.1.1.1")), 0);
    }
}
