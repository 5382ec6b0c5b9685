//! What serves the services' traffic: the running instances of every version
//! (`instances`) and the gateway in front of them (`gateway`). Deploys start
//! and stop instances; the API lists them; neither is imported from here.

pub mod gateway;
pub mod instances;
