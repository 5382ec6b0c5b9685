//! Code-package deploys (R-DEP-2) over real HTTP: the signed upload URL, the
//! upload's limits, the build steps and their log, and DeleteCloudRunVersions.

mod common;

use common::packages::{
    DOCKERFILE, app_zip, chunked, create_from_package, delete_versions, package_deploy, port_8080, put, step_names,
    update_from_package, upload, upload_slot, zip_of,
};
use common::{Call, PACKAGE_MAX, STEP, code, create_env, detail, run_id, start, start_on, started, visit, wait_task};
use serde_json::{Value, json};

#[tokio::test]
async fn r_dep_2_a_package_is_uploaded_built_pushed_and_served() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let pkg = upload(&cloud, &env, "api", app_zip()).await;
    assert_eq!(pkg.0, "api.zip");

    let created = create_from_package(&cloud, &env, "api", &pkg, port_8080()).await;
    let task = started(&cloud, &env, "api", &created).await;
    let t = wait_task(&cloud, &env, "api", task).await;
    assert_eq!(t["Status"], "finished", "{t}");
    assert_eq!(t["DeployType"], "package");
    let names: Vec<String> = step_names(&t).into_iter().map(|(n, s)| format!("{n}:{s}")).collect();
    assert_eq!(
        names,
        [
            "validate upload:finished",
            "build image:finished",
            "push image:finished",
            "create version:finished",
            "start instances:finished",
            "health check:finished",
            "release traffic:finished"
        ]
    );

    // The built image answers on the domain.
    let d = detail(&cloud, &env, "api").await;
    let image = d["OnlineVersionInfos"][0]["ImageUrl"].as_str().unwrap().to_string();
    assert_eq!(image, format!("registry.localcloud/{env}/api:api-001"));
    assert_eq!(d["ServerConfig"]["Dockerfile"], "Dockerfile");
    assert_eq!(d["ServerConfig"]["BuildDir"], ".");
    let body: Value = visit(&cloud, d["BaseInfo"]["DefaultDomainName"].as_str().unwrap()).await.json().await.unwrap();
    assert_eq!((body["version"].as_str(), body["image"].as_str()), (Some("api-001"), Some(image.as_str())));

    // The build log: the Dockerfile's steps, with continuations joined, and
    // the image digest as the package's hash; paged from `Start`.
    // Its BuildId comes from the deploy record: opaque, not the task's id.
    let records = Call::new("tcbr", "DescribeCloudRunDeployRecord", json!({"EnvId": env, "ServerName": "api"}))
        .send(&cloud)
        .await;
    let build = records["DeployRecords"][0]["BuildId"].as_i64().unwrap_or_else(|| panic!("{records}"));
    assert!(build != 0 && build != task, "{records}");
    assert!(!records["DeployRecords"][0]["RunId"].as_str().unwrap().contains("api"), "{records}");
    let log =
        Call::new("tcb", "DescribeCloudBaseRunBuildLog", json!({"EnvId": env, "BuildId": build})).send(&cloud).await;
    let text = log["Log"]["Text"].as_str().unwrap();
    assert!(text.contains("Step 1/6 : FROM node:20-alpine"), "{text}");
    assert!(text.contains("Step 4/6 : RUN npm ci --omit=dev"), "{text}");
    assert!(text.contains("cannot run containers"), "{text}");
    assert!(!text.contains("health"), "only the build steps: {text}");
    let total = log["Log"]["Total"].as_i64().unwrap();
    assert_eq!(log["Log"]["Delivered"], total);
    assert_eq!(log["Log"]["More"], false);
    let rest = Call::new(
        "tcb",
        "DescribeCloudBaseRunBuildLog",
        json!({"EnvId": env, "ServiceName": "api", "ServiceVersion": "api-001", "Start": total - 1}),
    )
    .send(&cloud)
    .await;
    assert_eq!(rest["Log"]["Delivered"], 1, "{rest}");
    assert!(rest["Log"]["Text"].as_str().unwrap().contains("pushed registry.localcloud/"), "{rest}");

    // A slot's download URL serves nothing until its upload.
    let slot = upload_slot(&cloud, &env, "api").await;
    let back = reqwest::get(slot["DownloadUrl"].as_str().unwrap()).await.unwrap();
    assert_eq!(back.status(), 404, "a slot never filled has nothing to download");
}

