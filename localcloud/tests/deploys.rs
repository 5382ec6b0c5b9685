//! Services and deploys over real HTTP: the step pipeline, real instances
//! behind the gateway, and every rule with Tencent's error code.

mod common;

use std::time::Duration;

use common::{
    Call, Cloud, STEP, code, create_env, detail, start, start_on, start_with_steps, started, steps, visit, wait_task,
};
use serde_json::{Value, json};

fn items(cpu: f64, mem: f64, min: i64, max: i64) -> Value {
    json!([
        {"Key": "Port", "IntValue": 8080},
        {"Key": "CpuSpecs", "FloatValue": cpu},
        {"Key": "MemSpecs", "FloatValue": mem},
        {"Key": "MinNum", "IntValue": min},
        {"Key": "MaxNum", "IntValue": max},
        {"Key": "EnvParam", "Value": "{\"GREETING\":\"hello\",\"DB_PASSWORD\":\"hunter2\"}"},
    ])
}

async fn create_service(cloud: &Cloud, env: &str, name: &str, image: &str) -> Value {
    Call::new(
        "tcbr",
        "CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": name, "DeployInfo": {"DeployType": "image", "ImageUrl": image}, "Items": items(0.5, 1.0, 0, 5)}),
    )
    .send(cloud)
    .await
}

#[tokio::test]
async fn r_dep_1_an_image_deploys_step_by_step_and_answers_on_its_domain() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-guangzhou", "prod").await;
    let created = create_service(&cloud, &env, "shop", "nginx:1.27").await;
    let task = started(&cloud, &env, "shop", &created).await;
    assert!(task > 0);

    let t = wait_task(&cloud, &env, "shop", task).await;
    assert_eq!(t["Status"], "finished", "{t}");
    assert_eq!(
        steps(&t),
        vec![
            ("pull image", "finished"),
            ("create version", "finished"),
            ("start instances", "finished"),
            ("health check", "finished"),
            ("release traffic", "finished"),
        ]
    );
    assert_eq!(t["VersionName"], "shop-001", "R-VER-1 names");

    let d = detail(&cloud, &env, "shop").await;
    assert_eq!(
        d["OnlineVersionInfos"],
        json!([{"VersionName": "shop-001", "ImageUrl": "nginx:1.27", "FlowRatio": "100"}])
    );
    assert_eq!(d["ServerConfig"]["Port"], 8080);
    let domain = d["BaseInfo"]["DefaultDomainName"].as_str().unwrap().to_string();
    assert_eq!(domain, format!("http://shop-{env}.run.localhost:{}", cloud.gateway.port()));

    let resp = visit(&cloud, &domain).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-localcloud-version"], "shop-001");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["version"], "shop-001");
    assert_eq!(body["request"]["path"], "/hello");
    assert_eq!(body["env"], json!({"GREETING": "hello"}), "secret-looking variables are never echoed");

    let records = Call::new("tcbr", "DescribeCloudRunDeployRecord", json!({"EnvId": env, "ServerName": "shop"}))
        .send(&cloud)
        .await;
    let record = &records["DeployRecords"][0];
    assert_eq!((record["DeployId"].as_str(), record["Status"].as_str()), (Some("shop-001"), Some("running")));
    // Opaque ids, as the real cloud's: the RunId says nothing of the version
    // or the task, and an image deploy has no build (BuildId 0).
    let run = record["RunId"].as_str().unwrap();
    assert!(!run.contains("shop") && run != task.to_string(), "{record}");
    assert_eq!(record["BuildId"], 0, "{record}");
    let logs = Call::new("tcbr", "DescribeCloudRunProcessLog", json!({"EnvId": env, "RunId": record["RunId"]}))
        .send(&cloud)
        .await;
    let text = logs["Logs"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect::<Vec<_>>().join("\n");
    assert!(text.contains("pulling nginx:1.27"), "{text}");
    assert!(text.contains("cannot run containers"), "the build log says so plainly");

    // R-ENV-6, now with a real service in the environment.
    assert_eq!(code(&Call::new("tcb", "DestroyEnv", json!({"EnvId": env})).send(&cloud).await), "ResourceInUse");
}

