//! Releases over real HTTP (R-UPD, R-VER-2, R-RB): gray updates and their
//! release order, the split served by the gateway (by percentage and by URL
//! parameter), finishing and abandoning, rollback, settings changes, and
//! every rule with Tencent's error code.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::releases::{
    call, create, flow, full_update, get, gray_update, hits, items, keep_visiting, online, only, operate, order, pairs,
    process_log, records, release_gray, rollback_call, settings_call, task, update_call, url_rule,
};
use common::{
    STEP, code, create_env, detail, start, start_config, start_on, start_with_steps, started, steps, store, wait_task,
};
use serde_json::json;

#[tokio::test]
async fn r_upd_2_a_gray_update_opens_a_release_order_at_zero_percent_and_blocks_other_updates() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "gray").await;
    let domain = create(&cloud, &env, "app", "nginx:1", "one").await;
    assert_eq!(full_update(&cloud, &env, "app", "nginx:2", "two").await["Status"], "finished");
    let gray = gray_update(&cloud, &env, "app", "nginx:3").await;

    // The CLI finds the gray task with TaskId 0: running until the release ends.
    let current =
        call("DescribeServerManageTask", json!({"EnvId": env, "ServerName": "app", "TaskId": 0})).send(&cloud).await;
    let t = &current["Task"];
    assert_eq!((t["Id"].as_i64(), t["ReleaseType"].as_str()), (Some(gray), Some("GRAY")), "{t}");
    assert_eq!((t["Status"].as_str(), t["ChangeType"].as_str()), (Some("running"), Some("CODE")));
    assert_eq!((t["VersionName"].as_str(), t["PreVersionName"].as_str()), (Some("app-003"), Some("app-002")));
    assert!(steps(t).iter().all(|(_, status)| *status == "finished"), "{t}");

    let o = order(&cloud, &env, "app", Some("open")).await;
    assert_eq!(o["IsExist"], true, "{o}");
    let info = &o["ReleaseOrderInfo"];
    assert_eq!(info["CurrentVersion"]["VersionName"], "app-002");
    assert_eq!(info["ReleaseVersion"]["VersionName"], "app-003");
    assert_eq!((info["ReleaseStatus"].as_str(), info["TrafficType"].as_str()), (Some("open"), Some("FLOW")));
    assert_eq!((info["FlowRatio"].as_i64(), info["ReleaseVersion"]["FlowRatio"].as_i64()), (Some(0), Some(0)));
    assert_eq!(info["CurrentVersion"]["FlowRatio"], 100);
    assert_eq!(info["ReleaseVersion"]["CurrentReplicas"], 1, "the new version runs");
    assert_eq!(online(&cloud, &env, "app").await, pairs(&[("app-002", "100"), ("app-003", "0")]));
    assert_eq!(hits(&cloud, &domain, "/", 40).await, only("app-002", 40), "0 % means no request");

    let recs = records(&cloud, &env, "app").await;
    let (canary, stable) = (&recs[0], &recs[1]);
    assert_eq!((canary["DeployId"].as_str(), canary["Status"].as_str()), (Some("app-003"), Some("running")));
    assert_eq!((canary["IsReleasing"].as_bool(), canary["FlowRatio"].as_i64()), (Some(true), Some(0)));
    assert_eq!((stable["DeployId"].as_str(), stable["FlowRatio"].as_i64()), (Some("app-002"), Some(100)));
    assert_eq!(stable["HasTraffic"], true);

    // R-SVC-4 / R-UPD-6: nothing else starts while the release is open.
    let busy = [
        update_call(&env, "app", "nginx:4", "FULL", "x").send(&cloud).await,
        update_call(&env, "app", "nginx:4", "GRAY", "x").send(&cloud).await,
        settings_call(&env, "app", json!([{"Key": "MinNum", "IntValue": 1}])).send(&cloud).await,
        rollback_call(&env, "app", "app-002", "app-001").send(&cloud).await,
        call("DeleteCloudRunServer", json!({"EnvId": env, "ServerName": "app"})).send(&cloud).await,
    ];
    for r in busy {
        assert_eq!(code(&r), "ResourceInUse", "{r}");
        assert!(r["Error"]["Message"].as_str().unwrap().contains("gray release is open"), "{r}");
    }
    let deleted = call(
        "DeleteCloudRunVersions",
        json!({"EnvId": env, "IsDeleteServer": false, "IsDeleteImage": false,
               "SimpleVersions": [{"EnvId": env, "ServerName": "app", "VersionName": "app-003"}]}),
    )
    .send(&cloud)
    .await;
    assert_eq!(deleted["Result"], "fail", "the new version of an open release stays: {deleted}");
    // Its deploy is over: it is finished or abandoned, not cancelled.
    let r = operate(&cloud, &env, "app", gray, "cancel").await;
    assert_eq!(code(&r), "InvalidParameter", "{r}");
    assert!(r["Error"]["Message"].as_str().unwrap().contains("go_back"), "{r}");
}