#[tokio::test]
async fn upload_urls_are_signed_short_lived_single_use_and_capped() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let slot = upload_slot(&cloud, &env, "api").await;
    let url = slot["UploadUrl"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("http://{}/packages/{env}/", cloud.addr)), "{url}");
    assert_eq!(slot["UploadHeaders"], json!([{"Key": "Content-Type", "Value": "application/zip"}]));

    // A tampered signature or path is refused before a byte is stored.
    let tampered = url.replace("sign=", "sign=0");
    assert_eq!(put(&tampered, app_zip()).await.status(), 403);
    let other_path = url.replace("/api.zip", "/web.zip");
    assert_eq!(put(&other_path, app_zip()).await.status(), 403);
    // Over the cap: refused by Content-Length, and while streaming without one.
    let big = vec![b'x'; PACKAGE_MAX as usize + 1];
    assert_eq!(put(&url, big.clone()).await.status(), 413);
    let streamed = reqwest::Client::new().put(&url).body(chunked(big)).send().await.unwrap();
    assert_eq!(streamed.status(), 413);
    assert_eq!(put(&url, vec![]).await.status(), 400, "an empty package");
    // Nothing above filled the slot: a deploy cannot use it yet.
    let v = slot["PackageVersion"].as_str().unwrap().to_string();
    let r = create_from_package(&cloud, &env, "api", &("api.zip".into(), v.clone()), port_8080()).await;
    assert_eq!(code(&r), "InvalidParameterValue", "{r}");

    // Once, then never again: a package a deploy built from does not change.
    let zip = app_zip();
    assert_eq!(put(&url, zip.clone()).await.status(), 200);
    assert_eq!(put(&url, zip.clone()).await.status(), 409);
    let back = reqwest::get(slot["DownloadUrl"].as_str().unwrap()).await.unwrap();
    assert_eq!(back.status(), 200);
    assert_eq!(back.bytes().await.unwrap().to_vec(), zip);

    // Each slot gets its own version.
    let again = upload_slot(&cloud, &env, "api").await;
    assert_ne!(again["PackageVersion"], slot["PackageVersion"]);
}

#[tokio::test]
async fn a_bad_package_fails_its_build_step_with_the_reason_and_the_old_version_keeps_serving() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let good = upload(&cloud, &env, "api", app_zip()).await;
    let t = create_from_package(&cloud, &env, "api", &good, port_8080()).await;
    assert_eq!(wait_task(&cloud, &env, "api", started(&cloud, &env, "api", &t).await).await["Status"], "finished");

    let cases: [(Vec<u8>, Value, &str, &str); 5] = [
        (b"PK not really a zip".to_vec(), port_8080(), "validate upload", "not a zip archive"),
        (
            zip_of(&[("app/Dockerfile", DOCKERFILE)]),
            port_8080(),
            "validate upload",
            "no Dockerfile at `Dockerfile` in the package; it has app/Dockerfile",
        ),
        (
            zip_of(&[("Dockerfile", "FROM node\nCOPYY . .\n")]),
            port_8080(),
            "build image",
            "Dockerfile: line 2: unknown instruction `COPYY`",
        ),
        (
            zip_of(&[("Dockerfile", "FROM node\nCOPY package.json ./\n")]),
            port_8080(),
            "build image",
            "Dockerfile: line 2: COPY failed: `package.json` is not in the build context",
        ),
        (
            zip_of(&[("svc/Dockerfile.prod", DOCKERFILE)]),
            json!([{"Key": "BuildDir", "Value": "svc"}, {"Key": "Dockerfile", "Value": "Dockerfile.missing"}]),
            "validate upload",
            "no Dockerfile at `svc/Dockerfile.missing`",
        ),
    ];
    for (zip, items, step, why) in cases {
        let pkg = upload(&cloud, &env, "api", zip).await;
        let r = update_from_package(&cloud, &env, "api", &pkg, items).await;
        let t = wait_task(&cloud, &env, "api", started(&cloud, &env, "api", &r).await).await;
        assert_eq!(t["Status"], "failed", "{t}");
        let failed: Vec<(String, String)> = step_names(&t).into_iter().filter(|(_, s)| s == "failed").collect();
        assert_eq!(failed, [(step.to_string(), "failed".to_string())], "{t}");
        assert!(t["FailReason"].as_str().unwrap().contains(why), "{why} in {t}");
        let body: Value =
            visit(&cloud, detail(&cloud, &env, "api").await["BaseInfo"]["DefaultDomainName"].as_str().unwrap())
                .await
                .json()
                .await
                .unwrap();
        assert_eq!(body["version"], "api-001", "the old version keeps serving");
    }

    // A build directory elsewhere in the package works when the settings say so.
    let pkg = upload(&cloud, &env, "api", zip_of(&[("svc/Dockerfile.prod", DOCKERFILE)])).await;
    let items = json!([{"Key": "BuildDir", "Value": "./svc"}, {"Key": "Dockerfile", "Value": "Dockerfile.prod"}]);
    let r = update_from_package(&cloud, &env, "api", &pkg, items).await;
    let t = wait_task(&cloud, &env, "api", started(&cloud, &env, "api", &r).await).await;
    assert_eq!(t["Status"], "finished", "{t}");
    assert_eq!(t["VersionName"], "api-007", "R-VER-1: failed builds used 002-006");
}

