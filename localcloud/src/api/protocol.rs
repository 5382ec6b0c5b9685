//! The API 3.0 wire protocol: verify the TC3 signature, dispatch on the
//! credential scope's product plus `X-TC-Action`/`X-TC-Version` to the
//! action's handler, and answer with the envelope (`envelope`). The router of
//! the API listener is here too, with the packages' upload and download URLs.

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::{Router, extract::State as AxState};
use console_shared::actions::{
    Action, CreateCloudRunEnv, CreateCloudRunServer, CreateHTTPServiceRoute, DeleteCloudRunServer,
    DeleteCloudRunVersions, DeleteHTTPServiceRoute, DescribeCertificateDetail, DescribeCloudBaseBuildService,
    DescribeCloudBaseRunBuildLog, DescribeCloudRunDeployRecord, DescribeCloudRunEnvs, DescribeCloudRunPodList,
    DescribeCloudRunProcessLog, DescribeCloudRunServerDetail, DescribeCloudRunServers, DescribeCurveData,
    DescribeEnvBaseInfo, DescribeHTTPServiceRoute, DescribeReleaseOrder, DescribeServerManageTask,
    DescribeVersionDetail, DestroyEnv, ModifyHTTPServiceRoute, OperateServerManage, Product, ReleaseGray, SearchClsLog,
    SubmitServerConfigChangeDiff, SubmitServerRollback, UpdateCloudRunServer, UploadCertificate,
};
use console_shared::api::{CloudError, codes};
use console_shared::region::Region;
use console_shared::tc3::{self, IncomingRequest};
use serde::Serialize;
use serde_json::Value;

use super::envelope::{envelope, new_request_id};
use super::error::CallError;
use super::state::{SharedState, State};
use super::{
    certificates, domain_list, domains, envs, logs, monitoring, packages, releases, services, tasks, traffic, versions,
};

/// The API listener's router: API 3.0 calls at `POST /`, and the packages'
/// signed URLs.
pub fn app(state: SharedState) -> Router {
    Router::new().route("/", post(handle)).merge(packages::routes()).fallback(not_post).with_state(state)
}

async fn handle(AxState(state): AxState<SharedState>, headers: HeaderMap, body: Bytes) -> Response {
    let request_id = new_request_id();
    let result = handle_call(&state, &headers, &body).await.map_err(CallError::into_cloud);
    if let Err(e) = &result {
        tracing::debug!(code = %e.code, request_id, "localcloud refused a call");
    }
    envelope(result, &request_id)
}

async fn not_post() -> Response {
    envelope(
        Err(CloudError::new(codes::INVALID_ACTION, "localcloud serves API 3.0 calls as POST / only")),
        &new_request_id(),
    )
}

fn header_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

async fn handle_call(state: &State, headers: &HeaderMap, body: &[u8]) -> Result<Value, CallError> {
    let req = IncomingRequest { method: "POST", query: "", header: |name: &str| header_value(headers, name), body };
    let secret_for = |id: &str| state.credentials.iter().find(|c| c.secret_id == id).map(|c| c.secret_key.clone());
    let verified =
        tc3::verify(&req, secret_for, crate::clock::now()).map_err(|e| CloudError::new(e.code(), e.to_string()))?;

    let product = Product::parse(&verified.service).ok_or_else(|| {
        CloudError::new(codes::NO_SUCH_PRODUCT, format!("localcloud does not serve the product `{}`", verified.service))
    })?;
    let action = header_value(headers, "x-tc-action")
        .ok_or_else(|| CloudError::new(codes::MISSING_PARAMETER, "The X-TC-Action header is missing."))?;
    let version = header_value(headers, "x-tc-version")
        .ok_or_else(|| CloudError::new(codes::MISSING_PARAMETER, "The X-TC-Version header is missing."))?;
    if version != product.version() {
        return Err(CallError::new(
            codes::NO_SUCH_VERSION,
            format!("The version `{version}` of `{}` does not exist; use {}.", product.name(), product.version()),
        ));
    }
    let region = match header_value(headers, "x-tc-region").filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => Some(Region::parse(&r).ok_or_else(|| {
            CloudError::new(
                codes::UNSUPPORTED_REGION,
                format!("The region `{r}` is not supported; use ap-beijing, ap-shanghai or ap-guangzhou."),
            )
        })?),
    };
    dispatch(state, product, &action, region, body).await
}