#[tokio::test]
async fn r_upd_2_a_seventy_thirty_split_lands_inside_a_binomial_interval() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-guangzhou", "split").await;
    let domain = create(&cloud, &env, "web", "nginx:1", "one").await;
    gray_update(&cloud, &env, "web", "nginx:2").await;
    let r = release_gray(&cloud, &env, "web", flow(("web-001", 70), ("web-002", 30))).await;
    assert!(r.get("Error").is_none(), "{r}");
    assert_eq!(online(&cloud, &env, "web").await, pairs(&[("web-001", "70"), ("web-002", "30")]));
    assert_eq!(order(&cloud, &env, "web", None).await["ReleaseOrderInfo"]["FlowRatio"], 30);
    let recs = records(&cloud, &env, "web").await;
    assert_eq!((recs[0]["FlowRatio"].as_i64(), recs[1]["FlowRatio"].as_i64()), (Some(30), Some(70)));
    assert_eq!((recs[0]["HasTraffic"].as_bool(), recs[1]["HasTraffic"].as_bool()), (Some(true), Some(true)));

    // 1 000 requests at 30 %: the canary's count is Binomial(1000, 0.3).
    // A 99.9 % two-sided interval is the mean ± 3.29 standard deviations.
    let n = 1000.0_f64;
    let (mean, sd) = (n * 0.3, (n * 0.3 * 0.7).sqrt());
    let (low, high) = ((mean - 3.29 * sd).floor() as usize, (mean + 3.29 * sd).ceil() as usize);
    assert_eq!((low, high), (252, 348));
    let by_version = hits(&cloud, &domain, "/", 1000).await;
    let canary = by_version.get("web-002").copied().unwrap_or(0);
    assert_eq!(canary + by_version.get("web-001").copied().unwrap_or(0), 1000, "{by_version:?}");
    assert!((low..=high).contains(&canary), "{canary} canary answers of 1000 at 30 %");

    // GrayFlowRatio alone sets the new version's share.
    let r = release_gray(&cloud, &env, "web", json!({"TrafficType": "FLOW", "GrayFlowRatio": 100})).await;
    assert!(r.get("Error").is_none(), "{r}");
    assert_eq!(hits(&cloud, &domain, "/", 30).await, only("web-002", 30));
    assert_eq!(order(&cloud, &env, "web", None).await["ReleaseOrderInfo"]["ReleaseStatus"], "open", "still open");
    assert!(process_log(&cloud, &env, "web", "web-002").await.contains("traffic split: web-002 30%, web-001 70%"));
}