#[tokio::test]
async fn every_service_rule_is_refused_with_tencents_code() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-beijing", "rules").await;
    let call = |name: &str, deploy: Value, items: Value| {
        Call::new(
            "tcbr",
            "CreateCloudRunServer",
            json!({"EnvId": env, "ServerName": name, "DeployInfo": deploy, "Items": items}),
        )
    };
    let image = json!({"DeployType": "image", "ImageUrl": "nginx"});
    let cases = [
        ("2shop", image.clone(), items(0.5, 1.0, 0, 5), "InvalidParameterValue"), // R-SVC-3
        ("shop-", image.clone(), items(0.5, 1.0, 0, 5), "InvalidParameterValue"),
        ("shop", image.clone(), items(1.0, 1.0, 0, 5), "InvalidParameterValue"), // not a published pair
        ("shop", image.clone(), items(0.5, 1.0, 3, 2), "InvalidParameterValue"), // R-INS-2
        ("shop", image.clone(), items(0.5, 1.0, 0, 51), "InvalidParameterValue"),
        ("shop", image.clone(), json!([{"Key": "Port", "IntValue": 0}]), "InvalidParameterValue"), // R-LIM-2
        (
            "shop",
            image.clone(),
            json!([{"Key": "PolicyDetails", "PolicyDetails": [{"PolicyType": "cpu", "PolicyThreshold": 0}]}]),
            "InvalidParameterValue",
        ),
        ("shop", image.clone(), json!([{"Key": "EnvParam", "Value": "{\"1bad\":\"x\"}"}]), "InvalidParameterValue"),
        ("shop", json!({"DeployType": "image"}), items(0.5, 1.0, 0, 5), "MissingParameter"),
        ("shop", image.clone(), json!([{"Key": "MinNum", "Value": "one"}]), "InvalidParameterValue"),
        // Loose fields of the probe: every one refused, nothing stored.
        ("shop", json!({"DeployType": "image", "ImageUrl": "nginx;rm -rf /"}), json!([]), "InvalidParameterValue"),
        ("shop", json!({"DeployType": "image", "ImageUrl": "Nginx:1"}), json!([]), "InvalidParameterValue"),
        ("shop", image.clone(), json!([{"Key": "EnvParam", "Value": "{\"PORT\":8080}"}]), "InvalidParameterValue"),
        ("shop", image.clone(), json!([{"Key": "EnvParam", "Value": "{\"A\":null}"}]), "InvalidParameterValue"),
        (
            "shop",
            json!({"DeployType": "image", "ImageUrl": "nginx", "DeployRemark": "r".repeat(300)}),
            json!([]),
            "InvalidParameterValue",
        ),
    ];
    for (name, deploy, items, want) in cases {
        let r = call(name, deploy.clone(), items.clone()).send(&cloud).await;
        assert_eq!(code(&r), want, "{name} {deploy} {items}: {r}");
    }
    // Unique in the environment (R-SVC-3).
    assert_eq!(create_service(&cloud, &env, "shop", "nginx").await["TaskId"], 0);
    assert_eq!(code(&create_service(&cloud, &env, "shop", "nginx").await), "ResourceInUse");
    assert_eq!(code(&detail(&cloud, &env, "nothing").await), "ResourceNotFound.ServerNotFound");
}

