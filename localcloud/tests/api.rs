//! localcloud over real HTTP on port 0: signatures, dispatch, envelopes and
//! the environment rules, each with Tencent's error code.

mod common;

use common::{Call, STEP, code, create_env, now, start, start_in, start_on};
use serde_json::json;

#[tokio::test]
async fn auth_failures_carry_tencents_codes() {
    let cloud = start().await;
    let body = json!({});
    let mut c = Call::new("tcbr", "DescribeCloudRunEnvs", body.clone());
    c.secret_key = "wrong";
    assert_eq!(code(&c.send(&cloud).await), "AuthFailure.SignatureFailure");

    let mut c = Call::new("tcbr", "DescribeCloudRunEnvs", body.clone());
    c.secret_id = "AKIDnobody";
    assert_eq!(code(&c.send(&cloud).await), "AuthFailure.SecretIdNotFound");

    let mut c = Call::new("tcbr", "DescribeCloudRunEnvs", body.clone());
    c.timestamp = now() - 301;
    assert_eq!(code(&c.send(&cloud).await), "AuthFailure.SignatureExpire");

    let c = Call::new("tcbr", "DescribeCloudRunEnvs", body.clone());
    let (_, _, v) = c
        .send_with(&cloud, |h| {
            for (k, v) in h.iter_mut() {
                if *k == "Authorization" {
                    *v = "Bearer letmein".into();
                }
            }
        })
        .await;
    assert_eq!(code(&v["Response"]), "AuthFailure.InvalidAuthorization");

    // The same call, correctly signed, goes through.
    let c = Call::new("tcbr", "DescribeCloudRunEnvs", body);
    let signed_ok = c.send(&cloud).await;
    assert!(signed_ok["EnvList"].is_array());
}

#[tokio::test]
async fn dispatch_refuses_unknown_actions_versions_and_bad_bodies() {
    let cloud = start().await;
    assert_eq!(code(&Call::new("tcbr", "LaunchRocket", json!({})).send(&cloud).await), "InvalidAction");
    // DestroyEnv lives in tcb, not tcbr.
    assert_eq!(code(&Call::new("tcbr", "DestroyEnv", json!({"EnvId": "x"})).send(&cloud).await), "InvalidAction");
    let mut c = Call::new("tcbr", "DescribeCloudRunEnvs", json!({}));
    c.version = "2019-01-01";
    assert_eq!(code(&c.send(&cloud).await), "NoSuchVersion");

    let mut c = Call::new("tcbr", "DescribeEnvBaseInfo", json!({}));
    c.body = b"{not json".to_vec();
    assert_eq!(code(&c.send(&cloud).await), "InvalidParameter");
    assert_eq!(code(&Call::new("tcbr", "DescribeEnvBaseInfo", json!({})).send(&cloud).await), "MissingParameter");
    assert_eq!(
        code(&Call::new("tcbr", "DescribeEnvBaseInfo", json!({"EnvId": 7})).send(&cloud).await),
        "InvalidParameter"
    );
    assert_eq!(code(&Call::new("tcbr", "DescribeEnvBaseInfo", json!([1])).send(&cloud).await), "InvalidParameter");
}

#[tokio::test]
async fn create_validates_region_alias_and_package() {
    let cloud = start().await;
    let mut c = Call::new("tcbr", "CreateCloudRunEnv", json!({"PackageType": "Trial", "Alias": "x"}));
    c.region = Some("ap-hongkong");
    assert_eq!(code(&c.send(&cloud).await), "UnsupportedRegion");
    let c = Call::new("tcbr", "CreateCloudRunEnv", json!({"PackageType": "Trial", "Alias": "x"}));
    assert_eq!(code(&c.send(&cloud).await), "MissingParameter", "no region: nothing to lock the environment to");
    for (body, want) in [
        (json!({"PackageType": "Gold"}), "InvalidParameterValue"),
        (json!({"PackageType": "Trial", "Alias": "Prod"}), "InvalidParameterValue"),
        (json!({"PackageType": "Trial", "Alias": "pro_d"}), "InvalidParameterValue"),
        (json!({"Alias": "prod"}), "MissingParameter"),
        (json!({"PackageType": "Trial", "FreeQuota": "lots"}), "InvalidParameterValue"),
    ] {
        let mut c = Call::new("tcbr", "CreateCloudRunEnv", body.clone());
        c.region = Some("ap-beijing");
        assert_eq!(code(&c.send(&cloud).await), want, "{body}");
    }
}