#[tokio::test]
async fn r_upd_4_url_parameters_route_matching_requests_with_wildcards() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-beijing", "url").await;
    let domain = create(&cloud, &env, "api", "nginx:1", "one").await;
    gray_update(&cloud, &env, "api", "nginx:2").await;
    let r = release_gray(&cloud, &env, "api", url_rule("api-001", "api-002", "beta", "user-*")).await;
    assert!(r.get("Error").is_none(), "{r}");

    assert_eq!(hits(&cloud, &domain, "/?beta=user-42", 20).await, only("api-002", 20), "a match");
    assert_eq!(hits(&cloud, &domain, "/p?x=1&beta=user-", 5).await, only("api-002", 5), "`*` matches nothing too");
    assert_eq!(hits(&cloud, &domain, "/?beta=user%2D7", 5).await, only("api-002", 5), "values are decoded");
    assert_eq!(hits(&cloud, &domain, "/?beta=admin-1", 20).await, only("api-001", 20), "no match");
    assert_eq!(hits(&cloud, &domain, "/?other=user-1", 5).await, only("api-001", 5), "another key");
    assert_eq!(hits(&cloud, &domain, "/", 20).await, only("api-001", 20), "no query");

    assert_eq!(online(&cloud, &env, "api").await, pairs(&[("api-001", "100"), ("api-002", "0")]));
    let info = order(&cloud, &env, "api", Some("open")).await["ReleaseOrderInfo"].clone();
    assert_eq!(info["TrafficType"], "URL_PARAMS");
    assert_eq!(info["TrafficTypeValues"], json!([{"Key": "beta", "Value": "user-*"}]));
    assert_eq!(info["ReleaseVersion"]["UrlParam"], json!({"Key": "beta", "Value": "user-*"}));
    assert_eq!(info["CurrentVersion"]["IsDefaultPriority"], true);

    // The rule may send its requests to the old version, the new one being the default.
    let r = release_gray(&cloud, &env, "api", url_rule("api-002", "api-001", "stay", "*")).await;
    assert!(r.get("Error").is_none(), "{r}");
    assert_eq!(hits(&cloud, &domain, "/?stay=yes", 10).await, only("api-001", 10));
    assert_eq!(hits(&cloud, &domain, "/", 10).await, only("api-002", 10));
    assert_eq!(online(&cloud, &env, "api").await, pairs(&[("api-001", "0"), ("api-002", "100")]));
}

#[tokio::test]
async fn every_gray_release_rule_is_refused_with_tencents_code() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "rules").await;
    // R-UPD-2: a first deploy cannot be gray, nor can an update with nothing online.
    let r = call(
        "CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": "new", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx", "ReleaseType": "GRAY"}}),
    )
    .send(&cloud)
    .await;
    assert_eq!(code(&r), "InvalidParameter", "{r}");
    let sick = call(
        "CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": "sick", "DeployInfo": {"DeployType": "image", "ImageUrl": "localcloud/fail-health"}}),
    )
    .send(&cloud)
    .await;
    wait_task(&cloud, &env, "sick", started(&cloud, &env, "sick", &sick).await).await;
    assert_eq!(code(&update_call(&env, "sick", "nginx", "GRAY", "x").send(&cloud).await), "InvalidParameter");

    create(&cloud, &env, "app", "nginx:1", "one").await;
    // No release order is open.
    let r = release_gray(&cloud, &env, "app", flow(("app-001", 50), ("app-002", 50))).await;
    assert_eq!(code(&r), "ResourceUnavailable", "{r}");
    assert_eq!(order(&cloud, &env, "app", None).await["IsExist"], false);
    assert_eq!(code(&operate(&cloud, &env, "app", 1, "done").await), "InvalidParameter");

    let gray = gray_update(&cloud, &env, "app", "nginx:2").await;
    let item = |v: &str, ratio: i64| json!({"VersionName": v, "FlowRatio": ratio, "IsDefaultPriority": false});
    let refused = [
        // R-VER-2: a third version never gets traffic.
        json!({"TrafficType": "FLOW", "VersionFlowItems": [item("app-001", 50), item("app-003", 50)]}),
        json!({"TrafficType": "FLOW", "VersionFlowItems": [item("app-001", 60), item("app-002", 30)]}),
        json!({"TrafficType": "FLOW", "VersionFlowItems": [item("app-001", 101), item("app-002", -1)]}),
        json!({"TrafficType": "FLOW", "VersionFlowItems": [item("app-002", 50), item("app-002", 50)]}),
        json!({"TrafficType": "FLOW", "VersionFlowItems": [item("app-002", 30)]}),
        json!({"TrafficType": "FLOW", "VersionFlowItems": [{"VersionName": "app-002", "IsDefaultPriority": false}]}),
        json!({"TrafficType": "FLOW", "GrayFlowRatio": 120}),
        json!({"TrafficType": "FLOW"}),
        json!({"TrafficType": "HEADERS", "GrayFlowRatio": 10}),
        url_rule("app-001", "app-002", "", "on"),
        url_rule("app-001", "app-002", "beta", " "),
        url_rule("app-001", "app-009", "beta", "on"),
        json!({"TrafficType": "URL_PARAMS", "VersionFlowItems": [
            {"VersionName": "app-001", "IsDefaultPriority": true},
            {"VersionName": "app-002", "IsDefaultPriority": true, "UrlParam": {"Key": "a", "Value": "b"}}]}),
        json!({"TrafficType": "URL_PARAMS", "VersionFlowItems": [
            {"VersionName": "app-001", "IsDefaultPriority": true},
            {"VersionName": "app-002", "IsDefaultPriority": false}]}),
        json!({"TrafficType": "URL_PARAMS", "VersionFlowItems": [
            {"VersionName": "app-002", "IsDefaultPriority": false, "UrlParam": {"Key": "a", "Value": "b"}}]}),
        // Closing needs the new version at 100 %.
        json!({"TrafficType": "FLOW", "GrayFlowRatio": 50, "CloseGrayRelease": true}),
    ];
    for split in refused {
        let r = release_gray(&cloud, &env, "app", split.clone()).await;
        assert_eq!(code(&r), "InvalidParameter", "{split}: {r}");
    }
    assert_eq!(order(&cloud, &env, "app", None).await["ReleaseOrderInfo"]["FlowRatio"], 0, "nothing changed");
    // A version may be left out: it gets 0 %.
    let r =
        release_gray(&cloud, &env, "app", json!({"TrafficType": "FLOW", "VersionFlowItems": [item("app-001", 100)]}))
            .await;
    assert!(r.get("Error").is_none(), "{r}");
    // The official examples send an empty TrafficType: a split by percentage.
    let r = release_gray(&cloud, &env, "app", json!({"TrafficType": "", "GrayFlowRatio": 20})).await;
    assert!(r.get("Error").is_none(), "{r}");
    let info = order(&cloud, &env, "app", None).await["ReleaseOrderInfo"].clone();
    assert_eq!((info["TrafficType"].as_str(), info["FlowRatio"].as_i64()), (Some("FLOW"), Some(20)), "{info}");
    let r = call("ReleaseGray", json!({"EnvId": env, "ServerName": "app", "TrafficType": "FLOW"})).send(&cloud).await;
    assert_eq!(code(&r), "MissingParameter", "GrayType is required: {r}");

    // done and go_back need the open release's own task; OperateType is one of three.
    assert_eq!(code(&operate(&cloud, &env, "app", gray - 1, "done").await), "InvalidParameter");
    assert_eq!(code(&operate(&cloud, &env, "app", 0, "go_back").await), "InvalidParameter");
    assert_eq!(code(&operate(&cloud, &env, "app", gray, "promote").await), "InvalidParameter");
    assert_eq!(code(&operate(&cloud, &env, "nothing", gray, "done").await), "ResourceNotFound.ServerNotFound");
}