/// The lines of the deploy of `version`, process log and build log, as one text.
async fn all_log_lines(cloud: &common::Cloud, env: &str, service: &str, version: &str) -> String {
    let run = json!({"EnvId": env, "RunId": run_id(cloud, env, service, version).await});
    let process = Call::new("tcbr", "DescribeCloudRunProcessLog", run).send(cloud).await;
    let build = json!({"EnvId": env, "ServiceName": service, "ServiceVersion": version});
    let build = Call::new("tcb", "DescribeCloudBaseRunBuildLog", build).send(cloud).await;
    format!("{}\n{}", process["Logs"], build["Log"]["Text"].as_str().unwrap_or_else(|| panic!("{build}")))
}

/// The values of secret-looking `ENV` and `ARG` names were logged with their
/// instructions, for any viewer of the deploy to read.
#[tokio::test]
async fn secrets_in_the_dockerfile_reach_no_log_line() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let dockerfile = "FROM node:20\nARG NPM_TOKEN=tok-123\nENV DB_PASSWORD=hunter2 REGION=sh\n\
                      ENV API_KEY s3cr3t-value\nENV DATABASE_URL=\"postgres://app:pg-pw@db/app\" \\\n  PORT=8080\n\
                      COPY . .\nEXPOSE 8080\n";
    let pkg = upload(&cloud, &env, "api", zip_of(&[("Dockerfile", dockerfile)])).await;
    let r = create_from_package(&cloud, &env, "api", &pkg, port_8080()).await;
    let t = wait_task(&cloud, &env, "api", started(&cloud, &env, "api", &r).await).await;
    assert_eq!(t["Status"], "finished", "{t}");
    let lines = all_log_lines(&cloud, &env, "api", "api-001").await;
    for secret in ["tok-123", "hunter2", "s3cr3t-value", "pg-pw"] {
        assert!(!lines.contains(secret), "{secret} in {lines}");
    }
    let mask = console_shared::secrets::SECRET_MASK;
    for masked in [
        format!("ARG NPM_TOKEN={mask}"),
        format!("ENV DB_PASSWORD={mask} REGION=sh"),
        format!("ENV API_KEY {mask}"),
        format!("ENV DATABASE_URL={mask} PORT=8080"),
    ] {
        assert!(lines.contains(&masked), "{masked} in {lines}");
    }
}

