//! One module per page.

pub mod create_env;
pub mod env_detail;
pub mod envs;
pub mod login;
pub mod not_found;
