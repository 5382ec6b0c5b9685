//! The API 3.0 surface: `protocol` checks the signature and dispatches each
//! action to its handler; `envelope` answers in Tencent's envelope; `error`
//! is the one error type every handler returns; `state` is what they share.
//! The handlers, by area: `envs`, `services` (with `service_config`),
//! `versions`, `tasks` (deploy tasks and their logs), `traffic` (gray
//! releases and their split), `releases` (rollbacks and settings changes),
//! `packages` (upload URLs, and the uploads and downloads through them),
//! `certificates` (ssl certificates for HTTPS domains), `domains` (custom
//! domains bound to services), `domain_list` (listing them), `logs`
//! (searching the services' runtime logs) and `monitoring` (their metrics).
//!
//! Only `protocol` imports the handlers; a handler imports the leaves
//! (`state`, `error`, `envelope`) and the handlers it builds on, never
//! `protocol`.

pub mod certificates;
pub mod domain_list;
pub mod domains;
pub mod envelope;
pub mod envs;
pub mod error;
pub mod logs;
pub mod monitoring;
pub mod packages;
pub mod protocol;
pub mod releases;
pub mod service_config;
pub mod services;
pub mod state;
pub mod tasks;
pub mod traffic;
pub mod versions;