#[tokio::test]
async fn r_upd_3_done_gives_the_new_version_everything_and_ends_the_release() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-guangzhou", "done").await;
    let domain = create(&cloud, &env, "shop", "nginx:1", "one").await;
    let gray = gray_update(&cloud, &env, "shop", "nginx:2").await;
    release_gray(&cloud, &env, "shop", flow(("shop-001", 70), ("shop-002", 30))).await;
    assert_eq!(order(&cloud, &env, "shop", None).await["LastReleasedSuccessTime"], "");

    let r = operate(&cloud, &env, "shop", gray, "done").await;
    assert!(r.get("Error").is_none(), "{r}");
    let t = task(&cloud, &env, "shop", gray).await;
    assert_eq!(t["Status"], "finished", "{t}");
    assert_eq!(online(&cloud, &env, "shop").await, pairs(&[("shop-002", "100")]));
    assert_eq!(hits(&cloud, &domain, "/", 40).await, only("shop-002", 40));
    let o = order(&cloud, &env, "shop", None).await;
    assert_eq!(o["ReleaseOrderInfo"]["ReleaseStatus"], "done", "{o}");
    assert_eq!(o["ReleaseOrderInfo"]["ReleaseVersion"]["FlowRatio"], 100);
    assert_ne!(o["LastReleasedSuccessTime"], "");
    assert_eq!(order(&cloud, &env, "shop", Some("open")).await["IsExist"], false);
    assert!(process_log(&cloud, &env, "shop", "shop-002").await.contains("gray release finished"));
    assert_eq!(code(&operate(&cloud, &env, "shop", gray, "done").await), "InvalidParameter", "it is over");

    // The tcb CLI's promote form: ReleaseGray at 100 % with CloseGrayRelease.
    let gray = gray_update(&cloud, &env, "shop", "nginx:3").await;
    let promote = json!({"TrafficType": "FLOW", "GrayFlowRatio": 100, "CloseGrayRelease": true,
        "VersionFlowItems": [{"VersionName": "shop-003", "FlowRatio": 100, "Priority": 0, "IsDefaultPriority": true}]});
    let r = release_gray(&cloud, &env, "shop", promote).await;
    assert!(r.get("Error").is_none(), "{r}");
    assert_eq!(task(&cloud, &env, "shop", gray).await["Status"], "finished");
    assert_eq!(online(&cloud, &env, "shop").await, pairs(&[("shop-003", "100")]));
    assert_eq!(hits(&cloud, &domain, "/", 20).await, only("shop-003", 20));
    // The next update starts: nothing is open any more.
    assert_eq!(full_update(&cloud, &env, "shop", "nginx:4", "four").await["Status"], "finished");
}

