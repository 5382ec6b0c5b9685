//! The cloud: the signed client for the upstream API (`upstream`), what the
//! console remembers of each environment (`envs`), and the features built
//! on them, each apart: the proxy route (`proxy`), live deploy progress (the
//! `hub` and its `events` routes), a service's live runtime log (the `tail`
//! and its `logs` route, which also masks log records), code-package uploads
//! (`packages`), revealing secrets (`secrets`), a service's timeline
//! (`timeline`) and checking HTTPS certificates (`certificates`).

pub mod certificates;
pub mod envs;
pub mod events;
pub mod hub;
pub mod logs;
pub mod packages;
pub mod proxy;
pub mod secrets;
pub mod tail;
pub mod timeline;
pub mod upstream;
