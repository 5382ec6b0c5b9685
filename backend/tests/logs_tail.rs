//! A service's live runtime log through the BFF (R-OBS-3): a request through
//! the gateway shows up on the tail, one poller per service and query for
//! any number of subscribers and none once they leave, resume with
//! `Last-Event-ID` without loss or repeats, a burst past what one search
//! reaches still followed, membership enforced, secrets masked.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{Sse, TestApp, parse, session_token};
use console_shared::secrets::SECRET_MASK;
use serde_json::{Value, json};

impl Sse {
    /// The row's record (`Content` is a JSON string).
    fn record(&self) -> Value {
        serde_json::from_str(self.data["Content"].as_str().unwrap()).unwrap()
    }

    /// The logged line.
    fn line(&self) -> String {
        self.record()["log"].as_str().unwrap_or_default().to_string()
    }
}

/// A secret variable of the service: its value must never reach a browser.
const SECRET: &str = "s3cret-value-42";

/// An environment with `shop` online, whose default domain answers through
/// the gateway. Returns the environment and the domain's host.
async fn online(app: &TestApp, token: &str) -> (String, String) {
    let env = app.new_env(token, "ap-shanghai", "logs").await;
    let create = json!({"EnvId": env, "ServerName": "shop",
        "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx:1.27"},
        "Items": [{"Key": "EnvParam", "Value": format!(r#"{{"API_TOKEN":"{SECRET}","GREETING":"hi"}}"#)}]});
    let (status, answer) = app.cloud(token, "tcbr/CreateCloudRunServer", create).await;
    assert_eq!(status, 200, "{answer}");
    let task = app.started(token, &env, "shop", &answer).await;
    let body = json!({"EnvId": env, "ServerName": "shop", "TaskId": task});
    for _ in 0..800 {
        let (_, t) = app.cloud(token, "tcbr/DescribeServerManageTask", body.clone()).await;
        match t["Task"]["Status"].as_str() {
            Some("running") => tokio::time::sleep(Duration::from_millis(25)).await,
            Some("finished") => {
                let (_, list) = app.cloud(token, "tcbr/DescribeCloudRunServers", json!({"EnvId": env})).await;
                let domain = list["ServerList"][0]["DefaultDomainName"].as_str().unwrap_or_else(|| panic!("{list}"));
                return (env, domain.trim_start_matches("http://").to_string());
            }
            _ => panic!("the deploy failed: {t}"),
        }
    }
    panic!("the deploy never settled");
}

/// A visitor's request to the service's default domain, through the gateway.
async fn visit(host: &str, path: &str) -> u16 {
    let port = host.rsplit_once(':').unwrap().1;
    let resp =
        reqwest::Client::new().get(format!("http://127.0.0.1:{port}{path}")).header("host", host).send().await.unwrap();
    resp.status().as_u16()
}

fn tail_path(env: &str, q: &str) -> String {
    format!("/api/envs/{env}/services/shop/logs/stream?q={}", urlencode(q))
}

fn urlencode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An open tail.
struct Tail {
    resp: reqwest::Response,
    text: String,
}

impl Tail {
    async fn open(app: &TestApp, token: &str, path: &str, last_event_id: Option<&str>) -> Tail {
        let mut req = app.get(path, Some(token));
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        assert_eq!(resp.headers()["cache-control"], "no-store");
        Tail { resp, text: String::new() }
    }

    /// The events so far, once `enough` says so (within 20 s).
    async fn until(&mut self, enough: impl Fn(&[Sse]) -> bool) -> Vec<Sse> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            // Only whole events: the last block may be cut off mid-line.
            let whole = self.text.rfind("\n\n").map_or("", |end| &self.text[..end + 2]);
            let seen = parse(whole);
            if enough(&seen) {
                return seen;
            }
            let chunk = tokio::time::timeout_at(deadline, self.resp.chunk())
                .await
                .unwrap_or_else(|_| panic!("the tail did not get there in time: {seen:#?}"))
                .unwrap()
                .expect("the tail goes on");
            self.text.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

/// The paths of the access lines.
fn paths(seen: &[Sse]) -> Vec<String> {
    seen.iter()
        .map(|e| serde_json::from_str::<Value>(&e.line()).unwrap()["path"].as_str().unwrap().to_string())
        .collect()
}

/// Lines whose text holds `needle`.
fn with<'a>(seen: &'a [Sse], needle: &str) -> Vec<&'a Sse> {
    seen.iter().filter(|e| e.line().contains(needle)).collect()
}

/// A user with `role` in `env` (none: no role anywhere), signed in.
async fn member(app: &TestApp, admin: &str, env: &str, name: &str, role: Option<&str>) -> String {
    let user = json!({"username": name, "display_name": name, "password": "initial-pass-1"});
    let created = app.post("/api/users", Some(admin)).json(&user).send().await.unwrap();
    assert_eq!(created.status(), 201);
    if let Some(role) = role {
        let add = app.post(&format!("/api/envs/{env}/members"), Some(admin));
        let added = add.json(&json!({"username": name, "role": role})).send().await.unwrap();
        assert_eq!(added.status(), 201);
    }
    let first = session_token(&app.login_with(name, "initial-pass-1", None).await);
    let body = json!({"current_password": "initial-pass-1", "new_password": "member-password-1"});
    let changed = app.post("/api/account/password", Some(&first)).json(&body).send().await.unwrap();
    assert_eq!(changed.status(), 200);
    session_token(&changed)
}

#[tokio::test]
async fn a_viewer_sees_a_request_through_the_gateway_on_the_tail_with_secrets_masked() {
    let app = TestApp::start().await;
    let admin = app.login().await;
    let (env, host) = online(&app, &admin).await;
    let viewer = member(&app, &admin, &env, "vera", Some("viewer")).await;

    let mut tail = Tail::open(&app, &viewer, &tail_path(&env, ""), None).await;
    assert_eq!(visit(&host, "/tail-probe?color=blue").await, 200);
    let seen = tail.until(|seen| !with(seen, "/tail-probe").is_empty()).await;
    let line = with(&seen, "/tail-probe")[0];
    assert_eq!(line.event, "line");
    assert_eq!(line.id, line.data["PkgLogId"].as_str().unwrap(), "the id is the row's");
    let record = line.record();
    assert_eq!((record["service"].as_str(), record["version"].as_str()), (Some("shop"), Some("shop-001")));
    let access: Value = serde_json::from_str(&line.line()).unwrap();
    assert_eq!((access["type"].as_str(), access["status"].as_i64()), (Some("access"), Some(200)));

    // The service prints its secret: nobody following its log reads it.
    assert_eq!(visit(&host, &format!("/__demo/log/warn?msg=API_TOKEN%3D{SECRET}%20tail-secret")).await, 200);
    let seen = tail.until(|seen| seen.iter().any(|e| e.line().contains("tail-secret"))).await;
    assert!(!tail.text.contains(SECRET), "{}", tail.text);
    let printed = seen.iter().find(|e| e.line().contains("tail-secret")).unwrap();
    assert!(printed.line().contains(SECRET_MASK), "{printed:?}");
    // Every row once, in the order the cloud stored them.
    let ids: Vec<u64> = seen.iter().map(|e| e.id.parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

    // Nor does a search through the proxy show it.
    let search = json!({"EnvId": env, "StartTime": "2000-01-01 00:00:00", "EndTime": "2100-01-01 00:00:00",
        "QueryString": "tail-secret", "Limit": 10});
    let (status, found) = app.cloud(&viewer, "tcbr/SearchClsLog", search).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["LogResults"]["Results"].as_array().map(Vec::len), Some(1), "{found}");
    assert!(!found.to_string().contains(SECRET), "{found}");
}

#[tokio::test]
async fn subscribers_of_one_query_share_one_poller_which_stops_when_they_leave() {
    let app = TestApp::start().await;
    let admin = app.login().await;
    let (env, host) = online(&app, &admin).await;
    let viewer = member(&app, &admin, &env, "vera", Some("viewer")).await;

    let path = tail_path(&env, "shared-probe");
    let (mut a, mut b) = tokio::join!(Tail::open(&app, &admin, &path, None), Tail::open(&app, &viewer, &path, None));
    assert_eq!(visit(&host, "/shared-probe").await, 200);
    let found = |seen: &[Sse]| !with(seen, "/shared-probe").is_empty();
    let (a_seen, b_seen) = tokio::join!(a.until(found), b.until(found));
    assert_eq!(with(&a_seen, "/shared-probe"), with(&b_seen, "/shared-probe"), "both see the same row");
    assert_eq!(app.hub.logs.pollers_started.load(Ordering::Relaxed), 1, "one upstream poller per query");
    assert_eq!(app.hub.logs.running(), 1);
    // The query keeps to itself: nothing else reaches these subscribers.
    assert_eq!(visit(&host, "/unrelated").await, 200);
    assert_eq!(visit(&host, "/shared-probe/2").await, 200);
    let a_seen = a.until(|seen| !with(seen, "/shared-probe/2").is_empty()).await;
    assert_eq!(paths(&a_seen), ["/shared-probe", "/shared-probe/2"]);

    // Another query is another poller.
    let mut other = Tail::open(&app, &admin, &tail_path(&env, "other-probe"), None).await;
    assert_eq!(app.hub.logs.pollers_started.load(Ordering::Relaxed), 2);
    assert_eq!(visit(&host, "/other-probe").await, 200);
    other.until(|seen| !with(seen, "/other-probe").is_empty()).await;

    // Everyone leaves: every poller stops at its next turn.
    drop((a, b, other));
    for _ in 0..100 {
        if app.hub.logs.running() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.hub.logs.running(), 0, "no poller without a subscriber");
    let polls = app.hub.logs.polls.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.hub.logs.polls.load(Ordering::Relaxed), polls, "nothing polls any more");
    assert_eq!(app.hub.stats().subscribers, 0);
}

#[tokio::test]
async fn last_event_id_resumes_after_that_row_from_memory_or_from_the_cloud() {
    let app = TestApp::start().await;
    let admin = app.login().await;
    let (env, host) = online(&app, &admin).await;
    let path = tail_path(&env, "resume7");

    // One subscriber keeps the feed polling throughout the first resume.
    let mut keeper = Tail::open(&app, &admin, &path, None).await;
    let mut first = Tail::open(&app, &admin, &path, None).await;
    for n in 1..=3 {
        assert_eq!(visit(&host, &format!("/resume7/{n}")).await, 200);
    }
    let before = first.until(|seen| seen.len() >= 3).await;
    assert_eq!(before.iter().map(Sse::line).filter(|l| l.contains("/resume7/")).count(), 3, "{before:#?}");
    // The network drops; two more requests are made meanwhile.
    drop(first);
    for n in 4..=5 {
        assert_eq!(visit(&host, &format!("/resume7/{n}")).await, 200);
    }
    let whole = keeper.until(|seen| seen.len() >= 5).await;
    assert_eq!(paths(&whole), ["/resume7/1", "/resume7/2", "/resume7/3", "/resume7/4", "/resume7/5"]);

    let mut resumed = Tail::open(&app, &admin, &path, Some(&before[1].id)).await;
    let after = resumed.until(|seen| seen.len() >= 3).await;
    assert_eq!(after, whole[2..], "no loss, no repeat");
    drop((resumed, keeper));

    // Nobody follows now: the poller stops and its rows are forgotten. A
    // resume then reads what it missed from the cloud.
    for _ in 0..100 {
        if app.hub.logs.running() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.hub.logs.running(), 0);
    assert_eq!(visit(&host, "/resume7/6").await, 200);
    let mut again = Tail::open(&app, &admin, &path, Some(&before[1].id)).await;
    let after = again.until(|seen| seen.len() >= 4).await;
    assert_eq!(after[..3], whole[2..], "the same rows, with the same ids");
    assert_eq!(paths(&after[3..]), ["/resume7/6"]);
}

#[tokio::test]
async fn only_members_follow_within_their_stream_limit_and_a_bad_query_is_refused_before_the_stream_opens() {
    let app = TestApp::start_with(|c| c.max_streams_per_user = 1).await;
    let admin = app.login().await;
    let (env, _) = online(&app, &admin).await;
    let outsider = member(&app, &admin, &env, "otto", None).await;
    let viewer = member(&app, &admin, &env, "vera", Some("viewer")).await;

    let path = tail_path(&env, "");
    assert_eq!(app.get(&path, None).send().await.unwrap().status(), 401);
    // An outsider learns as much as from the deploy events: nothing.
    let tail = app.get(&path, Some(&outsider)).send().await.unwrap().status();
    let events = format!("/api/envs/{env}/services/shop/tasks/1/events");
    let events = app.get(&events, Some(&outsider)).send().await.unwrap().status();
    assert_eq!(tail, events);
    assert!(tail == 403 || tail == 404, "{tail}");

    // A service that does not exist is not found.
    let nosvc = format!("/api/envs/{env}/services/nosvc/logs/stream");
    assert_eq!(app.get(&nosvc, Some(&viewer)).send().await.unwrap().status(), 404);
    // The cloud's words on a query it cannot run, as a plain error.
    let resp = app.get(&tail_path(&env, "nosuchfield:x"), Some(&viewer)).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "InvalidParameter", "{body}");
    assert!(body["message"].as_str().unwrap().contains("nosuchfield"), "{body}");
    // A query may not step outside its service.
    let resp = app.get(&tail_path(&env, "a) OR (b"), Some(&viewer)).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(app.hub.logs.pollers_started.load(Ordering::Relaxed), 0, "no stream opened");

    // A tail is a live stream like a deploy's: it counts against the user's limit.
    let open = Tail::open(&app, &viewer, &path, None).await;
    assert_eq!(app.get(&path, Some(&viewer)).send().await.unwrap().status(), 429);
    drop(open);
    tokio::time::sleep(Duration::from_millis(300)).await;
    Tail::open(&app, &viewer, &path, None).await;
}

/// Reads the tail until its text holds `needle` (within 20 s), looking
/// only at what each chunk adds: a burst is megabytes.
async fn read_until_text(tail: &mut Tail, needle: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut from = 0;
    while !tail.text[from..].contains(needle) {
        from = tail.text.len().saturating_sub(needle.len());
        while !tail.text.is_char_boundary(from) {
            from -= 1;
        }
        let chunk = tokio::time::timeout_at(deadline, tail.resp.chunk())
            .await
            .unwrap_or_else(|_| panic!("{needle} did not reach the tail in time"))
            .unwrap()
            .expect("the tail goes on");
        tail.text.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn a_log_faster_than_a_search_reaches_in_its_last_seconds_is_still_followed() {
    let app = TestApp::start().await;
    let admin = app.login().await;
    let (env, host) = online(&app, &admin).await;
    let mut tail = Tail::open(&app, &admin, &tail_path(&env, "burst7 OR afterburst7"), None).await;

    // More rows of one second than the 10 000 a search reaches, stored at
    // once (straight into the cloud's log store: no workload here writes
    // that fast).
    let store = app.data.path().join("localcloud/observe.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&store).busy_timeout(Duration::from_secs(10));
    let db = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    sqlx::query(
        r#"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 10050)
           INSERT INTO log_lines (at_ms, env, service, version, instance, stream, level, text)
           SELECT ?1, ?2, 'shop', 'shop-001', 'shop-001-burst', 'stdout', 'info', printf('burst7 row-%d', i) FROM n"#,
    )
    .bind(now_ms)
    .bind(&env)
    .execute(&db)
    .await
    .unwrap();
    db.close().await;
    read_until_text(&mut tail, "row-10049").await;

    // A line after the burst still comes: the poller does not read the
    // burst again before it.
    assert_eq!(visit(&host, "/afterburst7").await, 200);
    read_until_text(&mut tail, "/afterburst7").await;
}

/// R-CLI-3: a tail opened with a personal access token ends when the token
/// is revoked (checked with the keep-alives, every 15 s), not when the
/// client chooses to let go.
#[tokio::test]
async fn a_tail_opened_with_a_token_ends_when_the_token_is_revoked() {
    let app = TestApp::start().await;
    let admin = app.login().await;
    let (env, host) = online(&app, &admin).await;
    let body = json!({"name": "tail", "envs": [env], "role": "viewer", "expires_in_days": 1});
    let made: Value =
        app.post("/api/account/tokens", Some(&admin)).json(&body).send().await.unwrap().json().await.unwrap();
    let token = made["token"].as_str().unwrap_or_else(|| panic!("{made}"));
    let mut resp =
        app.http.get(format!("{}{}", app.base, tail_path(&env, ""))).bearer_auth(token).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(visit(&host, "/before-revoke").await, 200);
    let mut text = String::new();
    while !text.contains("/before-revoke") {
        let chunk = tokio::time::timeout(Duration::from_secs(20), resp.chunk()).await.unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk.expect("the tail goes on")));
    }
    let id = made["info"]["id"].as_i64().unwrap();
    let revoked = app
        .http
        .delete(format!("{}/api/account/tokens/{id}", app.base))
        .header("x-console-request", "1")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", format!("{}={admin}", app.cookie_name))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    // The stream ends by itself within the check's 15 s (and a margin).
    let ended =
        tokio::time::timeout(Duration::from_secs(25), async { while resp.chunk().await.ok().flatten().is_some() {} })
            .await;
    assert!(ended.is_ok(), "the tail went on after its token was revoked");
}