#[tokio::test]
async fn r_upd_3_go_back_takes_the_new_version_offline_and_the_old_keeps_everything() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-beijing", "back").await;
    let domain = create(&cloud, &env, "shop", "nginx:1", "one").await;
    let gray = gray_update(&cloud, &env, "shop", "nginx:2").await;
    release_gray(&cloud, &env, "shop", flow(("shop-001", 50), ("shop-002", 50))).await;
    let pods = |version: &str| {
        call("DescribeCloudRunPodList", json!({"EnvId": env, "ServerName": "shop", "VersionName": version}))
    };
    assert_eq!(pods("shop-002").send(&cloud).await["TotalCount"], 1);

    let r = operate(&cloud, &env, "shop", gray, "go_back").await;
    assert!(r.get("Error").is_none(), "{r}");
    assert_eq!(task(&cloud, &env, "shop", gray).await["Status"], "finished");
    assert_eq!(online(&cloud, &env, "shop").await, pairs(&[("shop-001", "100")]));
    assert_eq!(hits(&cloud, &domain, "/", 40).await, only("shop-001", 40));
    assert_eq!(pods("shop-002").send(&cloud).await["TotalCount"], 0, "the new version is offline");
    assert_eq!(order(&cloud, &env, "shop", None).await["ReleaseOrderInfo"]["ReleaseStatus"], "go_back");
    // It went live and serves no more: its record no longer says `running`.
    let recs = records(&cloud, &env, "shop").await;
    assert_eq!((recs[0]["DeployId"].as_str(), recs[0]["Status"].as_str()), (Some("shop-002"), Some("cancelled")));
    assert_eq!(recs[1]["Status"], "running", "{recs:?}");
    assert_eq!((recs[0]["HasTraffic"].as_bool(), recs[0]["FlowRatio"].as_i64()), (Some(false), Some(0)));
    assert!(process_log(&cloud, &env, "shop", "shop-002").await.contains("gray release abandoned"));
    assert_eq!(code(&operate(&cloud, &env, "shop", gray, "done").await), "InvalidParameter");
    // The next update starts at once.
    assert_eq!(full_update(&cloud, &env, "shop", "nginx:3", "three").await["VersionName"], "shop-003");
}

