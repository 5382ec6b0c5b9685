//! What serves the services' traffic: the running instances of every version
//! and their load (`instances`), each its own process (`process`) whose
//! output is collected into the logs (`collect`), the scaler that keeps
//! their number between the version's bounds, takes idle versions to zero
//! and ends drains
//! (`scaler`), which version a request goes to (`traffic`), and the gateway
//! in front of them (`gateway`), with its TLS listener for custom domains
//! (`tls`). Deploys start and stop instances; the API lists them; neither is
//! imported from here.

mod collect;
pub mod gateway;
pub mod instances;
pub mod process;
pub mod scaler;
pub mod tls;
pub mod traffic;
