//! One module per page.

pub mod account;
pub mod audit;
pub mod create_env;
pub mod env_detail;
pub mod env_layout;
pub mod envs;
pub mod login;
pub mod members;
pub mod not_found;
pub mod users;