#[tokio::test]
async fn r_rb_a_rollback_moves_everything_to_an_older_version_with_its_frozen_settings() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "rb").await;
    let domain = create(&cloud, &env, "app", "nginx:1", "one").await;
    assert_eq!(full_update(&cloud, &env, "app", "localcloud/fail-health", "broken").await["Status"], "failed");
    assert_eq!(full_update(&cloud, &env, "app", "nginx:3", "three").await["Status"], "finished");

    let refused = [
        (rollback_call(&env, "app", "app-001", "app-001"), "not the online version"),
        (rollback_call(&env, "app", "app-003", "app-009"), "does not exist"),
        (rollback_call(&env, "app", "app-003", "app-003"), "going forward is an update"),
        (rollback_call(&env, "app", "app-003", "app-002"), "never went online"),
    ];
    for (c, why) in refused {
        let r = c.send(&cloud).await;
        assert_eq!(code(&r), "InvalidParameter", "{r}");
        assert!(r["Error"]["Message"].as_str().unwrap().contains(why), "{why}: {r}");
    }

    let r = rollback_call(&env, "app", "app-003", "app-001").send(&cloud).await;
    let id = r["TaskId"].as_i64().unwrap_or_else(|| panic!("{r}"));
    assert!(id > 0, "{r}");
    // One at a time (R-SVC-4).
    assert_eq!(code(&rollback_call(&env, "app", "app-003", "app-001").send(&cloud).await), "ResourceInUse");
    let t = wait_task(&cloud, &env, "app", id).await;
    assert_eq!((t["Status"].as_str(), t["ChangeType"].as_str()), (Some("finished"), Some("ROLLBACK")), "{t}");
    assert_eq!((t["VersionName"].as_str(), t["PreVersionName"].as_str()), (Some("app-001"), Some("app-003")));
    assert_eq!(
        steps(&t),
        [
            ("start instances", "finished"),
            ("health check", "finished"),
            ("release traffic", "finished"),
            ("scale down", "finished")
        ]
    );

    // R-RB-4: 100 % on the target; R-RB-3: it runs its own frozen settings,
    // while the settings page keeps the values the next update will use.
    assert_eq!(online(&cloud, &env, "app").await, pairs(&[("app-001", "100")]));
    let client = reqwest::Client::new();
    let (status, version, body) = get(&client, &cloud, &domain, "/").await;
    assert_eq!((status, version.as_str()), (200, "app-001"));
    assert_eq!(body["env"], json!({"GREETING": "one"}));
    let settings = detail(&cloud, &env, "app").await["ServerConfig"]["EnvParams"].clone();
    assert!(settings.as_str().unwrap().contains("three"), "{settings}");
    assert_eq!(hits(&cloud, &domain, "/", 30).await, only("app-001", 30));

    // The rollback's record carries the traffic; the versions' older ones none.
    let recs = records(&cloud, &env, "app").await;
    assert_eq!((recs[0]["DeployId"].as_str(), recs[0]["FlowRatio"].as_i64()), (Some("app-001"), Some(100)));
    assert_eq!(recs[0]["BuildId"], 0);
    assert!(recs[1..].iter().all(|r| r["FlowRatio"] == 0 && r["HasTraffic"] == false), "{recs:?}");
    let log = process_log(&cloud, &env, "app", "app-001").await;
    assert!(log.contains("rolling app back from app-003 to app-001"), "{log}");
    assert!(log.contains("app-003 no longer receives traffic"), "{log}");

    // R-RB-2: forward is an update, not a rollback.
    let r = rollback_call(&env, "app", "app-001", "app-003").send(&cloud).await;
    assert_eq!(code(&r), "InvalidParameter", "{r}");
    assert!(r["Error"]["Message"].as_str().unwrap().contains("older"), "{r}");
    // The next update uses the settings page's values (R-RB-3).
    let next = full_update(&cloud, &env, "app", "nginx:4", "four").await;
    assert_eq!(next["VersionName"], "app-004");
}

