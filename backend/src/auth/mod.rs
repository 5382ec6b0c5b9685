//! Signing in and staying signed in: passwords, sessions (their cookies,
//! rotation and the `AuthUser` extractor), personal access tokens (the
//! extractor's other way in), the sign-in limits, known devices, and the
//! routes for signing in and for one's own account.
//!
//! Dependencies point one way inside: `routes` and `account` (the handlers)
//! use `session`, `devices`, `cookies`, `passwords` and `ratelimit`; none of
//! those imports a handler.

pub mod account;
pub mod cookies;
pub mod devices;
pub mod passwords;
pub mod ratelimit;
pub mod routes;
pub mod session;
pub mod tokens;