#[tokio::test]
async fn r_env_4_region_comes_from_the_create_call_and_never_changes() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-guangzhou", "prod").await;
    assert!(env.starts_with("prod-"), "{env}");

    let list = Call::new("tcbr", "DescribeCloudRunEnvs", json!({"EnvId": env})).send(&cloud).await;
    let info = &list["EnvList"][0];
    assert_eq!(info["Region"], "ap-guangzhou");
    assert_eq!(info["Status"], "NORMAL");
    assert_eq!(info["Alias"], "prod");
    for field in [
        "EnvId",
        "Source",
        "Alias",
        "CreateTime",
        "UpdateTime",
        "Status",
        "IsAutoDegrade",
        "EnvChannel",
        "PayMode",
        "IsDefault",
        "Region",
        "EnvType",
        "Databases",
        "Storages",
        "Functions",
        "LogServices",
        "StaticStorages",
        "Tags",
        "CustomLogServices",
        "PackageId",
        "PackageName",
    ] {
        assert!(!info[field].is_null(), "EnvInfo.{field} must always be present");
    }

    // Seen from another region's endpoint, the environment does not exist.
    let mut c = Call::new("tcbr", "DescribeEnvBaseInfo", json!({"EnvId": env}));
    c.region = Some("ap-beijing");
    assert_eq!(c.send(&cloud).await["IsExist"], false);
    let base = Call::new("tcbr", "DescribeEnvBaseInfo", json!({"EnvId": env})).send(&cloud).await;
    assert_eq!(base["IsExist"], true);
    assert_eq!(base["EnvBaseInfo"]["Region"], "ap-guangzhou");
}

#[tokio::test]
async fn r_env_6_destroy_refused_while_services_exist_and_irreversible() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("localcloud.db");
    let cloud = start_in(dir).await;
    let env = create_env(&cloud, "ap-shanghai", "stage").await;

    // Until deploys exist, put a service in place the way a deploy would.
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", db_path.display())).await.unwrap();
    sqlx::query("INSERT INTO services (env_id, server_name, default_domain, status, created_at, updated_at) VALUES (?, 'shop', 'http://shop.example', 'normal', 0, 0)")
        .bind(&env)
        .execute(&db)
        .await
        .unwrap();
    let r = Call::new("tcb", "DestroyEnv", json!({"EnvId": env})).send(&cloud).await;
    assert_eq!(code(&r), "ResourceInUse");
    let servers = Call::new("tcbr", "DescribeCloudRunServers", json!({"EnvId": env})).send(&cloud).await;
    assert_eq!(servers["Total"], 1);

    sqlx::query("DELETE FROM services").execute(&db).await.unwrap();
    let r = Call::new("tcb", "DestroyEnv", json!({"EnvId": env})).send(&cloud).await;
    assert!(r.get("Error").is_none(), "{r}");
    let r = Call::new("tcb", "DestroyEnv", json!({"EnvId": env})).send(&cloud).await;
    assert_eq!(code(&r), "ResourceNotFound");
    let list = Call::new("tcbr", "DescribeCloudRunEnvs", json!({})).send(&cloud).await;
    assert_eq!(list["EnvList"].as_array().unwrap().len(), 0);

    // Its id is retired: asking for it again is refused.
    let mut c = Call::new("tcbr", "CreateCloudRunEnv", json!({"PackageType": "Trial", "EnvId": env}));
    c.region = Some("ap-shanghai");
    assert_eq!(code(&c.send(&cloud).await), "ResourceInUse");
}

#[tokio::test]
async fn r_env_4_the_database_itself_refuses_a_region_change() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("localcloud.db");
    let cloud = start_in(dir).await;
    let env = create_env(&cloud, "ap-beijing", "locked").await;
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", db_path.display())).await.unwrap();
    let err = sqlx::query("UPDATE envs SET region = 'ap-shanghai' WHERE env_id = ?").bind(&env).execute(&db).await;
    assert!(err.unwrap_err().to_string().contains("R-ENV-4"));
}

#[tokio::test]
async fn environments_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let cloud = start_in(dir).await;
    let env = create_env(&cloud, "ap-shanghai", "durable").await;
    // A second localcloud on the same data directory sees the same state.
    let cloud2 = start_on(&path, STEP).await;
    let list = Call::new("tcbr", "DescribeCloudRunEnvs", json!({})).send(&cloud2).await;
    assert_eq!(list["EnvList"][0]["EnvId"], env.as_str());
    drop(cloud);
}

#[tokio::test]
async fn req_key_deduplicates_and_paging_is_clamped() {
    let cloud = start().await;
    let body = json!({"PackageType": "Trial", "Alias": "once", "ReqKey": "k-1"});
    let mut a = Call::new("tcbr", "CreateCloudRunEnv", body.clone());
    a.region = Some("ap-beijing");
    let mut b = Call::new("tcbr", "CreateCloudRunEnv", body);
    b.region = Some("ap-beijing");
    assert_eq!(a.send(&cloud).await["EnvId"], b.send(&cloud).await["EnvId"]);
    let env = create_env(&cloud, "ap-beijing", "paged").await;
    let r = Call::new("tcbr", "DescribeCloudRunServers", json!({"EnvId": env, "PageSize": 500})).send(&cloud).await;
    assert_eq!(r["Total"], 0);
    let r = Call::new("tcbr", "DescribeCloudRunServers", json!({"EnvId": env, "PageSize": -1})).send(&cloud).await;
    assert_eq!(code(&r), "InvalidParameterValue");
}

#[tokio::test]
async fn gateway_answers_unknown_domains_with_a_clear_404() {
    let cloud = start().await;
    let resp = reqwest::Client::new()
        .get(format!("http://{}/", cloud.gateway))
        .header("host", "gone-prod.run.localhost")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.text().await.unwrap().contains("No service answers at gone-prod.run.localhost"));
}