#[tokio::test]
async fn r_upd_5_a_settings_change_deploys_a_new_version_from_the_same_image() {
    let cloud = start_with_steps(Duration::from_millis(60)).await;
    let env = create_env(&cloud, "ap-guangzhou", "cfg").await;
    // Nothing online: a settings change has nothing to start from.
    let sick = call(
        "CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": "sick", "DeployInfo": {"DeployType": "image", "ImageUrl": "localcloud/missing"}}),
    )
    .send(&cloud)
    .await;
    wait_task(&cloud, &env, "sick", started(&cloud, &env, "sick", &sick).await).await;
    let r = settings_call(&env, "sick", items("x")).send(&cloud).await;
    assert_eq!(code(&r), "FailedOperation", "{r}");

    let domain = create(&cloud, &env, "web", "nginx:1.27", "hello").await;
    let r = settings_call(&env, "web", json!([{"Key": "EnvParam", "Value": "{\"GREETING\":\"bonjour\"}"}]))
        .send(&cloud)
        .await;
    let id = r["TaskId"].as_i64().unwrap_or_else(|| panic!("{r}"));
    assert!(id > 0, "{r}");
    assert_eq!(code(&settings_call(&env, "web", items("hola")).send(&cloud).await), "ResourceInUse");
    let t = wait_task(&cloud, &env, "web", id).await;
    assert_eq!((t["Status"].as_str(), t["ChangeType"].as_str()), (Some("finished"), Some("CONFIG")), "{t}");
    assert_eq!((t["VersionName"].as_str(), t["PreVersionName"].as_str()), (Some("web-002"), Some("web-001")));
    let names: Vec<&str> = steps(&t).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["create version", "start instances", "health check", "release traffic"]);

    let d = detail(&cloud, &env, "web").await;
    assert_eq!(
        d["OnlineVersionInfos"],
        json!([{"VersionName": "web-002", "ImageUrl": "nginx:1.27", "FlowRatio": "100"}])
    );
    assert!(d["ServerConfig"]["EnvParams"].as_str().unwrap().contains("bonjour"), "the settings follow");
    assert_eq!(d["ServerConfig"]["Port"], 8080, "the rest is the online version's");
    let client = reqwest::Client::new();
    let (_, version, body) = get(&client, &cloud, &domain, "/").await;
    assert_eq!((version.as_str(), body["env"].clone()), ("web-002", json!({"GREETING": "bonjour"})));

    // The deprecated Conf.StrParams form.
    let r = call(
        "SubmitServerConfigChangeDiff",
        json!({"EnvId": env, "ServerName": "web", "Conf": {"StrParams": [{"Key": "EnvParam", "Value": "{\"GREETING\":\"ciao\"}"}]}}),
    )
    .send(&cloud)
    .await;
    let t = wait_task(&cloud, &env, "web", r["TaskId"].as_i64().unwrap_or_else(|| panic!("{r}"))).await;
    assert_eq!(t["VersionName"], "web-003");
    assert_eq!(get(&client, &cloud, &domain, "/").await.2["env"], json!({"GREETING": "ciao"}));

    let refused = [
        (settings_call(&env, "web", json!([])), "InvalidParameter"),
        (
            settings_call(&env, "web", json!([{"Key": "EnvParam", "Value": "{\"GREETING\":\"ciao\"}"}])),
            "InvalidParameter",
        ),
        (settings_call(&env, "web", json!([{"Key": "Port", "IntValue": 0}])), "InvalidParameterValue"),
        (settings_call(&env, "nothing", items("x")), "ResourceNotFound.ServerNotFound"),
    ];
    for (c, want) in refused {
        let r = c.send(&cloud).await;
        assert_eq!(code(&r), want, "{r}");
    }
}

