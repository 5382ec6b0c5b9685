//! The `tcbr` binary end to end (issue #13): run as a CI job runs it (no
//! terminal, only the environment it is given) against a console started
//! here (token mode) and a standalone localcloud (key mode).
//!
//! One test binary, so the servers' crates are linked once:
//! - `release`: the release cycle in both modes, its `--json` locked by snapshots;
//! - `refusals`: exit codes of what is refused before anything is sent;
//! - `tokens`: a token's environments and role, expiry, revocation, and logs without it;
//! - `proxies`: `HTTP_PROXY`, `http_proxy`, `HTTPS_PROXY` and `NO_PROXY`.
//!
//! The instances of deployed versions run the workspace's `console` binary
//! (`cargo test --workspace` builds it; alone: `cargo build -p console-backend`).

mod harness;
mod proxies;
mod proxy;
mod refusals;
mod release;
mod snapshots;
mod tokens;