/// Runs `$handler` when the call names action `$a`.
macro_rules! route {
    ($product:expr, $action:expr, $body:expr, $a:ty, $handler:expr) => {
        if $product == <$a>::PRODUCT && $action == <$a>::NAME {
            let request = parse::<$a>($body)?;
            return reply($handler(request).await);
        }
    };
}

async fn dispatch(
    state: &State,
    product: Product,
    action: &str,
    region: Option<Region>,
    body: &[u8],
) -> Result<Value, CallError> {
    route!(product, action, body, CreateCloudRunEnv, |r| envs::create(state, region, r));
    route!(product, action, body, DescribeCloudRunEnvs, |r| envs::describe(state, region, r));
    route!(product, action, body, DescribeEnvBaseInfo, |r| envs::base_info(state, region, r));
    route!(product, action, body, DestroyEnv, |r| envs::destroy(state, region, r));
    route!(product, action, body, DescribeCloudRunServers, |r| services::describe(state, region, r));
    route!(product, action, body, CreateCloudRunServer, |r| services::create(state, region, r));
    route!(product, action, body, UpdateCloudRunServer, |r| services::update(state, region, r));
    route!(product, action, body, DescribeCloudRunServerDetail, |r| services::detail(state, region, r));
    route!(product, action, body, DeleteCloudRunServer, |r| services::delete(state, region, r));
    route!(product, action, body, DescribeCloudRunPodList, |r| services::pods(state, region, r));
    route!(product, action, body, DescribeVersionDetail, |r| versions::version_detail(state, region, r));
    route!(product, action, body, DescribeCloudRunDeployRecord, |r| tasks::records(state, region, r));
    route!(product, action, body, DescribeServerManageTask, |r| tasks::describe_task(state, region, r));
    route!(product, action, body, DescribeCloudRunProcessLog, |r| tasks::process_log(state, region, r));
    route!(product, action, body, OperateServerManage, |r| tasks::operate(state, region, r));
    route!(product, action, body, ReleaseGray, |r| traffic::release_gray(state, region, r));
    route!(product, action, body, DescribeReleaseOrder, |r| traffic::describe_order(state, region, r));
    route!(product, action, body, SubmitServerRollback, |r| releases::rollback(state, region, r));
    route!(product, action, body, SubmitServerConfigChangeDiff, |r| releases::config_change(state, region, r));
    route!(product, action, body, DeleteCloudRunVersions, |r| versions::delete_versions(state, region, r));
    route!(product, action, body, DescribeCloudBaseBuildService, |r| packages::build_service(state, region, r));
    route!(product, action, body, DescribeCloudBaseRunBuildLog, |r| tasks::build_log(state, region, r));
    route!(product, action, body, UploadCertificate, |r| certificates::upload(state, r));
    route!(product, action, body, DescribeCertificateDetail, |r| certificates::detail(state, r));
    route!(product, action, body, CreateHTTPServiceRoute, |r| domains::create(state, region, r));
    route!(product, action, body, DescribeHTTPServiceRoute, |r| domain_list::describe(state, region, r));
    route!(product, action, body, ModifyHTTPServiceRoute, |r| domains::modify(state, region, r));
    route!(product, action, body, DeleteHTTPServiceRoute, |r| domains::delete(state, region, r));
    route!(product, action, body, SearchClsLog, |r| logs::search(state, region, r));
    route!(product, action, body, DescribeCurveData, |r| monitoring::curve_data(state, region, r));
    Err(CallError::new(
        codes::INVALID_ACTION,
        format!("The action `{action}` does not exist in {} {}.", product.name(), product.version()),
    ))
}

/// Parses the body into the action's request: not JSON or a wrong type is
/// `InvalidParameter`; a missing required field is `MissingParameter`.
fn parse<A: Action>(body: &[u8]) -> Result<A::Request, CloudError> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| {
            CloudError::new(codes::INVALID_PARAMETER, format!("The request body is not valid JSON: {e}"))
        })?
    };
    if !value.is_object() {
        return Err(CloudError::new(codes::INVALID_PARAMETER, "The request body must be a JSON object."));
    }
    serde_json::from_value(value).map_err(|e| {
        let text = e.to_string();
        // serde names the first missing required field this way.
        match text.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
            Some(field) => CloudError::new(codes::MISSING_PARAMETER, format!("The parameter `{field}` is missing.")),
            None => CloudError::new(codes::INVALID_PARAMETER, format!("A parameter has the wrong type: {text}")),
        }
    })
}

fn reply<T: Serialize>(result: Result<T, CallError>) -> Result<Value, CallError> {
    Ok(serde_json::to_value(result?)?)
}