#[tokio::test]
async fn a_failing_health_check_fails_the_deploy_and_explains_it() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "fails").await;
    let task =
        started(&cloud, &env, "sick", &create_service(&cloud, &env, "sick", "localcloud/fail-health").await).await;
    let t = wait_task(&cloud, &env, "sick", task).await;
    assert_eq!(t["Status"], "failed");
    let failed = t["Steps"].as_array().unwrap().iter().find(|s| s["Status"] == "failed").unwrap();
    assert_eq!(failed["Name"], "health check");
    assert!(failed["FailReason"].as_str().unwrap().contains("503"), "{failed}");
    let d = detail(&cloud, &env, "sick").await;
    assert_eq!(d["OnlineVersionInfos"], json!([]));
    assert_eq!(d["BaseInfo"]["Status"], "create_failed");
    assert_eq!(visit(&cloud, d["BaseInfo"]["DefaultDomainName"].as_str().unwrap()).await.status(), 404);

    let task = started(&cloud, &env, "ghost", &create_service(&cloud, &env, "ghost", "localcloud/missing").await).await;
    let t = wait_task(&cloud, &env, "ghost", task).await;
    assert_eq!(t["Steps"][0]["Status"], "failed", "the pull fails");
}

#[tokio::test]
async fn r_dep_3_cancel_keeps_the_version_offline_and_the_service() {
    let cloud = start_with_steps(Duration::from_millis(300)).await;
    let env = create_env(&cloud, "ap-shanghai", "cancel").await;
    let task = started(&cloud, &env, "web", &create_service(&cloud, &env, "web", "localcloud/slow-start").await).await;
    // TaskId 0 finds the running task, as the CLI does before cancelling.
    let running =
        Call::new("tcbr", "DescribeServerManageTask", json!({"EnvId": env, "ServerName": "web", "TaskId": 0}))
            .send(&cloud)
            .await;
    assert_eq!(running["Task"]["Id"], task);
    let op = json!({"EnvId": env, "ServerName": "web", "TaskId": task, "OperateType": "cancel"});
    let r = Call::new("tcbr", "OperateServerManage", op.clone()).send(&cloud).await;
    assert!(r.get("Error").is_none(), "{r}");
    // Nothing runs any more: a new update could start at once. TaskId 0 is
    // now the newest task, the cancelled one.
    let current =
        Call::new("tcbr", "DescribeServerManageTask", json!({"EnvId": env, "ServerName": "web", "TaskId": 0}))
            .send(&cloud)
            .await;
    assert_eq!((current["Task"]["Id"].as_i64(), current["Task"]["Status"].as_str()), (Some(task), Some("cancelled")));
    // OperateServerManage documents InvalidParameter only.
    assert_eq!(code(&Call::new("tcbr", "OperateServerManage", op).send(&cloud).await), "InvalidParameter");

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let t = Call::new("tcbr", "DescribeServerManageTask", json!({"EnvId": env, "ServerName": "web", "TaskId": task}))
        .send(&cloud)
        .await;
    assert_eq!(t["Task"]["Status"], "cancelled");
    assert_eq!(t["Task"]["Steps"][4]["Status"], "cancelled", "traffic was never released");
    let d = detail(&cloud, &env, "web").await;
    assert_eq!(d["OnlineVersionInfos"], json!([]), "the version never went online");
    assert_eq!(d["BaseInfo"]["ServerName"], "web", "cancelling the first deploy keeps the service");
}

#[tokio::test]
async fn r_svc_5_a_deleted_service_domain_dies_and_a_new_one_differs() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-guangzhou", "del").await;
    let task = started(&cloud, &env, "api", &create_service(&cloud, &env, "api", "nginx").await).await;
    wait_task(&cloud, &env, "api", task).await;
    let old = detail(&cloud, &env, "api").await["BaseInfo"]["DefaultDomainName"].as_str().unwrap().to_string();
    assert_eq!(visit(&cloud, &old).await.status(), 200);

    let r = Call::new("tcbr", "DeleteCloudRunServer", json!({"EnvId": env, "ServerName": "api"})).send(&cloud).await;
    assert_eq!(r["Result"], "success");
    let gone = visit(&cloud, &old).await;
    assert_eq!(gone.status(), 404);
    assert!(gone.text().await.unwrap().contains("never reused"));
    assert_eq!(code(&detail(&cloud, &env, "api").await), "ResourceNotFound.ServerNotFound");

    let task = started(&cloud, &env, "api", &create_service(&cloud, &env, "api", "nginx").await).await;
    wait_task(&cloud, &env, "api", task).await;
    let new = detail(&cloud, &env, "api").await["BaseInfo"]["DefaultDomainName"].as_str().unwrap().to_string();
    assert_ne!(new, old, "a re-created service is a different service with a different domain");
    assert_eq!(visit(&cloud, &old).await.status(), 404, "the old domain stays dead");
    assert_eq!(visit(&cloud, &new).await.status(), 200);
}

