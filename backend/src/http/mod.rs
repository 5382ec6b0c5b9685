//! The HTTP edge, apart from every feature: the accept loop with its
//! timeouts and connection caps (`serve`), who a request comes from
//! (`client`), what every request meets before a handler (`edge`: the
//! `Host` check; `csrf`; `health`: a lost database) and the one error shape
//! after it, the JSON extractor, serving the SPA, and the OpenAPI document.
//! Nothing here imports a feature.

pub mod client;
pub mod csrf;
pub mod edge;
pub mod health;
pub mod json;
pub mod openapi;
pub mod origins;
pub mod serve;
pub mod spa;
