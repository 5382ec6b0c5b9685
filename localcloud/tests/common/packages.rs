//! Code packages for the test files: zips, upload slots, uploads and
//! package deploys over the real API.

use std::io::Write;

use serde_json::{Value, json};

use super::{Call, Cloud};

/// A zip of `(path, content)` entries, deflated.
pub fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (path, content) in files {
        w.start_file(*path, options).unwrap();
        w.write_all(content.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub const DOCKERFILE: &str = "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci \\\n  --omit=dev\nEXPOSE 8080\nCMD [\"node\", \"server.js\"]\n";

pub fn app_zip() -> Vec<u8> {
    zip_of(&[("Dockerfile", DOCKERFILE), ("server.js", "require('http').createServer().listen(8080)\n")])
}

pub async fn upload_slot(cloud: &Cloud, env: &str, service: &str) -> Value {
    let r = Call::new(
        "tcb",
        "DescribeCloudBaseBuildService",
        json!({"EnvId": env, "ServiceName": service, "CIBusiness": "cloudbaserun", "Suffix": ".zip"}),
    )
    .send(cloud)
    .await;
    assert!(r["UploadUrl"].is_string(), "{r}");
    r
}

pub async fn put(url: &str, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new().put(url).header("content-type", "application/zip").body(body).send().await.unwrap()
}

/// Uploads `zip` and returns `(PackageName, PackageVersion)`.
pub async fn upload(cloud: &Cloud, env: &str, service: &str, zip: Vec<u8>) -> (String, String) {
    let slot = upload_slot(cloud, env, service).await;
    let r = put(slot["UploadUrl"].as_str().unwrap(), zip).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    (slot["PackageName"].as_str().unwrap().into(), slot["PackageVersion"].as_str().unwrap().into())
}

pub fn package_deploy(name: &str, version: &str) -> Value {
    json!({"DeployType": "package", "PackageName": name, "PackageVersion": version})
}

/// `action` (CreateCloudRunServer or UpdateCloudRunServer) from an uploaded package.
pub async fn deploy_package(
    cloud: &Cloud,
    action: &str,
    env: &str,
    service: &str,
    pkg: &(String, String),
    items: Value,
) -> Value {
    Call::new(
        "tcbr",
        action,
        json!({"EnvId": env, "ServerName": service, "DeployInfo": package_deploy(&pkg.0, &pkg.1), "Items": items}),
    )
    .send(cloud)
    .await
}

pub async fn create_from_package(
    cloud: &Cloud,
    env: &str,
    service: &str,
    pkg: &(String, String),
    items: Value,
) -> Value {
    deploy_package(cloud, "CreateCloudRunServer", env, service, pkg, items).await
}

pub async fn update_from_package(
    cloud: &Cloud,
    env: &str,
    service: &str,
    pkg: &(String, String),
    items: Value,
) -> Value {
    deploy_package(cloud, "UpdateCloudRunServer", env, service, pkg, items).await
}

pub fn port_8080() -> Value {
    json!([{"Key": "Port", "IntValue": 8080}])
}

pub fn step_names(task: &Value) -> Vec<(String, String)> {
    task["Steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["Name"].as_str().unwrap().to_string(), s["Status"].as_str().unwrap().to_string()))
        .collect()
}

/// The body as a stream of 8 KiB chunks, so no Content-Length is sent.
pub fn chunked(body: Vec<u8>) -> reqwest::Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body.chunks(8192).map(|c| Ok(c.to_vec())).collect();
    reqwest::Body::wrap_stream(futures::stream::iter(chunks))
}

pub async fn delete_versions(cloud: &Cloud, env: &str, versions: &[(&str, &str)], with_server: bool) -> Value {
    let list: Vec<Value> =
        versions.iter().map(|(s, v)| json!({"EnvId": env, "ServerName": s, "VersionName": v})).collect();
    Call::new(
        "tcbr",
        "DeleteCloudRunVersions",
        json!({"EnvId": env, "IsDeleteServer": with_server, "IsDeleteImage": false, "SimpleVersions": list}),
    )
    .send(cloud)
    .await
}
