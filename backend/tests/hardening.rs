//! Each test performs one attack from the outside probe (issue #8) against a
//! real console on port 0 and shows it no longer works.

mod common;

use std::time::{Duration, Instant};

use common::{ADMIN_PASSWORD, INITIAL_ADMIN_PASSWORD, TestApp, session_token};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn addr(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_string()
}

async fn audit(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let page: Value = app.get(&format!("/api/audit?{query}"), Some(token)).send().await.unwrap().json().await.unwrap();
    page["entries"].as_array().unwrap_or_else(|| panic!("{page}")).clone()
}

/// Reads until the server closes the connection (or `limit` passes); returns what came and whether it closed.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into(), false),
        }
    }
}

#[tokio::test]
async fn item2_a_huge_username_is_refused_and_a_throttled_flood_leaves_one_audit_row() {
    let app = TestApp::start().await;
    // 2 MB of username used to be stored as is.
    let huge = json!({"username": "u".repeat(2 * 1024 * 1024), "password": "x"});
    let resp = app.post("/api/auth/login", None).json(&huge).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "Console.PayloadTooLarge");

    // Just under the body cap: stored cut short.
    let long = "v".repeat(3000);
    for _ in 0..40 {
        app.post("/api/auth/login", None).json(&json!({"username": long, "password": "x"})).send().await.unwrap();
    }
    let token = app.login().await;
    let rows = audit(&app, &token, "action=Login&outcome=denied&limit=500").await;
    // Five judged failures, one row when the limit started biting; the other 34 only counted.
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(rows.iter().all(|r| r["username"].as_str().unwrap().chars().count() <= 65));
    assert!(rows.iter().any(|r| r["detail"].as_str().unwrap().contains("too many attempts")));
}

