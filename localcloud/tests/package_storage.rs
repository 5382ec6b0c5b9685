//! Stored code packages do not pile up (issue #8): they go with the service
//! that deployed them, uploads never deployed expire, an environment's bytes
//! are capped with `LimitExceeded`, and everything localcloud writes is its
//! user's alone.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::packages::{app_zip, chunked, create_from_package, delete_versions, port_8080, put, upload, upload_slot};
use common::{Call, STEP, code, config, create_env, start_config, start_on, wait_task};
use serde_json::json;

/// The stored package files of `env`, by name.
fn files_of(data: &Path, env: &str) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(data.join("packages").join(env)) else { return vec![] };
    let mut names: Vec<String> = dir.flatten().map(|f| f.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn file_name(pkg: &(String, String)) -> String {
    format!("{}-{}", pkg.1, pkg.0)
}

async fn deploy(cloud: &common::Cloud, env: &str, service: &str) -> (String, String) {
    let pkg = upload(cloud, env, service, app_zip()).await;
    let r = create_from_package(cloud, env, service, &pkg, port_8080()).await;
    let t = wait_task(cloud, env, service, r["TaskId"].as_i64().unwrap_or_else(|| panic!("{r}"))).await;
    assert_eq!(t["Status"], "finished", "{t}");
    pkg
}

#[tokio::test]
async fn a_deleted_service_takes_its_packages_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let cloud = start_on(dir.path(), STEP).await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let api = deploy(&cloud, &env, "api").await;
    let api_unused = upload(&cloud, &env, "api", app_zip()).await;
    let web = deploy(&cloud, &env, "web").await;
    let mut all = vec![file_name(&api), file_name(&api_unused), file_name(&web)];
    all.sort();
    assert_eq!(files_of(dir.path(), &env), all);

    let r = Call::new("tcbr", "DeleteCloudRunServer", json!({"EnvId": env, "ServerName": "api"})).send(&cloud).await;
    assert_eq!(code(&r), "<no error>", "{r}");
    assert_eq!(files_of(dir.path(), &env), [file_name(&web)], "the one it deployed and the one it never did");

    // DeleteCloudRunVersions with IsDeleteServer, on the last version, too.
    let r = delete_versions(&cloud, &env, &[("web", "web-001")], true).await;
    assert_eq!(r["Result"], "succ", "{r}");
    assert_eq!(files_of(dir.path(), &env), Vec::<String>::new());
}

#[tokio::test]
async fn an_upload_never_deployed_is_swept_once_its_url_expired() {
    let dir = tempfile::tempdir().unwrap();
    let cloud = start_on(dir.path(), STEP).await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let deployed = deploy(&cloud, &env, "api").await;
    let unused = upload(&cloud, &env, "api", app_zip()).await;
    // And a slot never filled.
    upload_slot(&cloud, &env, "web").await;
    assert_eq!(files_of(dir.path(), &env).len(), 2);

    // Every URL expired two hours ago.
    let db =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("localcloud.db").display())).await.unwrap();
    sqlx::query("UPDATE packages SET expires_at = expires_at - 7200").execute(&db).await.unwrap();

    // The sweep runs at start (and every minute).
    let again = start_on(dir.path(), STEP).await;
    assert_eq!(files_of(dir.path(), &env), [file_name(&deployed)], "the deployed one stays");
    let rows: Vec<(String,)> = sqlx::query_as("SELECT package_version FROM packages").fetch_all(&db).await.unwrap();
    assert_eq!(rows, [(deployed.1.clone(),)], "the unused upload and the empty slot are gone");
    let r = Call::new(
        "tcbr",
        "UpdateCloudRunServer",
        json!({"EnvId": env, "ServerName": "api", "DeployInfo": common::packages::package_deploy(&unused.0, &unused.1)}),
    )
    .send(&again)
    .await;
    assert_eq!(code(&r), "InvalidParameterValue", "{r}");
}

#[tokio::test]
async fn an_environment_past_its_package_quota_is_refused_with_limit_exceeded_and_the_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = config(dir.path(), STEP);
    settings.package_quota_bytes_per_env = 100_000;
    let cloud = start_config(settings).await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let other = create_env(&cloud, "ap-shanghai", "other").await;
    // Uploads are stored as sent; a deploy checks that they are zips.
    upload(&cloud, &env, "api", vec![b'x'; 60_000]).await;

    let slot = upload_slot(&cloud, &env, "api").await;
    let url = slot["UploadUrl"].as_str().unwrap();
    let r = put(url, vec![b'x'; 50_000]).await;
    assert_eq!(r.status(), 507);
    let why = r.text().await.unwrap();
    assert!(why.starts_with("LimitExceeded: "), "{why}");
    for number in ["50000 bytes", "110000 bytes", "quota of 100000 bytes", "60000 bytes used"] {
        assert!(why.contains(number), "{number} in {why}");
    }
    // Without a Content-Length, refused once past the room left.
    let streamed = reqwest::Client::new().put(url).body(chunked(vec![b'x'; 50_000])).send().await.unwrap();
    assert_eq!(streamed.status(), 507);
    assert!(streamed.text().await.unwrap().contains("at least"));
    // Exactly the room left fits; then there is none, and no new slot either.
    assert_eq!(put(url, vec![b'x'; 40_000]).await.status(), 200);
    let r = Call::new("tcb", "DescribeCloudBaseBuildService", json!({"EnvId": env, "ServiceName": "api"}))
        .send(&cloud)
        .await;
    assert_eq!(code(&r), "LimitExceeded", "{r}");
    let message = r["Error"]["Message"].as_str().unwrap();
    assert!(message.contains("use 100000 bytes of its 100000-byte quota"), "{message}");
    // The quota is per environment.
    upload(&cloud, &other, "api", vec![b'x'; 60_000]).await;
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found);
        }
        found.push(path);
    }
}

#[tokio::test]
async fn the_data_directory_and_every_file_in_it_are_the_users_alone() {
    let scratch = tempfile::tempdir().unwrap();
    let data = scratch.path().join("data");
    // A directory made wide by someone else is narrowed too.
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cloud = start_on(&data, STEP).await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let pkg = upload(&cloud, &env, "api", app_zip()).await;

    assert_eq!(mode(&data), 0o700);
    let mut found = vec![];
    walk(&data, &mut found);
    for path in &found {
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(path), want, "{}", path.display());
    }
    let names: Vec<String> =
        found.iter().map(|p| p.strip_prefix(&data).unwrap().to_string_lossy().into_owned()).collect();
    let package = format!("packages/{env}/{}", file_name(&pkg));
    for expected in ["localcloud.db", "localcloud.db-wal", "localcloud.db-shm", package.as_str()] {
        assert!(names.iter().any(|n| n == expected), "{expected} in {names:?}");
    }
}
