//! Code packages through the BFF: streamed to the cloud's upload URL (which
//! the browser never sees), capped, audited, then deployed.

mod common;

use std::io::Write;
use std::time::Duration;

use common::TestApp;
use serde_json::{Value, json};

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, content) in files {
        w.start_file(*path, zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(content.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn upload_path(env: &str, service: &str) -> String {
    format!("/api/envs/{env}/services/{service}/package")
}

/// A PUT as the SPA sends it.
fn put(app: &TestApp, path: &str, token: &str) -> reqwest::RequestBuilder {
    app.http
        .put(format!("{}{path}", app.base))
        .header("x-console-request", "1")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", format!("console_session={token}"))
}

async fn wait_task(app: &TestApp, token: &str, env: &str, service: &str, task: i64) -> Value {
    for _ in 0..300 {
        let (_, r) = app
            .cloud(token, "tcbr/DescribeServerManageTask", json!({"EnvId": env, "ServerName": service, "TaskId": task}))
            .await;
        if r["Task"]["Status"] != "running" {
            return r["Task"].clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("task {task} did not end")
}

#[tokio::test]
async fn a_package_uploaded_through_the_bff_deploys_and_serves() {
    let app = TestApp::start().await;
    let token = app.login().await;
    let env = app.new_env(&token, "ap-beijing", "pkg").await;
    let zip = zip_of(&[("Dockerfile", "FROM node:20\nCOPY . .\nCMD node server.js\n"), ("server.js", "// app\n")]);
    let size = zip.len();

    let resp = put(&app, &upload_path(&env, "web"), &token)
        .header("content-type", "application/x-zip-compressed")
        .body(zip)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    assert!(!text.contains("sign=") && !text.contains("Url"), "no upload URL reaches the browser: {text}");
    let uploaded: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(uploaded["package_name"], "web.zip");
    assert_eq!(uploaded["size"], size);

    let deploy = json!({"DeployType": "package", "PackageName": uploaded["package_name"], "PackageVersion": uploaded["package_version"]});
    let (status, created) = app
        .cloud(&token, "tcbr/CreateCloudRunServer", json!({"EnvId": env, "ServerName": "web", "DeployInfo": deploy}))
        .await;
    assert_eq!(status, 200, "{created}");
    let task = app.started(&token, &env, "web", &created).await;
    let task = wait_task(&app, &token, &env, "web", task).await;
    assert_eq!(task["Status"], "finished", "{task}");
    assert_eq!(task["Steps"][1]["Name"], "build image");

    // The build log by the BuildId the deploy record gives (BuildIds are opaque).
    let (_, records) =
        app.cloud(&token, "tcbr/DescribeCloudRunDeployRecord", json!({"EnvId": env, "ServerName": "web"})).await;
    let build = &records["DeployRecords"][0]["BuildId"];
    assert_ne!(build, &task["Id"], "{records}");
    let (_, log) = app.cloud(&token, "tcb/DescribeCloudBaseRunBuildLog", json!({"EnvId": env, "BuildId": build})).await;
    assert!(log["Log"]["Text"].as_str().unwrap().contains("Step 3/3 : CMD node server.js"), "{log}");

    // The upload is audited with what was stored.
    let audit: Value =
        app.get("/api/audit?action=UploadPackage", Some(&token)).send().await.unwrap().json().await.unwrap();
    let entry = &audit["entries"].as_array().unwrap()[0];
    assert_eq!((entry["outcome"].as_str(), entry["env_id"].as_str()), (Some("allowed"), Some(env.as_str())));
    assert!(entry["detail"].as_str().unwrap().contains(&format!("({size} bytes)")), "{entry}");
}

#[tokio::test]
async fn uploads_over_the_cap_or_not_zip_are_refused_with_a_clear_error() {
    let app = TestApp::start_with(|c| c.upload_max_bytes = 10_000).await;
    let token = app.login().await;
    let env = app.new_env(&token, "ap-beijing", "pkg").await;
    let path = upload_path(&env, "web");

    let declared = put(&app, &path, &token)
        .header("content-type", "application/zip")
        .body(vec![0u8; 10_001])
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), 413);
    let body: Value = declared.json().await.unwrap();
    assert_eq!(body["code"], "Console.PackageTooLarge");

    // Without a Content-Length the stream is cut at the cap, mid-way.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..10).map(|_| Ok(vec![0u8; 4096])).collect();
    let streamed = put(&app, &path, &token)
        .header("content-type", "application/zip")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), 413);

    let json_body = put(&app, &path, &token).json(&json!({"zip": "no"})).send().await.unwrap();
    assert_eq!(json_body.status(), 415);
    let bad_name = put(&app, &upload_path(&env, "-web"), &token)
        .header("content-type", "application/zip")
        .body(vec![1u8])
        .send()
        .await
        .unwrap();
    assert_eq!(bad_name.status(), 400);
    let empty =
        put(&app, &path, &token).header("content-type", "application/zip").body(Vec::new()).send().await.unwrap();
    assert_eq!(empty.status(), 400);

    // Failures are audited too, with their code.
    let audit: Value =
        app.get("/api/audit?action=UploadPackage", Some(&token)).send().await.unwrap().json().await.unwrap();
    let outcomes: Vec<&str> =
        audit["entries"].as_array().unwrap().iter().map(|e| e["detail"].as_str().unwrap()).collect();
    assert!(outcomes.contains(&"Console.PackageTooLarge"), "{audit}");
}

/// A full environment (localcloud's package quota) is the user's to act on:
/// a 400-class `LimitExceeded` with the numbers, not a retry-later 429 or a 502.
#[tokio::test]
async fn an_upload_past_the_environments_quota_says_how_full_it_is() {
    let app = TestApp::start_with(|c| c.localcloud_package_quota_bytes = 1_000).await;
    let token = app.login().await;
    let env = app.new_env(&token, "ap-beijing", "pkg").await;
    let resp = put(&app, &upload_path(&env, "web"), &token)
        .header("content-type", "application/zip")
        .body(vec![7u8; 2_000])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "LimitExceeded", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("2000") && message.contains("1000"), "{message}");
}