/// Zips without directory entries (what most tools make) have directories
/// for wildcards all the same, as Docker's build context does.
#[tokio::test]
async fn wildcards_match_the_directories_a_zip_only_implies() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let dockerfile = "FROM node:20\nCOPY sr* /app/\nCOPY */ /x/\nCOPY src/l?b/*.js /y/\nCOPY a\\*? /z/\nEXPOSE 8080\n";
    // `\*` is a literal `*`.
    let files = [("Dockerfile", dockerfile), ("src/lib/util.js", ""), ("src/server.js", ""), ("a*b", "")];
    let pkg = upload(&cloud, &env, "api", zip_of(&files)).await;
    let r = create_from_package(&cloud, &env, "api", &pkg, port_8080()).await;
    let t = wait_task(&cloud, &env, "api", started(&cloud, &env, "api", &r).await).await;
    assert_eq!(t["Status"], "finished", "{t}");
}

#[tokio::test]
async fn package_parameters_are_refused_with_tencents_codes() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let pkg = upload(&cloud, &env, "api", app_zip()).await;
    let slot = |body: Value| Call::new("tcb", "DescribeCloudBaseBuildService", body);
    let cases = [
        (slot(json!({"EnvId": env, "ServiceName": "api", "Suffix": ".tar.gz"})), "InvalidParameterValue"),
        (slot(json!({"EnvId": env, "ServiceName": "api", "CIBusiness": "lambda"})), "InvalidParameterValue"),
        (slot(json!({"EnvId": env, "ServiceName": "-api"})), "InvalidParameterValue"),
        (slot(json!({"EnvId": env})), "MissingParameter"),
        (slot(json!({"EnvId": "nope-123", "ServiceName": "api"})), "ResourceNotFound"),
        (
            Call::new(
                "tcbr",
                "CreateCloudRunServer",
                json!({"EnvId": env, "ServerName": "api", "DeployInfo": {"DeployType": "package", "PackageName": "api.zip"}}),
            ),
            "MissingParameter",
        ),
        (
            Call::new(
                "tcbr",
                "CreateCloudRunServer",
                json!({"EnvId": env, "ServerName": "api", "DeployInfo": {"DeployType": "jar"}}),
            ),
            "InvalidParameterValue",
        ),
        (
            Call::new(
                "tcbr",
                "CreateCloudRunServer",
                json!({"EnvId": env, "ServerName": "api", "DeployInfo": package_deploy(&pkg.0, &pkg.1), "Items": [{"Key": "BuildDir", "Value": "../etc"}]}),
            ),
            "InvalidParameterValue",
        ),
        (
            Call::new(
                "tcbr",
                "CreateCloudRunServer",
                json!({"EnvId": env, "ServerName": "api", "DeployInfo": package_deploy(&pkg.0, &pkg.1), "Items": [{"Key": "Dockerfile", "Value": "a/Dockerfile"}]}),
            ),
            "InvalidParameterValue",
        ),
        (Call::new("tcb", "DescribeCloudBaseRunBuildLog", json!({"EnvId": env})), "MissingParameter"),
        (Call::new("tcb", "DescribeCloudBaseRunBuildLog", json!({"EnvId": env, "BuildId": 999})), "ResourceNotFound"),
        (
            Call::new("tcb", "DescribeCloudBaseRunBuildLog", json!({"EnvId": env, "BuildId": 1, "Start": -1})),
            "InvalidParameterValue",
        ),
    ];
    for (call, want) in cases {
        let body = String::from_utf8(call.body.clone()).unwrap();
        let r = call.send(&cloud).await;
        assert_eq!(code(&r), want, "{body} -> {r}");
    }
    let r = Call::new("tcbr", "DescribeCloudRunServers", json!({"EnvId": env})).send(&cloud).await;
    assert_eq!(r["Total"], 0, "no refused call created anything");
}

