//! Uploads in progress, per environment (issue #8). Their bytes count against
//! the package quota as they arrive, not only once committed, and only a few
//! run at once: otherwise N uploads, each checked against the stored bytes
//! alone, could together write N times the room left to disk before the
//! commit refused all but one.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// Uploads one environment may have in progress at once: more than a person
/// or the CLI needs, few enough that their partial files stay small.
pub const MAX_PER_ENV: usize = 4;

/// The uploads in progress of every environment.
#[derive(Default)]
pub struct Receiving(Mutex<HashMap<String, InFlight>>);

/// One environment's uploads in progress; gone when it has none.
#[derive(Default)]
struct InFlight {
    uploads: usize,
    /// Bytes reserved by its uploads in progress.
    bytes: u64,
    /// Bytes committed since the entry was made. An upload reads the stored
    /// bytes once, when it begins; what others committed after that is this
    /// counter's growth since then.
    committed: u64,
}

impl Receiving {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, InFlight>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts an upload to `env`: `None` when it has [`MAX_PER_ENV`] in
    /// progress already. Read the stored bytes after this, not before, so a
    /// commit in between is counted twice rather than not at all.
    pub fn begin(&self, env: &str) -> Option<Upload<'_>> {
        let mut map = self.lock();
        let entry = map.entry(env.to_string()).or_default();
        if entry.uploads >= MAX_PER_ENV {
            return None;
        }
        entry.uploads += 1;
        let committed_then = entry.committed;
        Some(Upload { receiving: self, env: env.to_string(), committed_then, reserved: 0 })
    }

    /// Bytes `env`'s uploads in progress have reserved.
    pub fn in_flight(&self, env: &str) -> u64 {
        self.lock().get(env).map_or(0, |e| e.bytes)
    }
}

/// One upload in progress. Dropping it, however the upload ended, gives its
/// reservation and its place back.
pub struct Upload<'a> {
    receiving: &'a Receiving,
    env: String,
    committed_then: u64,
    reserved: u64,
}

impl Upload<'_> {
    /// Reserves room for a package of `size` bytes in all, given the `stored`
    /// bytes read when the upload began and the environment's `quota`. When
    /// it does not fit: the bytes it counted as used besides this upload's.
    pub fn reserve(&mut self, size: u64, stored: u64, quota: u64) -> Result<(), u64> {
        if size <= self.reserved {
            return Ok(());
        }
        let mut map = self.receiving.lock();
        let entry = map.get_mut(&self.env).expect("an upload in progress keeps its entry");
        let used =
            stored.saturating_add(entry.committed - self.committed_then).saturating_add(entry.bytes - self.reserved);
        if used.saturating_add(size) > quota {
            return Err(used);
        }
        entry.bytes += size - self.reserved;
        self.reserved = size;
        Ok(())
    }

    /// Bytes the environment's other uploads in progress have reserved, for
    /// the commit's check against a fresh reading of the stored bytes.
    pub fn others_in_flight(&self) -> u64 {
        self.receiving.in_flight(&self.env) - self.reserved
    }

    /// Called in the commit's transaction, before it commits: the bytes move
    /// from in progress to stored, so no check counts them twice or not at all
    /// (if the commit fails they stay counted until the entry goes, erring on
    /// the side of refusing).
    pub fn stored(&mut self) {
        let mut map = self.receiving.lock();
        let entry = map.get_mut(&self.env).expect("an upload in progress keeps its entry");
        entry.bytes -= self.reserved;
        entry.committed += self.reserved;
        self.reserved = 0;
    }
}

impl Drop for Upload<'_> {
    fn drop(&mut self) {
        let mut map = self.receiving.lock();
        let Some(entry) = map.get_mut(&self.env) else { return };
        entry.bytes -= self.reserved;
        entry.uploads -= 1;
        if entry.uploads == 0 {
            map.remove(&self.env);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_in_progress_count_against_the_quota_until_they_end() {
        let receiving = Receiving::default();
        let mut a = receiving.begin("env").unwrap();
        let mut b = receiving.begin("env").unwrap();
        assert_eq!(a.reserve(60, 10, 100), Ok(()));
        assert_eq!(b.reserve(40, 10, 100), Err(70), "10 stored and 60 arriving");
        assert_eq!(b.reserve(30, 10, 100), Ok(()));
        assert_eq!(receiving.in_flight("env"), 90);
        assert_eq!(receiving.in_flight("other"), 0, "per environment");
        // A stored upload counts for one that began before it, whose reading
        // of the stored bytes is older.
        a.stored();
        drop(a);
        assert_eq!(b.reserve(31, 10, 100), Err(70));
        drop(b);
        assert_eq!(receiving.in_flight("env"), 0);
        assert!(receiving.0.lock().unwrap().is_empty(), "nothing is kept once none is in progress");
    }

    #[test]
    fn at_most_a_few_uploads_run_at_once_per_environment() {
        let receiving = Receiving::default();
        let running: Vec<Upload<'_>> = (0..MAX_PER_ENV).map(|_| receiving.begin("env").unwrap()).collect();
        assert!(receiving.begin("env").is_none());
        assert!(receiving.begin("other").is_some());
        drop(running);
        assert!(receiving.begin("env").is_some());
    }
}