#[tokio::test]
async fn a_restart_mid_deploy_fails_the_task_instead_of_leaving_it_stuck() {
    let cloud = start_with_steps(Duration::from_secs(30)).await;
    let path = cloud.dir.as_ref().unwrap().path().to_path_buf();
    let env = create_env(&cloud, "ap-beijing", "restart").await;
    let task = started(&cloud, &env, "svc", &create_service(&cloud, &env, "svc", "nginx").await).await;

    // A new process on the same data: it cannot resume the dead process's instances.
    let again = start_on(&path, STEP).await;
    let t = Call::new("tcbr", "DescribeServerManageTask", json!({"EnvId": env, "ServerName": "svc", "TaskId": task}))
        .send(&again)
        .await;
    assert_eq!(t["Task"]["Status"], "failed");
    assert!(t["Task"]["FailReason"].as_str().unwrap().contains("restarted"));
    assert_eq!(detail(&again, &env, "svc").await["BaseInfo"]["Status"], "create_failed");
}

async fn update(cloud: &Cloud, env: &str, name: &str, image: &str) -> Value {
    Call::new(
        "tcbr",
        "UpdateCloudRunServer",
        json!({"EnvId": env, "ServerName": name, "DeployInfo": {"DeployType": "image", "ImageUrl": image, "ReleaseType": "FULL"}}),
    )
    .send(cloud)
    .await
}

#[tokio::test]
async fn r_svc_4_and_r_ver_1_updates_make_new_versions_one_at_a_time_and_a_failure_keeps_the_old_one() {
    let cloud = start_with_steps(Duration::from_millis(60)).await;
    let env = create_env(&cloud, "ap-shanghai", "upd").await;
    let first = started(&cloud, &env, "app", &create_service(&cloud, &env, "app", "nginx").await).await;
    // R-SVC-4: one update at a time.
    assert_eq!(code(&update(&cloud, &env, "app", "nginx:2").await), "ResourceInUse");
    wait_task(&cloud, &env, "app", first).await;

    let second = started(&cloud, &env, "app", &update(&cloud, &env, "app", "nginx:2").await).await;
    let t = wait_task(&cloud, &env, "app", second).await;
    assert_eq!((t["VersionName"].as_str(), t["Status"].as_str()), (Some("app-002"), Some("finished")));
    assert_eq!(t["PreVersionName"], "app-001");
    let domain = detail(&cloud, &env, "app").await["BaseInfo"]["DefaultDomainName"].as_str().unwrap().to_string();
    assert_eq!(visit(&cloud, &domain).await.headers()["x-localcloud-version"], "app-002", "R-UPD-1: all traffic moves");

    // A failing update: the online version keeps serving, untouched.
    let third = started(&cloud, &env, "app", &update(&cloud, &env, "app", "localcloud/fail-health").await).await;
    let t = wait_task(&cloud, &env, "app", third).await;
    assert_eq!((t["VersionName"].as_str(), t["Status"].as_str()), (Some("app-003"), Some("failed")));
    let still = visit(&cloud, &domain).await;
    assert_eq!(still.status(), 200);
    assert_eq!(still.headers()["x-localcloud-version"], "app-002");
    // Numbers keep going up past the failure (R-VER-1).
    let fourth = started(&cloud, &env, "app", &update(&cloud, &env, "app", "nginx:3").await).await;
    assert_eq!(wait_task(&cloud, &env, "app", fourth).await["VersionName"], "app-004");
}

