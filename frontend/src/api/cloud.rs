//! The cloud actions, through the BFF's signed proxy
//! (`POST /api/cloud/{product}/{Action}`): typed by the action, so a request
//! and its answer cannot be mixed up.

use std::future::Future;

use console_shared::actions::Action;
use console_shared::dto::ApiError;
use console_shared::region::Region;

use super::{Call, Method};

/// One cloud action.
pub fn cloud<A: Action>(request: &A::Request) -> impl Future<Output = Result<A::Response, ApiError>> + use<A> {
    Call::new(Method::Post, format!("/api/cloud/{}/{}", A::PRODUCT.name(), A::NAME)).body(request).json()
}

/// The one action that names a region: creating an environment (R-ENV-4).
pub fn cloud_in_region<A: Action>(
    region: Region,
    request: &A::Request,
) -> impl Future<Output = Result<A::Response, ApiError>> + use<A> {
    let url = format!("/api/cloud/{}/{}?region={}", A::PRODUCT.name(), A::NAME, region.id());
    Call::new(Method::Post, url).body(request).json()
}
