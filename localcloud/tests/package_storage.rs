//! Stored code packages do not pile up (issue #8): they go with the service
//! that deployed them, with the version that uses them, or when that version's
//! deploy fails; uploads never deployed expire, an environment's bytes
//! (uploads in progress included) are capped with `LimitExceeded`, few uploads
//! run at once, and everything localcloud writes is its user's alone.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::packages::{
    app_zip, chunked, create_from_package, delete_versions, port_8080, put, update_from_package, upload, upload_slot,
};
use common::{Call, STEP, code, config, create_env, start_config, start_on, started, wait_task};
use futures::channel::mpsc::UnboundedSender;
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

/// The sizes of `env`'s partial uploads on disk.
fn partials(data: &Path, env: &str) -> Vec<u64> {
    let Ok(dir) = std::fs::read_dir(data.join("packages").join(env)) else { return vec![] };
    dir.flatten()
        .filter(|f| f.file_name().to_string_lossy().ends_with(".part"))
        .map(|f| f.metadata().map_or(0, |m| m.len()))
        .collect()
}

/// Waits (bounded) until `done` holds.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("never: {what}");
}

type Held = (UnboundedSender<Result<Vec<u8>, std::io::Error>>, tokio::task::JoinHandle<reqwest::Response>);

/// Starts a PUT to `url` that sends `first` and then holds on: its body goes
/// on while the sender lives, and ends when it is dropped.
fn held_upload(url: &str, first: Vec<u8>) -> Held {
    let (sender, body) = futures::channel::mpsc::unbounded();
    sender.unbounded_send(Ok(first)).unwrap();
    let request = reqwest::Client::new().put(url).body(reqwest::Body::wrap_stream(body));
    (sender, tokio::spawn(async move { request.send().await.unwrap() }))
}

async fn deploy(cloud: &common::Cloud, env: &str, service: &str) -> (String, String) {
    let pkg = upload(cloud, env, service, app_zip()).await;
    let r = create_from_package(cloud, env, service, &pkg, port_8080()).await;
    let t = wait_task(cloud, env, service, started(cloud, env, service, &r).await).await;
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

/// The attack: uploads were checked against the stored bytes alone, so one
/// that had not finished left room for others, and together they wrote past
/// the quota before their commits refused all but one; and any number ran at
/// once.
#[tokio::test]
async fn uploads_in_progress_count_against_the_quota_and_only_a_few_run_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = config(dir.path(), STEP);
    settings.package_quota_bytes_per_env = 100_000;
    let cloud = start_config(settings).await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;

    let slow = upload_slot(&cloud, &env, "api").await;
    let (sender, slow_put) = held_upload(slow["UploadUrl"].as_str().unwrap(), vec![b'x'; 60_000]);
    until("60,000 bytes arrived", || partials(dir.path(), &env) == [60_000]).await;
    let other = upload_slot(&cloud, &env, "web").await;
    let url = other["UploadUrl"].as_str().unwrap();
    let streamed = reqwest::Client::new().put(url).body(chunked(vec![b'x'; 50_000])).send().await.unwrap();
    assert_eq!(streamed.status(), 507);
    let why = streamed.text().await.unwrap();
    assert!(why.contains("at least") && why.contains("(60000 bytes used, uploads in progress included)"), "{why}");
    // A declared size is refused before a byte is read.
    assert_eq!(put(url, vec![b'x'; 50_000]).await.status(), 507);
    assert_eq!(partials(dir.path(), &env), [60_000], "the refused ones left nothing on disk");

    // The slow one ends and is stored; what it left fits exactly.
    drop(sender);
    assert_eq!(slow_put.await.unwrap().status(), 200);
    assert_eq!(put(url, vec![b'x'; 40_000]).await.status(), 200);

    // Four uploads in progress are the most one environment takes.
    let busy = create_env(&cloud, "ap-shanghai", "busy").await;
    let mut held = vec![];
    for i in 0..4 {
        let slot = upload_slot(&cloud, &busy, &format!("s{i}")).await;
        held.push(held_upload(slot["UploadUrl"].as_str().unwrap(), b"PK".to_vec()));
    }
    until("four uploads in progress", || partials(dir.path(), &busy).len() == 4).await;
    let fifth = upload_slot(&cloud, &busy, "s4").await;
    let url = fifth["UploadUrl"].as_str().unwrap();
    let r = put(url, app_zip()).await;
    assert_eq!(r.status(), 429);
    let why = r.text().await.unwrap();
    assert!(why.starts_with("LimitExceeded: The environment has 4 uploads in progress"), "{why}");
    // Per environment: another one still takes uploads.
    let free = create_env(&cloud, "ap-shanghai", "free").await;
    upload(&cloud, &free, "api", vec![b'x'; 10]).await;
    // One ends; then there is a place.
    let (sender, first) = held.pop().unwrap();
    drop(sender);
    assert_eq!(first.await.unwrap().status(), 200);
    assert_eq!(put(url, app_zip()).await.status(), 200);
}