#[tokio::test]
async fn r_dep_4_high_availability_starts_min_instances_and_low_cost_one() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-beijing", "pods").await;
    let ha = Call::new(
        "tcbr",
        "CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": "ha", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}, "Items": items(0.5, 1.0, 3, 5)}),
    )
    .send(&cloud)
    .await;
    let ha = started(&cloud, &env, "ha", &ha).await;
    let low = started(&cloud, &env, "low", &create_service(&cloud, &env, "low", "nginx").await).await;
    wait_task(&cloud, &env, "ha", ha).await;
    wait_task(&cloud, &env, "low", low).await;
    let pods = |name: &str| Call::new("tcbr", "DescribeCloudRunPodList", json!({"EnvId": env, "ServerName": name}));
    let ha_pods = pods("ha").send(&cloud).await;
    assert_eq!(ha_pods["TotalCount"], 3, "minNum instances in high-availability mode");
    assert!(ha_pods["PodList"][0]["PodId"].as_str().unwrap().starts_with("ha-001-"));
    assert_eq!(pods("low").send(&cloud).await["TotalCount"], 1, "one instance in low-cost mode");
    assert_eq!(code(&pods("nothing").send(&cloud).await), "ResourceNotFound.ServerNotFound");
}

#[tokio::test]
async fn r_ver_3_a_version_keeps_the_configuration_it_was_created_with() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-guangzhou", "frozen").await;
    let first = started(&cloud, &env, "cfg", &create_service(&cloud, &env, "cfg", "nginx").await).await;
    wait_task(&cloud, &env, "cfg", first).await;
    // The update changes the port and the spec; version 001 keeps its own.
    let changed = json!([{"Key": "Port", "IntValue": 9090}, {"Key": "CpuSpecs", "FloatValue": 1.0}, {"Key": "MemSpecs", "FloatValue": 2.0}]);
    let second = Call::new(
        "tcbr",
        "UpdateCloudRunServer",
        json!({"EnvId": env, "ServerName": "cfg", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx:2"}, "Items": changed}),
    )
    .send(&cloud)
    .await;
    let second = started(&cloud, &env, "cfg", &second).await;
    wait_task(&cloud, &env, "cfg", second).await;
    let version = |name: &str| {
        Call::new("tcbr", "DescribeVersionDetail", json!({"EnvId": env, "ServerName": "cfg", "VersionName": name}))
    };
    let v1 = version("cfg-001").send(&cloud).await;
    let v2 = version("cfg-002").send(&cloud).await;
    assert_eq!((v1["Port"].as_i64(), v1["Cpu"].as_f64()), (Some(8080), Some(0.5)));
    assert_eq!((v2["Port"].as_i64(), v2["Cpu"].as_f64(), v2["Mem"].as_f64()), (Some(9090), Some(1.0), Some(2.0)));
    assert!(v1["EnvParams"].as_str().unwrap().contains("GREETING"), "EnvParams is a JSON string");
    assert_eq!(code(&version("cfg-999").send(&cloud).await), "ResourceNotFound.VersionNotFound");
}

#[tokio::test]
async fn r_env_5_a_service_never_leaves_its_environment() {
    let cloud = start().await;
    let a = create_env(&cloud, "ap-guangzhou", "aaa").await;
    let b = create_env(&cloud, "ap-guangzhou", "bbb").await;
    let t = started(&cloud, &a, "shop", &create_service(&cloud, &a, "shop", "nginx:1.27").await).await;
    assert_eq!(wait_task(&cloud, &a, "shop", t).await["Status"], "finished");

    // No action reaches A's service through B: it is not there.
    let r = update(&cloud, &b, "shop", "nginx:1.28").await;
    assert_eq!(code(&r), "ResourceNotFound.ServerNotFound", "{r}");
    let r = Call::new("tcbr", "DeleteCloudRunServer", json!({"EnvId": b, "ServerName": "shop"})).send(&cloud).await;
    assert_eq!(code(&r), "ResourceNotFound.ServerNotFound");
    // The same name in B is another service, with its own domain and versions.
    let t = started(&cloud, &b, "shop", &create_service(&cloud, &b, "shop", "nginx:1.28").await).await;
    assert_eq!(wait_task(&cloud, &b, "shop", t).await["VersionName"], "shop-001");
    let (da, db) = (detail(&cloud, &a, "shop").await, detail(&cloud, &b, "shop").await);
    assert_ne!(da["BaseInfo"]["DefaultDomainName"], db["BaseInfo"]["DefaultDomainName"]);
    assert_eq!(da["OnlineVersionInfos"][0]["ImageUrl"], "nginx:1.27", "A's service is untouched");
}

/// The `tcb` CLI still sends the deprecated `ServerConfig`; documented keys
/// are kept even where localcloud does not act on them, and anything it
/// cannot honour is refused, never dropped.
#[tokio::test]
async fn server_config_is_accepted_items_are_kept_and_what_cannot_run_is_refused() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "cfg").await;
    let server_config = json!({"EnvId": env, "ServerName": "cli", "Cpu": 1.0, "Mem": 2.0, "MinNum": 1, "MaxNum": 3,
        "Port": 3000, "EnvParams": "{\"A\":\"b\"}", "CustomLogs": "stdout", "OpenAccessTypes": ["PUBLIC", "OA"],
        "InitialDelaySeconds": 2, "HasDockerfile": false, "PolicyDetails": [], "CreateTime": "", "Dockerfile": "",
        "BuildDir": "", "LogType": "custom", "LogSetId": "set-1", "LogTopicId": "topic-1", "LogParseType": "json"});
    let created = Call::new(
        "tcbr",
        "CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": "cli", "ServerConfig": server_config,
               "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx", "ReleaseType": "FULL"},
               "Items": [{"Key": "OperationMode", "Value": "condScale"}, {"Key": "Cmd", "ArrayValue": ["node", "app.js"]}]}),
    )
    .send(&cloud)
    .await;
    assert_eq!(created["TaskId"], 0, "{created}");
    let d = detail(&cloud, &env, "cli").await;
    let c = &d["ServerConfig"];
    assert_eq!((c["Port"].as_i64(), c["Cpu"].as_f64(), c["MinNum"].as_i64()), (Some(3000), Some(1.0), Some(1)), "{c}");
    assert_eq!(
        (c["LogSetId"].as_str(), c["LogTopicId"].as_str(), c["LogParseType"].as_str()),
        (Some("set-1"), Some("topic-1"), Some("json"))
    );
    assert_eq!((c["OperationMode"].as_str(), c["Cmd"].clone()), (Some("condScale"), json!(["node", "app.js"])));

    let update = |deploy: Value, items: Value| {
        Call::new(
            "tcbr",
            "UpdateCloudRunServer",
            json!({"EnvId": env, "ServerName": "cli", "DeployInfo": deploy, "Items": items}),
        )
    };
    let image = json!({"DeployType": "image", "ImageUrl": "nginx"});
    for (deploy, items, why) in [
        (json!({"DeployType": "image", "ImageUrl": "nginx", "ReleaseType": "CANARY"}), json!([]), "ReleaseType"),
        (image.clone(), json!([{"Key": "TimerScale"}]), "TimerScale"),
        (image.clone(), json!([{"Key": "NoSuchKey", "Value": "x"}]), "NoSuchKey"),
        (image.clone(), json!([{"Key": "LogParseType", "Value": "xml"}]), "LogParseType"),
    ] {
        let r = update(deploy, items).send(&cloud).await;
        assert_eq!(code(&r), "InvalidParameterValue", "{r}");
        assert!(r["Error"]["Message"].as_str().unwrap().contains(why), "{r}");
    }
}
