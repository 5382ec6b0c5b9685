//! Everything both sides of the console agree on: the cloud API's action
//! models and signer, the console's own DTOs, the permission table and the
//! product rules of `SPEC.md`. Compiles for native and wasm; no I/O here.

pub mod actions;
pub mod api;
pub mod certs;
pub mod cost;
pub mod defaults;
pub mod dockerignore;
pub mod dto;
pub mod logquery;
pub mod permissions;
pub mod region;
pub mod rules;
pub mod secrets;
pub mod tc3;
pub mod time;
pub mod tokens;
pub mod traffic;
pub mod vocab;
pub mod wildcard;
pub mod wording;
