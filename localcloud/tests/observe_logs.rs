//! Runtime logs over real HTTP (R-OBS-1, R-OBS-3): what a deployed service's
//! instance writes is stored and found by tcbr `SearchClsLog` within a
//! second, by a term and by `field:value`, with AND / OR / NOT, a time
//! range, both sorts and `Context` paging that returns every line once;
//! bad requests get Tencent's codes; lines older than the retention go.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::releases::{call, create, get};
use common::{Cloud, code, config, create_env, now, start, start_config};
use console_shared::time::cst_datetime;
use futures::StreamExt;
use serde_json::{Value, json};

/// A search over the last hour (and the next minute) with `query`.
fn search_body(env: &str, query: &str, limit: i64) -> Value {
    json!({
        "EnvId": env,
        "StartTime": cst_datetime(now() - 3600),
        "EndTime": cst_datetime(now() + 60),
        "QueryString": query,
        "Limit": limit,
    })
}

async fn search(cloud: &Cloud, body: Value) -> Value {
    call("SearchClsLog", body).send(cloud).await
}

fn results(r: &Value) -> &Vec<Value> {
    r["LogResults"]["Results"].as_array().unwrap_or_else(|| panic!("{r}"))
}

/// Searches until `query` finds `n` lines, for at most `within`; the answer.
async fn found(cloud: &Cloud, env: &str, query: &str, n: usize, within: Duration) -> Value {
    let start = Instant::now();
    loop {
        let r = search(cloud, search_body(env, query, 100)).await;
        if results(&r).len() >= n {
            return r;
        }
        assert!(start.elapsed() < within, "{query:?} found {} of {n} lines within {within:?}: {r}", results(&r).len());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An environment with one deployed service; its id and the service's domain.
async fn deployed(cloud: &Cloud) -> (String, String) {
    let env = create_env(cloud, "ap-shanghai", "logs").await;
    let domain = create(cloud, &env, "shop", "nginx:1", "hi").await;
    (env, domain)
}

fn content(object: &Value) -> Value {
    serde_json::from_str(object["Content"].as_str().unwrap_or_else(|| panic!("{object}"))).unwrap()
}

#[tokio::test]
async fn r_obs_3_a_request_is_found_by_a_term_and_by_field_value_within_a_second() {
    let cloud = start().await;
    let (env, domain) = deployed(&cloud).await;
    let client = reqwest::Client::new();
    let tag = rand_tag();
    let sent = Instant::now();
    let (status, _, _) = get(&client, &cloud, &domain, &format!("/hello-{tag}?x=1")).await;
    assert_eq!(status, 200);
    let by_field = found(&cloud, &env, &format!(r#"path:"/hello-{tag}""#), 1, Duration::from_secs(1)).await;
    assert!(sent.elapsed() < Duration::from_secs(2));
    let line = &results(&by_field)[0];
    let record = content(line);
    let log: Value = serde_json::from_str(record["log"].as_str().unwrap()).unwrap();
    assert_eq!((log["path"].as_str(), log["status"].as_i64()), (Some(&*format!("/hello-{tag}")), Some(200)), "{log}");
    assert_eq!((record["service"].as_str(), record["version"].as_str()), (Some("shop"), Some("shop-001")));
    assert_eq!((record["stream"].as_str(), record["level"].as_str()), (Some("stdout"), Some("info")));
    assert!(record["instance"].as_str().unwrap().starts_with("shop-001"), "{record}");
    assert_eq!(line["FileName"], "stdout");
    assert_eq!(line["Source"], "127.0.0.1");
    assert_eq!(line["TopicId"], format!("{env}-cloudrun-logs"));
    assert_eq!(line["TopicName"], format!("cloudrun-{env}"));
    let stamp = line["Timestamp"].as_str().unwrap();
    assert_eq!((stamp.len(), &stamp[19..20]), (23, "."), "{stamp}");
    assert!(line["PkgLogId"].as_str().unwrap().parse::<i64>().is_ok(), "{line}");
    assert_eq!(by_field["LogResults"]["ListOver"], true);

    let by_term = found(&cloud, &env, &format!("hello-{tag}"), 1, Duration::from_secs(1)).await;
    assert_eq!(results(&by_term)[0]["PkgLogId"], line["PkgLogId"]);
    // A field like the service is its whole value, not a part of it.
    let fields = format!("service:shop AND version:shop-001 AND level:info AND method:get AND {tag}");
    assert_eq!(
        results(&found(&cloud, &env, &fields, 1, Duration::from_secs(1)).await)[0]["PkgLogId"],
        line["PkgLogId"]
    );
    let part = search(&cloud, search_body(&env, &format!("service:sho AND {tag}"), 10)).await;
    assert!(results(&part).is_empty(), "{part}");

    // An error answer is found by its status, and not by another.
    let (status, _, _) = get(&client, &cloud, &domain, &format!("/__demo/status/500?tag={tag}")).await;
    assert_eq!(status, 500);
    let errors = found(&cloud, &env, &format!("status:500 AND {tag}"), 1, Duration::from_secs(1)).await;
    assert_eq!(results(&errors).len(), 1, "{errors}");
    let none = search(&cloud, search_body(&env, &format!("status:404 AND {tag}"), 10)).await;
    assert!(results(&none).is_empty(), "{none}");
}

#[tokio::test]
async fn r_obs_3_boolean_queries_and_the_time_range() {
    let cloud = start().await;
    let (env, domain) = deployed(&cloud).await;
    let client = reqwest::Client::new();
    let tag = rand_tag();
    for path in ["red", "green", "blue"] {
        get(&client, &cloud, &domain, &format!("/{path}?tag={tag}")).await;
    }
    found(&cloud, &env, &tag, 3, Duration::from_secs(1)).await;
    let paths = |r: &Value| -> HashSet<String> {
        results(r)
            .iter()
            .map(|o| {
                let log: Value = serde_json::from_str(content(o)["log"].as_str().unwrap()).unwrap();
                log["path"].as_str().unwrap().trim_start_matches('/').to_string()
            })
            .collect()
    };
    let set = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<HashSet<_>>();
    let q = |query: String| search_body(&env, &query, 100);
    assert_eq!(paths(&search(&cloud, q(format!("{tag} AND (path:red OR path:blue)"))).await), set(&["red", "blue"]));
    assert_eq!(paths(&search(&cloud, q(format!("{tag} NOT path:red"))).await), set(&["green", "blue"]));
    assert_eq!(paths(&search(&cloud, q(format!("{tag} and not (red or green)"))).await), set(&["blue"]));
    assert_eq!(paths(&search(&cloud, q(format!("{tag} path:gr*"))).await), set(&["green"]));
    // A NOT alone keeps every other line of the environment.
    let others = search(&cloud, q(format!("NOT {tag}"))).await;
    assert!(results(&others).iter().all(|o| !o["Content"].as_str().unwrap().contains(&tag)), "{others}");

    // The range is in UTC+8 and holds whole seconds: one that ended before the
    // requests finds none of them, one that holds now finds them all.
    let mut before = q(tag.clone());
    before["StartTime"] = json!(cst_datetime(now() - 7200));
    before["EndTime"] = json!(cst_datetime(now() - 3600));
    assert!(results(&search(&cloud, before).await).is_empty());
    let mut around = q(tag.clone());
    around["StartTime"] = json!(cst_datetime(now() - 60));
    around["EndTime"] = json!(cst_datetime(now()));
    assert_eq!(results(&search(&cloud, around).await).len(), 3);
}

#[tokio::test]
async fn r_obs_3_context_paging_returns_every_line_once_in_both_orders() {
    let cloud = start().await;
    let (env, domain) = deployed(&cloud).await;
    let client = reqwest::Client::new();
    let tag = rand_tag();
    const N: usize = 230;
    for i in 0..N {
        get(&client, &cloud, &domain, &format!("/page-{i}?tag={tag}")).await;
    }
    // Every line is stored before the paging starts (a loaded machine may
    // take seconds for all of them: this test is about the paging).
    found(&cloud, &env, &format!("path:page AND {tag}"), 100, Duration::from_secs(10)).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    for sort in ["asc", "desc"] {
        let (ids, last) = loop {
            let (ids, last) = page_all(&cloud, &env, &format!("path:page AND {tag}"), sort, 7).await;
            if ids.len() == N || Instant::now() > deadline {
                break (ids, last);
            }
        };
        assert_eq!(ids.len(), N, "{sort}: every line");
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), N, "{sort}: each once");
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        if sort == "desc" {
            sorted.reverse();
        }
        assert_eq!(ids, sorted, "{sort}: in order");
        assert_eq!(last["LogResults"]["ListOver"], true, "{last}");
    }
    // Sort defaults to newest first.
    let r = search(&cloud, search_body(&env, &format!("path:page AND {tag}"), 2)).await;
    let ids: Vec<i64> = results(&r).iter().map(|o| o["PkgLogId"].as_str().unwrap().parse().unwrap()).collect();
    assert!(ids[0] > ids[1], "{r}");
    assert_eq!(r["LogResults"]["ListOver"], false);
}

/// Pages through `query` `limit` lines at a time; the ids and the last answer.
async fn page_all(cloud: &Cloud, env: &str, query: &str, sort: &str, limit: i64) -> (Vec<i64>, Value) {
    let mut ids = Vec::new();
    let mut body = search_body(env, query, limit);
    body["Sort"] = json!(sort);
    for _ in 0..1000 {
        let r = search(cloud, body.clone()).await;
        ids.extend(results(&r).iter().map(|o| o["PkgLogId"].as_str().unwrap().parse::<i64>().unwrap()));
        if r["LogResults"]["ListOver"] == true {
            return (ids, r);
        }
        body["Context"] = r["LogResults"]["Context"].clone();
    }
    panic!("paging did not end");
}

#[tokio::test]
async fn r_obs_3_bad_searches_get_tencent_codes() {
    let cloud = start().await;
    let env = create_env(&cloud, "ap-shanghai", "logs").await;
    let refused = |r: &Value, want: &str, says: &str| {
        assert_eq!(code(r), want, "{r}");
        assert!(r["Error"]["Message"].as_str().unwrap().contains(says), "{says:?} in {r}");
    };
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut b = search_body(&env, "error", 10);
        edit(&mut b);
        b
    };
    refused(&search(&cloud, with(&|b| b["Limit"] = json!(101))).await, "InvalidParameter", "Limit");
    refused(&search(&cloud, with(&|b| b["Limit"] = json!(0))).await, "InvalidParameter", "Limit");
    refused(&search(&cloud, with(&|b| b["QueryString"] = json!("foo:bar"))).await, "InvalidParameter", "`foo`");
    refused(&search(&cloud, with(&|b| b["QueryString"] = json!("(a OR b"))).await, "InvalidParameter", "not closed");
    refused(&search(&cloud, with(&|b| b["QueryString"] = json!("a AND"))).await, "InvalidParameter", "AND");
    refused(&search(&cloud, with(&|b| b["Sort"] = json!("up"))).await, "InvalidParameter", "Sort");
    refused(&search(&cloud, with(&|b| b["Context"] = json!("nope"))).await, "InvalidParameter", "Context");
    refused(
        &search(&cloud, with(&|b| b["StartTime"] = json!("2026-13-01 00:00:00"))).await,
        "InvalidParameter",
        "StartTime",
    );
    refused(&search(&cloud, with(&|b| b["EndTime"] = json!("yesterday"))).await, "InvalidParameter", "EndTime");
    refused(
        &search(&cloud, with(&|b| b["StartTime"] = json!(cst_datetime(now() + 7200)))).await,
        "InvalidParameter",
        "after EndTime",
    );
    let mut missing = with(&|_| {});
    missing.as_object_mut().unwrap().remove("StartTime");
    refused(&search(&cloud, missing).await, "MissingParameter", "StartTime");
    refused(&search(&cloud, with(&|b| b["EnvId"] = json!("nope-12345678"))).await, "ResourceNotFound", "nope-12345678");
    // A good search of an environment with no lines yet.
    let r = search(&cloud, with(&|_| {})).await;
    assert_eq!(r["LogResults"], json!({"Context": null, "ListOver": true, "Results": []}), "{r}");
}

#[tokio::test]
async fn r_obs_1_lines_older_than_the_retention_are_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = config(dir.path(), common::STEP);
    settings.log_retention = Duration::from_secs(2);
    let cloud = start_config(settings).await;
    let (env, domain) = deployed(&cloud).await;
    let tag = rand_tag();
    get(&reqwest::Client::new(), &cloud, &domain, &format!("/old?tag={tag}")).await;
    found(&cloud, &env, &tag, 1, Duration::from_secs(1)).await;
    let start = Instant::now();
    loop {
        let r = search(&cloud, search_body(&env, &tag, 10)).await;
        if results(&r).is_empty() {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "still kept after {:?}: {r}", start.elapsed());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(start.elapsed() > Duration::from_millis(500), "kept for the retention period first");
}

/// A word no other line holds.
fn rand_tag() -> String {
    format!("t{:016x}", rand::random::<u64>())
}

#[tokio::test]
async fn r_obs_3_context_paging_reaches_at_most_ten_thousand_lines() {
    let cloud = start().await;
    let (env, domain) = deployed(&cloud).await;
    let tag = rand_tag();
    // Each request writes two lines: the app's and the access line.
    const REQUESTS: usize = 5_050;
    let client = reqwest::Client::new();
    futures::stream::iter(0..REQUESTS)
        .for_each_concurrent(16, |i| {
            let (client, cloud, domain, tag) = (&client, &cloud, &domain, &tag);
            async move {
                let (status, _, _) = get(client, cloud, domain, &format!("/__demo/log/info?msg={tag}-{i}")).await;
                assert_eq!(status, 200);
            }
        })
        .await;
    // 10 100 lines go through the instance's pipe and the batched writer:
    // on a loaded machine that takes seconds (this test asserts the paging,
    // not the latency, which the one-request test does).
    let deadline = Instant::now() + Duration::from_secs(30);
    let (ids, last) = loop {
        let (ids, last) = page_all(&cloud, &env, &tag, "desc", 100).await;
        if ids.len() == 10_000 || Instant::now() > deadline {
            break (ids, last);
        }
    };
    assert_eq!(ids.len(), 10_000, "paging stops at 10 000 lines of the {} that match", 2 * REQUESTS);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 10_000);
    assert_eq!(last["LogResults"]["ListOver"], true, "{last}");
}
