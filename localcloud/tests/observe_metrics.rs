//! Metrics through tcb `DescribeCurveData` (R-OBS-2, CLOUD-API.md §10): the
//! gateway's counts match the requests sent, 4xx and 5xx included; the
//! Period rules and every refusal; CPU of a busy instance reads higher than
//! of an idle one.

mod common;

use std::time::{Duration, Instant};

use common::releases::create;
use common::{Call, Cloud, code, create_env, now};
use console_shared::time::cst_datetime;
use serde_json::{Value, json};

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// `DescribeCurveData` of `metric` over the last hour (to now).
fn last_hour(env: &str, service: &str, metric: &str) -> Value {
    json!({"EnvId": env, "MetricName": metric, "ResourceID": service,
           "StartTime": cst_datetime(now() - HOUR), "EndTime": cst_datetime(now())})
}

async fn curve(cloud: &Cloud, body: Value) -> Value {
    Call::new("tcb", "DescribeCurveData", body).send(cloud).await
}

fn sum(curve: &Value, field: &str) -> f64 {
    curve[field].as_array().unwrap_or_else(|| panic!("{curve}")).iter().map(|v| v.as_f64().unwrap()).sum()
}

fn max(curve: &Value) -> f64 {
    curve["NewValues"]
        .as_array()
        .unwrap_or_else(|| panic!("{curve}"))
        .iter()
        .map(|v| v.as_f64().unwrap())
        .fold(0.0, f64::max)
}

async fn get(cloud: &Cloud, domain: &str, path: &str) -> u16 {
    let host = domain.trim_start_matches("http://");
    let resp = reqwest::Client::new()
        .get(format!("http://{}{path}", cloud.gateway))
        .header("host", host)
        .send()
        .await
        .unwrap();
    resp.status().as_u16()
}

#[tokio::test]
async fn r_obs_2_calls_and_errors_match_the_requests_sent() {
    let cloud = common::start().await;
    let env = create_env(&cloud, "ap-shanghai", "metrics").await;
    let domain = create(&cloud, &env, "shop", "nginx", "hi").await;
    for (path, times, status) in [("/hello", 7, 200), ("/__demo/status/500", 3, 500), ("/__demo/status/404", 2, 404)] {
        for _ in 0..times {
            assert_eq!(get(&cloud, &domain, path).await, status, "{path}");
        }
    }

    // Read at once: the current minute is still in memory.
    let calls = curve(&cloud, last_hour(&env, "shop", "TkeInvokeNumService")).await;
    assert_eq!(code(&calls), "<no error>", "{calls}");
    assert_eq!((calls["Period"].as_i64(), calls["Statistics"].as_str()), (Some(300), Some("sum")));
    assert_eq!(sum(&calls, "Values"), 12.0, "{calls}");
    assert_eq!(sum(&calls, "NewValues"), 12.0, "{calls}");
    let errors = curve(&cloud, last_hour(&env, "shop", "TkeHttpErrorService")).await;
    assert_eq!(sum(&errors, "Values"), 5.0, "{errors}");
    let rsp = curve(&cloud, last_hour(&env, "shop", "TkeRspTimeService")).await;
    assert_eq!(rsp["Statistics"], "avg");
    assert!(max(&rsp) > 0.0, "{rsp}");
    let qps = curve(&cloud, last_hour(&env, "shop", "TkeQPSService")).await;
    assert!(max(&qps) > 0.0, "{qps}");

    // One version's data is the same here: the service has only that one.
    let mut body = last_hour(&env, "shop", "TkeInvokeNumService");
    body["SubresourceID"] = json!("shop-001");
    assert_eq!(sum(&curve(&cloud, body).await, "Values"), 12.0);

    // Every bucket of the range is present, aligned, one time per value.
    let times = calls["Time"].as_array().unwrap();
    assert_eq!(times.len(), calls["Values"].as_array().unwrap().len());
    assert!((12..=13).contains(&times.len()), "{calls}");
    assert!(times.iter().all(|t| t.as_i64().unwrap() % 300 == 0), "{calls}");
    assert_eq!(calls["StartTime"], cst_datetime(times[0].as_i64().unwrap()));
    assert_eq!(calls["EndTime"], cst_datetime(times.last().unwrap().as_i64().unwrap()));
}