fn failed_codes(r: &Value) -> Vec<String> {
    r["FailVersions"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|f| f["ErrorMsg"].as_str().unwrap().split(':').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn delete_versions_keeps_the_one_with_traffic_and_records_stay_readable() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    for _ in 0..2 {
        let pkg = upload(&cloud, &env, "api", app_zip()).await;
        let r = match detail(&cloud, &env, "api").await["Error"]["Code"].as_str() {
            Some(_) => create_from_package(&cloud, &env, "api", &pkg, port_8080()).await,
            None => update_from_package(&cloud, &env, "api", &pkg, json!([])).await,
        };
        assert_eq!(wait_task(&cloud, &env, "api", started(&cloud, &env, "api", &r).await).await["Status"], "finished");
    }
    // api-002 is online. It stays; a missing version or one named under
    // another EnvId fails on its own without stopping the others.
    let r = delete_versions(&cloud, &env, &[("api", "api-002")], false).await;
    assert_eq!((r["Result"].as_str(), failed_codes(&r)), (Some("fail"), vec!["ResourceInUse".to_string()]));
    let r = delete_versions(&cloud, &env, &[("api", "api-001"), ("api", "api-009")], false).await;
    assert_eq!(r["Result"], "partial", "{r}");
    assert_eq!(failed_codes(&r), ["ResourceNotFound.VersionNotFound"]);
    assert_eq!(r["SuccessVersions"][0]["Version"]["VersionName"], "api-001");
    let foreign = Call::new(
        "tcbr",
        "DeleteCloudRunVersions",
        json!({"EnvId": env, "IsDeleteServer": false, "IsDeleteImage": false,
               "SimpleVersions": [{"EnvId": "other-1", "ServerName": "api", "VersionName": "api-002"}]}),
    )
    .send(&cloud)
    .await;
    assert_eq!(failed_codes(&foreign), ["InvalidParameter"]);
    let v = Call::new(
        "tcbr",
        "DescribeVersionDetail",
        json!({"EnvId": env, "ServerName": "api", "VersionName": "api-001"}),
    )
    .send(&cloud)
    .await;
    assert_eq!(code(&v), "ResourceNotFound.VersionNotFound");
    // R-DEP-5: the deleted version's deploy record is still there.
    let records = Call::new("tcbr", "DescribeCloudRunDeployRecord", json!({"EnvId": env, "ServerName": "api"}))
        .send(&cloud)
        .await;
    let ids: Vec<&str> =
        records["DeployRecords"].as_array().unwrap().iter().map(|d| d["DeployId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["api-002", "api-001"]);
    assert_eq!(records["DeployRecords"][1]["ImageUrl"], Value::Null);
    let empty = Call::new(
        "tcbr",
        "DeleteCloudRunVersions",
        json!({"EnvId": env, "IsDeleteServer": false, "IsDeleteImage": false, "SimpleVersions": []}),
    )
    .send(&cloud)
    .await;
    assert_eq!(code(&empty), "InvalidParameter");

    // The last version goes only with IsDeleteServer, and takes the service (R-SVC-5).
    let domain = detail(&cloud, &env, "api").await["BaseInfo"]["DefaultDomainName"].as_str().unwrap().to_string();
    let r = delete_versions(&cloud, &env, &[("api", "api-002")], true).await;
    assert_eq!(r["Result"], "succ", "{r}");
    assert_eq!(code(&detail(&cloud, &env, "api").await), "ResourceNotFound.ServerNotFound");
    assert_eq!(visit(&cloud, &domain).await.status(), 404);
}

#[tokio::test]
async fn a_restart_sweeps_cut_off_uploads_and_the_url_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let cloud = start_on(dir.path(), STEP).await;
    let env = create_env(&cloud, "ap-shanghai", "pkg").await;
    let slot = upload_slot(&cloud, &env, "api").await;
    // An upload cut off by a stop left its partial file behind.
    let part = dir.path().join("packages").join(&env).join(".1-api.zip.0000.part");
    std::fs::create_dir_all(part.parent().unwrap()).unwrap();
    std::fs::write(&part, b"half a zip").unwrap();

    let again = start_on(dir.path(), STEP).await;
    assert!(!part.exists(), "the partial file is swept at start");
    // The URL's key lives in the data directory: it still works, once.
    let url = slot["UploadUrl"].as_str().unwrap().replace(&cloud.addr.to_string(), &again.addr.to_string());
    assert_eq!(put(&url, app_zip()).await.status(), 200);
}