#[tokio::test]
async fn item2_the_audit_api_is_paged() {
    let app = TestApp::start_with(|c| c.login_max_failures = 1_000).await;
    let token = app.login().await;
    for _ in 0..12 {
        app.login_with("admin", "wrong-password", None).await;
    }
    let first: Value = app.get("/api/audit?limit=5", Some(&token)).send().await.unwrap().json().await.unwrap();
    assert_eq!(first["entries"].as_array().unwrap().len(), 5);
    let before = first["next_before"].as_i64().expect("an older page");
    let second: Value = app
        .get(&format!("/api/audit?limit=5&before={before}"), Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids =
        |p: &Value| p["entries"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert!(ids(&second).iter().all(|id| *id < before), "strictly older");
    assert!(ids(&first).iter().all(|id| !ids(&second).contains(id)));
    let all: Value = app.get("/api/audit?limit=500", Some(&token)).send().await.unwrap().json().await.unwrap();
    assert!(all.get("next_before").is_none(), "the last page says so");
}

#[tokio::test]
async fn item4_half_sent_heads_bodies_and_idle_connections_are_closed() {
    let app = TestApp::start_with(|c| c.request_timeout_secs = 1).await;
    // A connection that never sends a byte.
    let mut silent = TcpStream::connect(addr(&app)).await.unwrap();
    // A head that never ends.
    let mut head = TcpStream::connect(addr(&app)).await.unwrap();
    head.write_all(b"GET /api/auth/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
    // An idle keep-alive connection after one request.
    let mut idle = TcpStream::connect(addr(&app)).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    // A body that stops arriving.
    let mut body = TcpStream::connect(addr(&app)).await.unwrap();
    body.write_all(
        b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
          X-Console-Request: 1\r\nContent-Length: 100\r\n\r\n{\"user",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let (_, silent_closed) = read_until_closed(&mut silent, Duration::from_secs(10)).await;
    assert!(silent_closed, "a silent connection is dropped");
    let (head_out, head_closed) = read_until_closed(&mut head, Duration::from_secs(10)).await;
    let (idle_out, idle_closed) = read_until_closed(&mut idle, Duration::from_secs(10)).await;
    let (body_out, body_closed) = read_until_closed(&mut body, Duration::from_secs(10)).await;
    assert!(head_closed, "a half-sent head is dropped: {head_out}");
    assert!(idle_closed && idle_out.starts_with("HTTP/1.1 200"), "answered, then closed when idle: {idle_out}");
    assert!(body_closed && body_out.starts_with("HTTP/1.1 408"), "a stalled body ends the request: {body_out}");
    assert!(body_out.contains("Console.RequestTimeout"), "in the API's error shape: {body_out}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn item4_stalled_connections_beyond_the_cap_do_not_stop_the_console() {
    let app = TestApp::start_with(|c| {
        c.max_connections = 8;
        c.request_timeout_secs = 1;
    })
    .await;
    // Twice the cap of connections that never finish their head.
    let mut stalled = Vec::new();
    for _ in 0..16 {
        let mut s = TcpStream::connect(addr(&app)).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        stalled.push(s);
    }
    // They are dropped by their deadline, and the console answers again.
    let resp = tokio::time::timeout(Duration::from_secs(10), app.get("/healthz", None).send()).await;
    assert_eq!(resp.expect("answered within the deadlines").unwrap().status(), 200);
}

#[tokio::test]
async fn item4_one_address_cannot_take_every_connection() {
    let app = TestApp::start_with(|c| {
        c.max_connections = 64;
        c.max_connections_per_address = 4;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut s = TcpStream::connect(addr(&app)).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(s);
    }
    // A fifth from the same address is closed at once, not queued.
    let mut fifth = TcpStream::connect(addr(&app)).await.unwrap();
    let _ = fifth.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await;
    let (out, closed) = read_until_closed(&mut fifth, Duration::from_secs(5)).await;
    assert!(closed && out.is_empty(), "{out}");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.get("/healthz", None).send().await.unwrap().status(), 200, "free again once they close");
}

#[tokio::test]
async fn item5_a_concurrent_burst_gets_exactly_the_allowed_guesses() {
    let app = TestApp::start().await; // 5 per account per address
    let burst = (0..30).map(|_| app.login_with("admin", "wrong-password", None));
    let statuses: Vec<StatusCode> = futures::future::join_all(burst).await.iter().map(|r| r.status()).collect();
    let judged = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert_eq!(judged, 5, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS));
}

#[tokio::test]
async fn item6_behind_a_trusted_proxy_each_client_has_its_own_limit_and_forgeries_do_not_help() {
    let app = TestApp::start_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        c.login_max_failures_per_ip = 3;
    })
    .await;
    let from = |ip: &'static str, user: &'static str, pw: &'static str| {
        app.post("/api/auth/login", None)
            .header("x-forwarded-for", format!("203.0.113.9, {ip}"))
            .json(&json!({"username": user, "password": pw}))
            .send()
    };
    for user in ["a1", "a2", "a3"] {
        assert_eq!(from("198.51.100.1", user, "wrong").await.unwrap().status(), 401);
    }
    assert_eq!(from("198.51.100.1", "a4", "wrong").await.unwrap().status(), 429, "the attacker's address is limited");
    assert_eq!(from("198.51.100.2", "admin", ADMIN_PASSWORD).await.unwrap().status(), 200, "others are not");
    // A hop the client wrote that does not parse cannot hide the real one
    // the proxy appended: the attacker stays limited.
    let forged = app
        .post("/api/auth/login", None)
        .header("x-forwarded-for", "6.6.6.6, x, 198.51.100.1")
        .json(&json!({"username": "a5", "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 429);

    // Without a trusted proxy the header is ignored: it cannot dodge the limit.
    let direct = TestApp::start_with(|c| c.login_max_failures_per_ip = 3).await;
    for i in 0..3 {
        let resp = direct
            .post("/api/auth/login", None)
            .header("x-forwarded-for", format!("192.0.2.{i}"))
            .json(&json!({"username": format!("b{i}"), "password": "wrong"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
    }
    let resp = direct.post("/api/auth/login", None).header("x-forwarded-for", "192.0.2.77");
    assert_eq!(resp.json(&json!({"username": "b9", "password": "x"})).send().await.unwrap().status(), 429);
}

#[tokio::test]
async fn item6_a_browser_that_signed_in_before_is_not_locked_out_by_others_on_its_address() {
    let app = TestApp::start_with(|c| c.login_max_failures_per_ip = 3).await;
    let ok = app.login_with("admin", ADMIN_PASSWORD, None).await;
    let device = ok
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("console_device="))
        .expect("a device cookie");
    assert!(ok.headers().get_all("set-cookie").iter().all(|v| v.to_str().unwrap().contains("HttpOnly")));
    // Someone else on the same address uses up its limit.
    for user in ["x1", "x2", "x3", "x4"] {
        app.login_with(user, "wrong", None).await;
    }
    assert_eq!(app.login_with("admin", ADMIN_PASSWORD, None).await.status(), 429, "a new browser waits");
    let with_device = app
        .post("/api/auth/login", None)
        .header("cookie", &device)
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(with_device.status(), 200, "the owner's own browser gets in");
    // The device only vouches for its own account.
    let other = app
        .post("/api/auth/login", None)
        .header("cookie", &device)
        .json(&json!({"username": "x5", "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 429);
}

#[tokio::test]
async fn item7_guessing_through_password_change_is_limited_and_ends_the_session() {
    let app = TestApp::start().await;
    let token = app.login().await;
    let guess = |pw: &str| {
        app.post("/api/account/password", Some(&token))
            .json(&json!({"current_password": pw, "new_password": "brand-new-password-9"}))
            .send()
    };
    for i in 0..4 {
        assert_eq!(guess(&format!("guess-{i}")).await.unwrap().status(), 400);
    }
    let last = guess("guess-4").await.unwrap();
    assert_eq!(last.status(), 401, "the fifth wrong guess ends the session");
    assert_eq!(app.get("/api/auth/me", Some(&token)).send().await.unwrap().status(), 401);
    // And the account's limit from this address is spent, like failed sign-ins.
    assert_eq!(app.login_with("admin", ADMIN_PASSWORD, None).await.status(), 429);
}

#[tokio::test]
async fn item8_secret_values_are_masked_for_everyone_and_revealed_on_the_record() {
    let app = TestApp::start().await;
    let admin = app.login().await;
    let env = app.new_env(&admin, "ap-shanghai", "sec").await;
    let vars = r#"{"GREETING":"hello","DB_PASSWORD":"hunter2"}"#;
    let (status, _) = app
        .cloud(
            &admin,
            "tcbr/CreateCloudRunServer",
            json!({"EnvId": env, "ServerName": "shop", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"},
                   "Items": [{"Key": "EnvParam", "Value": vars}]}),
        )
        .await;
    assert_eq!(status, 200);
    // A viewer, through the proxy.
    let body = json!({"username": "vic", "display_name": "Vic", "password": "initial-viewer-pw"});
    assert_eq!(app.post("/api/users", Some(&admin)).json(&body).send().await.unwrap().status(), 201);
    let first = session_token(&app.login_with("vic", "initial-viewer-pw", None).await);
    let change = json!({"current_password": "initial-viewer-pw", "new_password": "viewer-password-9"});
    let viewer = session_token(&app.post("/api/account/password", Some(&first)).json(&change).send().await.unwrap());
    let add = json!({"username": "vic", "role": "viewer"});
    let added = app.post(&format!("/api/envs/{env}/members"), Some(&admin)).json(&add).send().await.unwrap();
    assert_eq!(added.status(), 201);
    let viewer = session_token(&app.login_with("vic", "viewer-password-9", Some(&viewer)).await);

    let (_, detail) =
        app.cloud(&viewer, "tcbr/DescribeCloudRunServerDetail", json!({"EnvId": env, "ServerName": "shop"})).await;
    let shown = detail["ServerConfig"]["EnvParams"].as_str().unwrap();
    assert!(!shown.contains("hunter2") && shown.contains("GREETING") && shown.contains("hello"), "{shown}");
    let version = json!({"EnvId": env, "ServerName": "shop", "VersionName": "shop-001"});
    let (_, frozen) = app.cloud(&viewer, "tcbr/DescribeVersionDetail", version).await;
    assert!(!frozen["EnvParams"].as_str().unwrap().contains("hunter2"), "{frozen}");
    let (_, as_admin) =
        app.cloud(&admin, "tcbr/DescribeCloudRunServerDetail", json!({"EnvId": env, "ServerName": "shop"})).await;
    assert!(!as_admin.to_string().contains("hunter2"), "masked for every role in a plain read");

    let reveal = format!("/api/envs/{env}/services/shop/secrets");
    assert_eq!(app.post(&reveal, Some(&viewer)).json(&json!({})).send().await.unwrap().status(), 403);
    let revealed: Value = app.post(&reveal, Some(&admin)).json(&json!({})).send().await.unwrap().json().await.unwrap();
    assert_eq!(revealed["env_params"]["DB_PASSWORD"], "hunter2");
    let one: Value = app
        .post(&reveal, Some(&admin))
        .json(&json!({"version": "shop-001"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(one["env_params"]["DB_PASSWORD"], "hunter2");
    let rows = audit(&app, &admin, "action=RevealSecrets&outcome=allowed").await;
    assert_eq!(rows.len(), 2, "each reveal is on the record: {rows:?}");
    assert!(rows[0]["detail"].as_str().unwrap().contains("DB_PASSWORD") && !rows[0].to_string().contains("hunter2"));
}

#[tokio::test]
async fn item10_a_removed_database_stops_writes_and_readiness() {
    let app = TestApp::start().await;
    let token = app.login().await;
    assert_eq!(app.get("/readyz", None).send().await.unwrap().status(), 200);
    std::fs::remove_file(app.data.path().join("console.db")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let refused = loop {
        let resp = app.post("/api/auth/logout", Some(&token)).send().await.unwrap();
        if resp.status() == StatusCode::SERVICE_UNAVAILABLE || Instant::now() > deadline {
            break resp;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "Console.DatabaseUnavailable");
    assert_eq!(app.get("/readyz", None).send().await.unwrap().status(), 503);
    assert_eq!(app.get("/healthz", None).send().await.unwrap().status(), 200, "alive, not ready");
}

#[tokio::test]
async fn item10_a_damaged_database_is_named_at_start_and_a_backup_restores() {
    let app = TestApp::start().await;
    let token = app.login().await;
    let backup = app.data.path().join("backup.db");
    console_backend::backup(app.data.path(), &backup).await.unwrap();
    assert!(console_backend::backup(app.data.path(), &backup).await.is_err(), "never overwrites");
    // A copy taken while the console runs opens and holds the users.
    let copy = sqlx::SqlitePool::connect(&format!("sqlite://{}", backup.display())).await.unwrap();
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&copy).await.unwrap();
    assert_eq!(users, 1);
    drop(token);

    let broken = tempfile::tempdir().unwrap();
    std::fs::write(broken.path().join("console.db"), vec![0x5a; 8192]).unwrap();
    let dist = common::dist();
    let config = console_backend::config::Config::for_tests(broken.path().to_path_buf(), dist.path().to_path_buf());
    let err = match console_backend::start(config, app.clock.clone()).await {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a damaged database must not start"),
    };
    assert!(err.contains("console.db") && (err.contains("damaged") || err.contains("not a database")), "{err}");
}

#[tokio::test]
async fn item11_the_data_directory_and_database_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::start().await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(app.data.path()), 0o700);
    for name in ["console.db", "console.db-wal", "localcloud-credentials.json"] {
        let path = app.data.path().join(name);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{name}");
        }
    }
}

#[tokio::test]
async fn item12_unknown_hosts_are_refused_and_origins_compared_with_their_scheme() {
    let app = TestApp::start_with(|c| c.public_url = Some("https://console.example.com".into())).await;
    let rebind = app.get("/api/auth/me", None).header("host", "rebind.evil.example").send().await.unwrap();
    assert_eq!(rebind.status(), StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(rebind.json::<Value>().await.unwrap()["code"], "Console.MisdirectedRequest");
    let page = app.get("/", None).header("host", "rebind.evil.example").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::MISDIRECTED_REQUEST, "the SPA too");
    for ok in ["console.example.com", "localhost:8080"] {
        assert_eq!(app.get("/healthz", None).header("host", ok).send().await.unwrap().status(), 200, "{ok}");
    }
    // An http page may not act on an https console of the same host.
    let login = |origin: &str| {
        app.http
            .post(format!("{}/api/auth/login", app.base))
            .header("host", "console.example.com")
            .header("origin", origin)
            .header("x-console-request", "1")
            .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
            .send()
    };
    assert_eq!(login("http://console.example.com").await.unwrap().status(), 403);
    assert_eq!(login("https://console.example.com").await.unwrap().status(), 200);
}

#[tokio::test]
async fn item15_every_error_is_json_with_its_status() {
    let app = TestApp::start().await;
    let token = app.login().await;
    let big = json!({"EnvId": "x".repeat(3 * 1024 * 1024)});
    let cases = [
        (app.post("/api/cloud/tcbr/DescribeCloudRunServers", Some(&token)).json(&big), 413),
        (app.post("/api/users", Some(&token)).json(&json!({"username": "x".repeat(3 * 1024 * 1024)})), 413),
        (
            app.http
                .patch(format!("{}/api/users/not-a-number", app.base))
                .header("x-console-request", "1")
                .header("cookie", format!("console_session={token}"))
                .json(&json!({})),
            400,
        ),
        (app.get("/api/audit?from=yesterday", Some(&token)), 400),
        (app.http.put(format!("{}/api/auth/me", app.base)).header("x-console-request", "1"), 405),
        (app.get("/api/no-such-thing", Some(&token)), 404),
    ];
    for (req, want) in cases {
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status().as_u16(), want);
        assert_eq!(resp.headers()["content-type"], "application/json");
        let body: Value = resp.json().await.unwrap();
        assert!(body["code"].is_string() && body["message"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn item15_display_names_refuse_bidi_overrides() {
    let app = TestApp::start().await;
    let admin = app.login().await;
    let body = json!({"username": "eve", "display_name": "ad\u{202E}nimda", "password": "initial-pass-77"});
    let resp = app.post("/api/users", Some(&admin)).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn item16_the_first_admin_from_the_environment_must_choose_a_password() {
    let app = TestApp::start_fresh(|_| {}).await;
    let resp = app.login_with("admin", INITIAL_ADMIN_PASSWORD, None).await;
    let token = session_token(&resp);
    assert_eq!(resp.json::<Value>().await.unwrap()["must_change_password"], true);
    let (status, body) = app.cloud(&token, "tcbr/DescribeCloudRunEnvs", json!({})).await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (403, Some("Console.PasswordChangeRequired")));
    // A common password is refused, whatever its case.
    let common = json!({"current_password": INITIAL_ADMIN_PASSWORD, "new_password": "Password123"});
    let resp = app.post("/api/account/password", Some(&token)).json(&common).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("commonly used"));
}

#[tokio::test]
async fn item16_host_prefixed_cookie_over_tls_and_logout_expiry_and_session_cap_audited() {
    let tls = TestApp::start_with(|c| c.behind_tls = true).await;
    let login = tls.login_with("admin", ADMIN_PASSWORD, None).await;
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("__Host-console_session=") && cookie.contains("; Secure; ") || cookie.ends_with("; Secure")
    );
    assert!(cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    // A cookie without the prefix is not a session over TLS.
    let token = session_token(&login);
    let plain = tls.http.get(format!("{}/api/auth/me", tls.base)).header("cookie", format!("console_session={token}"));
    assert_eq!(plain.send().await.unwrap().status(), 401);

    let app = TestApp::start_with(|c| c.max_sessions_per_user = 2).await;
    let oldest = app.login().await;
    let middle = app.login().await;
    let newest = app.login().await;
    assert_eq!(app.get("/api/auth/me", Some(&oldest)).send().await.unwrap().status(), 401, "beyond the cap");
    assert_eq!(app.get("/api/auth/me", Some(&middle)).send().await.unwrap().status(), 200);
    app.post("/api/auth/logout", Some(&middle)).send().await.unwrap();
    app.clock.advance(31 * 60);
    assert_eq!(app.get("/api/auth/me", Some(&newest)).send().await.unwrap().status(), 401, "idle");
    let admin = app.login().await;
    assert_eq!(audit(&app, &admin, "action=Logout").await.len(), 2, "the harness's and this one");
    let expired = audit(&app, &admin, "action=SessionExpired").await;
    assert_eq!(expired[0]["detail"], "idle too long");
}

#[tokio::test]
async fn item16_csp_violations_are_reported_and_the_endpoint_is_bounded() {
    let app = TestApp::start().await;
    let page = app.get("/", None).send().await.unwrap();
    assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("report-uri /api/csp-report"));
    let report = json!({"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}});
    // A browser's own report carries none of the console's headers.
    let send = || {
        app.http
            .post(format!("{}/api/csp-report", app.base))
            .header("content-type", "application/csp-report")
            .body(report.to_string())
            .send()
    };
    for _ in 0..50 {
        assert_eq!(send().await.unwrap().status(), 204);
    }
    let huge = app.http.post(format!("{}/api/csp-report", app.base)).body(vec![b'x'; 64 * 1024]).send().await.unwrap();
    assert_eq!(huge.status(), 413);
}

#[tokio::test]
async fn item4_a_user_cannot_hold_connections_open_with_live_streams() {
    let app = TestApp::start_with(|c| {
        c.max_streams_per_user = 2;
        c.localcloud_step_ms = 3_000;
    })
    .await;
    let token = app.login().await;
    let env = app.new_env(&token, "ap-shanghai", "sse").await;
    let (_, created) = app
        .cloud(
            &token,
            "tcbr/CreateCloudRunServer",
            json!({"EnvId": env, "ServerName": "shop", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}}),
        )
        .await;
    let task = app.started(&token, &env, "shop", &created).await;
    let path = format!("/api/envs/{env}/services/shop/tasks/{task}/events");
    let first = app.get(&path, Some(&token)).send().await.unwrap();
    let second = app.get(&path, Some(&token)).send().await.unwrap();
    assert_eq!((first.status(), second.status()), (StatusCode::OK, StatusCode::OK));
    let third = app.get(&path, Some(&token)).send().await.unwrap();
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    drop(first);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.get(&path, Some(&token)).send().await.unwrap().status(),
        StatusCode::OK,
        "a closed one frees its place"
    );
}