#[tokio::test]
async fn r_obs_2_periods_follow_the_range_and_buckets_align_in_utc8() {
    let cloud = common::start().await;
    let env = create_env(&cloud, "ap-shanghai", "periods").await;
    create(&cloud, &env, "shop", "nginx", "hi").await;
    let ask = |start: &str, end: &str, period: Option<i64>| {
        let mut body = json!({"EnvId": env, "MetricName": "TkePodNumService", "ResourceID": "shop",
                              "StartTime": start, "EndTime": end});
        if let Some(p) = period {
            body["Period"] = json!(p);
        }
        body
    };
    // The official example: a day from 00:00 in UTC+8, 5-minute buckets.
    let day = curve(&cloud, ask("2026-03-16 00:00:00", "2026-03-16 23:55:00", None)).await;
    assert_eq!(day["Period"], 300, "{day}");
    assert_eq!(day["Time"][0], 1_773_590_400_i64);
    assert_eq!(day["Values"].as_array().unwrap().len(), 288);
    assert_eq!(
        (day["StartTime"].as_str(), day["EndTime"].as_str()),
        (Some("2026-03-16 00:00:00"), Some("2026-03-16 23:55:00"))
    );
    assert_eq!(day["Statistics"], "max");
    assert_eq!(sum(&day, "Values"), 0.0, "nothing ran then: zeros, not gaps");

    // Omitted: more than a day takes hours, more than 15 days takes days;
    // days start at 00:00 in UTC+8 (16:00 UTC).
    let week = curve(&cloud, ask("2026-03-01 10:30:00", "2026-03-08 10:30:00", None)).await;
    assert_eq!((week["Period"].as_i64(), week["StartTime"].as_str()), (Some(3600), Some("2026-03-01 10:00:00")));
    let month = curve(&cloud, ask("2026-01-01 10:30:00", "2026-03-01 10:30:00", None)).await;
    assert_eq!((month["Period"].as_i64(), month["StartTime"].as_str()), (Some(86_400), Some("2026-01-01 00:00:00")));
    assert_eq!(month["Time"][0].as_i64().unwrap() % DAY, DAY - 8 * HOUR);
    assert_eq!(month["Values"].as_array().unwrap().len(), 60);

    // Given: allowed for the range, or refused with the rule.
    let hours = curve(&cloud, ask("2026-03-16 00:00:00", "2026-03-17 00:00:00", Some(3600))).await;
    assert_eq!(hours["Period"], 3600, "{hours}");
    let three = curve(&cloud, ask("2026-03-16 00:00:00", "2026-03-19 00:00:00", Some(86_400))).await;
    assert_eq!(three["Values"].as_array().unwrap().len(), 4, "{three}");
    for (start, end, period, says) in [
        ("2026-03-16 00:00:00", "2026-03-17 00:00:00", Some(86_400), "up to a day"),
        ("2026-03-16 00:00:00", "2026-03-20 00:00:00", Some(300), "more than three days"),
        ("2026-03-16 00:00:00", "2026-03-17 00:00:00", Some(60), "300, 3600 or 86400"),
        ("2026-03-16 00:00:00", "2026-03-16 00:04:59", None, "at least 5 minutes"),
        ("2026-03-16 00:00:00", "2026-03-15 00:00:00", None, "at least 5 minutes"),
        ("2025-01-01 00:00:00", "2026-03-16 00:00:00", None, "at most 180 days"),
        ("2026-03-16", "2026-03-17 00:00:00", None, "YYYY-MM-DD HH:MM:SS"),
        ("2026-03-16 00:00:00", "2026/03/17 00:00:00", None, "YYYY-MM-DD HH:MM:SS"),
    ] {
        let r = curve(&cloud, ask(start, end, period)).await;
        assert_eq!(code(&r), "InvalidParameter", "{start} {end} {period:?}: {r}");
        assert!(r["Error"]["Message"].as_str().unwrap().contains(says), "{r}");
    }
}