#[tokio::test]
async fn r_upd_1_and_r_rb_1_no_request_fails_during_a_full_update_or_a_rollback() {
    let cloud = start_with_steps(Duration::from_millis(50)).await;
    let env = create_env(&cloud, "ap-shanghai", "live").await;
    let domain = create(&cloud, &env, "live", "nginx:1", "one").await;
    for round in ["update", "rollback"] {
        let stop = Arc::new(AtomicBool::new(false));
        let visiting = keep_visiting(&cloud, &domain, stop.clone());
        let t = if round == "update" {
            full_update(&cloud, &env, "live", "nginx:2", "two").await
        } else {
            let r = rollback_call(&env, "live", "live-002", "live-001").send(&cloud).await;
            wait_task(&cloud, &env, "live", r["TaskId"].as_i64().unwrap_or_else(|| panic!("{r}"))).await
        };
        assert_eq!(t["Status"], "finished", "{t}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        stop.store(true, Ordering::Relaxed);
        let (sent, failed) = visiting.await.unwrap();
        assert!(sent > 20, "{round}: only {sent} requests");
        assert_eq!(failed, 0, "{round}: {failed} of {sent} requests failed");
    }
    assert_eq!(online(&cloud, &env, "live").await, pairs(&[("live-001", "100")]));
}

#[tokio::test]
async fn a_restart_keeps_an_open_gray_release_and_restarts_its_instances() {
    let cloud = start().await;
    let path = cloud.dir.as_ref().unwrap().path().to_path_buf();
    let env = create_env(&cloud, "ap-guangzhou", "again").await;
    create(&cloud, &env, "svc", "nginx:1", "one").await;
    let gray = gray_update(&cloud, &env, "svc", "nginx:2").await;
    release_gray(&cloud, &env, "svc", url_rule("svc-001", "svc-002", "canary", "yes")).await;

    let again = start_on(&path, STEP).await;
    let t = task(&again, &env, "svc", gray).await;
    assert_eq!((t["Status"].as_str(), t["ReleaseType"].as_str()), (Some("running"), Some("GRAY")), "{t}");
    assert_eq!(order(&again, &env, "svc", Some("open")).await["IsExist"], true);
    let pods = call("DescribeCloudRunPodList", json!({"EnvId": env, "ServerName": "svc", "VersionName": "svc-002"}))
        .send(&again)
        .await;
    assert_eq!(pods["TotalCount"], 1, "the new version runs again: {pods}");
    let domain = detail(&again, &env, "svc").await["BaseInfo"]["DefaultDomainName"].as_str().unwrap().to_string();
    // The domain names the first process's gateway port; the new one serves it by Host.
    assert_eq!(hits(&again, &domain, "/?canary=yes", 10).await, only("svc-002", 10));
    assert_eq!(hits(&again, &domain, "/", 10).await, only("svc-001", 10));
    let r = operate(&again, &env, "svc", gray, "done").await;
    assert!(r.get("Error").is_none(), "{r}");
    assert_eq!(hits(&again, &domain, "/", 10).await, only("svc-002", 10));
}

#[tokio::test]
async fn a_rollback_target_whose_frozen_settings_cannot_be_read_leaves_no_task_behind() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "unread").await;
    create(&cloud, &env, "app", "nginx:1", "one").await;
    assert_eq!(full_update(&cloud, &env, "app", "nginx:2", "two").await["Status"], "finished");
    let db = store(&cloud).await;
    sqlx::query("UPDATE versions SET config = 'not json' WHERE version_name = 'app-001'").execute(&db).await.unwrap();

    let r = rollback_call(&env, "app", "app-002", "app-001").send(&cloud).await;
    assert_eq!(code(&r), "InternalError", "{r}");
    // No task was left running to refuse every update after it (R-SVC-4).
    assert_eq!(full_update(&cloud, &env, "app", "nginx:3", "three").await["Status"], "finished");
    assert_eq!(records(&cloud, &env, "app").await.len(), 3, "no rollback record");
}

#[tokio::test]
async fn a_log_line_that_cannot_be_written_after_the_traffic_moved_neither_fails_the_release_nor_keeps_the_old_version()
{
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config(dir.path(), STEP);
    config.drain_after = Duration::from_secs(1);
    let mut cloud = start_config(config).await;
    cloud.dir = Some(dir);
    let env = create_env(&cloud, "ap-guangzhou", "logfull").await;
    let domain = create(&cloud, &env, "app", "nginx:1", "one").await;
    // The release's own line breaks, just after its write moved the traffic.
    let db = store(&cloud).await;
    sqlx::query(
        "CREATE TRIGGER log_full BEFORE INSERT ON task_logs WHEN NEW.line LIKE '% has 100% of the traffic'
         BEGIN SELECT RAISE(ABORT, 'the disk is full'); END",
    )
    .execute(&db)
    .await
    .unwrap();

    let t = full_update(&cloud, &env, "app", "nginx:2", "two").await;
    assert_eq!(t["Status"], "finished", "the version serves: its deploy did not fail: {t}");
    assert!(steps(&t).iter().all(|(_, status)| *status == "finished"), "{t}");
    assert_eq!(online(&cloud, &env, "app").await, pairs(&[("app-002", "100")]));
    assert_eq!(hits(&cloud, &domain, "/", 10).await, only("app-002", 10));
    assert_eq!(records(&cloud, &env, "app").await[0]["Status"], "running");
    let log = process_log(&cloud, &env, "app", "app-002").await;
    assert!(!log.contains("app-002 has 100% of the traffic"), "the line broke: {log}");
    // The old version was retired before the line: it drains, then stops.
    let pods = || call("DescribeCloudRunPodList", json!({"EnvId": env, "ServerName": "app", "VersionName": "app-001"}));
    let mut left = pods().send(&cloud).await["TotalCount"].as_i64();
    for _ in 0..100 {
        if left == Some(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        left = pods().send(&cloud).await["TotalCount"].as_i64();
    }
    assert_eq!(left, Some(0), "app-001 drained");

    sqlx::query("DROP TRIGGER log_full").execute(&db).await.unwrap();
    assert_eq!(full_update(&cloud, &env, "app", "nginx:3", "three").await["Status"], "finished");
}