/// Packages used to be freed only with their service: ten failed deploys of
/// big packages filled the quota for good, and deleting versions gave nothing
/// back.
#[tokio::test]
async fn failed_and_cancelled_deploys_and_deleted_versions_free_their_packages() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = config(dir.path(), Duration::from_millis(100));
    settings.package_quota_bytes_per_env = 100_000;
    let cloud = start_config(settings).await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;

    // 400,000 bytes in all, four times the quota: a failed build frees its package.
    for i in 0..10 {
        let pkg = upload(&cloud, &env, "api", vec![b'x'; 40_000]).await;
        let r = if i == 0 {
            create_from_package(&cloud, &env, "api", &pkg, port_8080()).await
        } else {
            update_from_package(&cloud, &env, "api", &pkg, port_8080()).await
        };
        let t = wait_task(&cloud, &env, "api", started(&cloud, &env, "api", &r).await).await;
        assert_eq!(t["Status"], "failed", "{t}");
        assert!(t["FailReason"].as_str().unwrap().contains("not a zip archive"), "{t}");
    }
    until("the failed deploys' packages are gone", || files_of(dir.path(), &env).is_empty()).await;

    // So does a cancelled one.
    let pkg = upload(&cloud, &env, "api", app_zip()).await;
    let r = update_from_package(&cloud, &env, "api", &pkg, port_8080()).await;
    let task = started(&cloud, &env, "api", &r).await;
    let cancel = json!({"EnvId": env, "ServerName": "api", "TaskId": task, "OperateType": "cancel"});
    let r = Call::new("tcbr", "OperateServerManage", cancel).send(&cloud).await;
    assert_eq!(code(&r), "<no error>", "{r}");
    until("the cancelled deploy's package is gone", || files_of(dir.path(), &env).is_empty()).await;

    // Deleting a version frees its package; the online one keeps its own.
    let first = deploy(&cloud, &env, "web").await;
    let pkg = upload(&cloud, &env, "web", app_zip()).await;
    let r = update_from_package(&cloud, &env, "web", &pkg, port_8080()).await;
    assert_eq!(wait_task(&cloud, &env, "web", started(&cloud, &env, "web", &r).await).await["Status"], "finished");
    let mut both = vec![file_name(&first), file_name(&pkg)];
    both.sort();
    assert_eq!(files_of(dir.path(), &env), both);
    let r = delete_versions(&cloud, &env, &[("web", "web-001")], false).await;
    assert_eq!(r["Result"], "succ", "{r}");
    assert_eq!(files_of(dir.path(), &env), [file_name(&pkg)]);
    let db =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("localcloud.db").display())).await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(size), 0) FROM packages WHERE env_id = ?")
        .bind(&env)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(stored, app_zip().len() as i64, "only the online version's package counts");
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