#[tokio::test]
async fn r_obs_2_what_is_not_served_is_refused_by_name() {
    let cloud = common::start().await;
    let env = create_env(&cloud, "ap-shanghai", "refusals").await;
    create(&cloud, &env, "shop", "nginx", "hi").await;
    // The field changed (to a value, or left out), the code, what the message names.
    let cases = [
        ("MetricName", Some(json!("TkeHttpServiceNatPkg")), "InvalidParameter", "does not record"),
        ("MetricName", Some(json!("TkeCUUsedService")), "InvalidParameter", "does not record"),
        ("MetricName", Some(json!("CpuUsage")), "InvalidParameter", "not a Cloud Run MetricName"),
        ("ResourceID", None, "MissingParameter", "ResourceID"),
        ("MetricName", Some(json!("TkeCpuRatioVersion")), "MissingParameter", "SubresourceID"),
        ("ResourceID", Some(json!("nope")), "ResourceNotFound", "nope"),
        ("SubresourceID", Some(json!("shop-009")), "ResourceNotFound", "shop-009"),
        ("EnvId", Some(json!("nowhere-12345678")), "ResourceNotFound", "nowhere"),
        ("StartTime", None, "MissingParameter", "StartTime"),
    ];
    for (field, value, want, says) in cases {
        let mut sent = last_hour(&env, "shop", "TkeInvokeNumService");
        match value {
            Some(value) => sent[field] = value,
            None => {
                sent.as_object_mut().unwrap().remove(field);
            }
        }
        let r = curve(&cloud, sent.clone()).await;
        assert_eq!(code(&r), want, "{sent}: {r}");
        assert!(r["Error"]["Message"].as_str().unwrap().contains(says), "{r}");
    }
}

/// The largest value of `metric` of `service` over the last hour; with
/// `version`, of its first version.
async fn largest(cloud: &Cloud, env: &str, service: &str, metric: &str, version: bool) -> f64 {
    let mut body = last_hour(env, service, metric);
    if version {
        body["SubresourceID"] = json!(format!("{service}-001"));
    }
    let r = curve(cloud, body).await;
    assert_eq!(code(&r), "<no error>", "{r}");
    max(&r)
}

/// Polls until `holds` of the largest values of `metric` of the busy and
/// the idle service holds (bounded); the two values.
async fn wait_for(cloud: &Cloud, env: &str, metric: &str, version: bool, holds: fn(f64, f64) -> bool) -> (f64, f64) {
    let start = Instant::now();
    loop {
        let busy = largest(cloud, env, "busy", metric, version).await;
        let idle = largest(cloud, env, "idle", metric, version).await;
        if holds(busy, idle) {
            return (busy, idle);
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{metric}: busy {busy}, idle {idle}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn r_obs_2_a_busy_instance_uses_more_cpu_than_an_idle_one() {
    let cloud = common::start().await;
    let env = create_env(&cloud, "ap-shanghai", "cpu").await;
    let busy = create(&cloud, &env, "busy", "nginx", "hi").await;
    create(&cloud, &env, "idle", "nginx", "hi").await;
    // The sampler has seen both services' instances.
    let (busy_instances, idle_instances) =
        wait_for(&cloud, &env, "TkePodNumService", false, |b, i| b >= 1.0 && i >= 1.0).await;
    assert_eq!(busy_instances, idle_instances);
    wait_for(&cloud, &env, "TkeMemUsedService", false, |b, i| b > 0.0 && i > 0.0).await;
    for _ in 0..3 {
        assert_eq!(get(&cloud, &busy, "/__demo/burn/1000").await, 200);
    }
    let more = |busy: f64, idle: f64| busy > 2.0 * idle && busy > 0.0;
    wait_for(&cloud, &env, "TkeCpuUsedService", false, more).await;
    wait_for(&cloud, &env, "TkeCpuRatioVersion", true, more).await;
    let unhealthy = largest(&cloud, &env, "idle", "TkePodUnavailableNumVersion", true).await;
    assert_eq!(unhealthy, 0.0);
}
