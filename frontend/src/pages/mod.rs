//! One module per page.

pub mod account;
pub mod audit;
pub mod cost;
pub mod create_env;
pub mod create_service;
pub mod deploy;
pub mod env_detail;
pub mod env_layout;
pub mod envs;
pub mod login;
pub mod members;
pub mod not_found;
pub mod service;
pub mod shell;
pub mod source;
pub mod users;
