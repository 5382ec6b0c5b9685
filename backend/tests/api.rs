//! The console over real HTTP on port 0, with its embedded localcloud: login
//! and sessions, CSRF, the signed proxy, the SPA's security headers.

mod common;

use common::{ADMIN_PASSWORD, TestApp, dist, session_token};
use console_backend::config::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn login_sets_a_strict_http_only_cookie_and_me_answers() {
    let app = TestApp::start().await;
    let resp = app.login_with("admin", ADMIN_PASSWORD, None).await;
    assert_eq!(resp.status(), 200);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    // Plain http on loopback: a Secure cookie would never be sent back.
    assert!(!cookie.contains("Secure"), "{cookie}");
    let me: Value = resp.json().await.unwrap();
    assert_eq!(
        me,
        json!({
            "username": "admin",
            "display_name": "Administrator",
            "is_admin": true,
            "must_change_password": false
        })
    );

    let token = cookie.split(';').next().unwrap().strip_prefix("console_session=").unwrap();
    let me = app.get("/api/auth/me", Some(token)).send().await.unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(me.headers()["cache-control"], "no-store");
    assert_eq!(app.get("/api/auth/me", None).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::start().await;
    let a = app.login_with("admin", "wrong", None).await;
    let b = app.login_with("nobody", "wrong", None).await;
    assert_eq!(a.status(), 401);
    assert_eq!(b.status(), 401);
    assert!(a.headers().get("set-cookie").is_none());
    assert_eq!(a.text().await.unwrap(), b.text().await.unwrap());
}

#[tokio::test]
async fn login_rotates_the_session_and_logout_kills_it_server_side() {
    let app = TestApp::start().await;
    let first = app.login().await;
    let second = session_token(&app.login_with("admin", ADMIN_PASSWORD, Some(&first)).await);
    assert_ne!(first, second);
    assert_eq!(app.get("/api/auth/me", Some(&first)).send().await.unwrap().status(), 401, "old id dead after login");
    assert_eq!(app.get("/api/auth/me", Some(&second)).send().await.unwrap().status(), 200);

    let out = app.post("/api/auth/logout", Some(&second)).send().await.unwrap();
    assert_eq!(out.status(), 204);
    assert!(out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    // Replaying the cookie after logout does not work: the row is gone.
    assert_eq!(app.get("/api/auth/me", Some(&second)).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_their_absolute_lifetime() {
    let app = TestApp::start().await;
    let token = app.login().await;
    app.clock.advance(30 * 60 - 1);
    assert_eq!(app.get("/api/auth/me", Some(&token)).send().await.unwrap().status(), 200, "idle-1s still valid");
    app.clock.advance(30 * 60);
    assert_eq!(app.get("/api/auth/me", Some(&token)).send().await.unwrap().status(), 401, "idle+0 expired");

    let token = app.login().await;
    // Stay active, but the absolute lifetime still ends the session.
    for _ in 0..(12 * 2 - 1) {
        app.clock.advance(30 * 60 - 1);
        assert_eq!(app.get("/api/auth/me", Some(&token)).send().await.unwrap().status(), 200);
    }
    app.clock.advance(12 * 3600 - (12 * 2 - 1) * (30 * 60 - 1));
    assert_eq!(app.get("/api/auth/me", Some(&token)).send().await.unwrap().status(), 401, "absolute+0 expired");
}

#[tokio::test]
async fn csrf_needs_same_origin_and_the_console_header() {
    let app = TestApp::start().await;
    let body = json!({"username": "admin", "password": ADMIN_PASSWORD});
    let url = format!("{}/api/auth/login", app.base);
    let cross = app.http.post(&url).header("x-console-request", "1").header("sec-fetch-site", "cross-site").json(&body);
    assert_eq!(cross.send().await.unwrap().status(), 403);
    let no_header = app.http.post(&url).header("sec-fetch-site", "same-origin").json(&body);
    assert_eq!(no_header.send().await.unwrap().status(), 403);
    let foreign_origin =
        app.http.post(&url).header("x-console-request", "1").header("origin", "https://evil.example").json(&body);
    assert_eq!(foreign_origin.send().await.unwrap().status(), 403);
    let host = app.base.trim_start_matches("http://").to_string();
    let own_origin =
        app.http.post(&url).header("x-console-request", "1").header("origin", format!("http://{host}")).json(&body);
    assert_eq!(own_origin.send().await.unwrap().status(), 200);
    let text_plain = app.post("/api/auth/login", None).header("content-type", "text/plain").body(body.to_string());
    assert_eq!(text_plain.send().await.unwrap().status(), 415);
}

#[tokio::test]
async fn proxy_creates_lists_and_deletes_an_environment_with_its_region() {
    let app = TestApp::start().await;
    let token = app.login().await;
    let (status, created) = app
        .cloud(&token, "tcbr/CreateCloudRunEnv?region=ap-guangzhou", json!({"PackageType": "Trial", "Alias": "prod"}))
        .await;
    assert_eq!(status, 200, "{created}");
    let env = created["EnvId"].as_str().unwrap().to_string();
    assert!(created["RequestId"].is_string());

    let (status, list) = app.cloud(&token, "tcbr/DescribeCloudRunEnvs", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(list["EnvList"][0]["EnvId"], env.as_str());
    assert_eq!(list["EnvList"][0]["Region"], "ap-guangzhou");

    let (status, base) = app.cloud(&token, "tcbr/DescribeEnvBaseInfo", json!({"EnvId": env})).await;
    assert_eq!(status, 200);
    assert_eq!(base["EnvBaseInfo"]["Region"], "ap-guangzhou");

    let (status, _) = app.cloud(&token, "tcb/DestroyEnv", json!({"EnvId": env})).await;
    assert_eq!(status, 200);
    // The cloud's own error comes back with its code and request id.
    let (status, err) = app.cloud(&token, "tcb/DestroyEnv", json!({"EnvId": env})).await;
    assert_eq!(status, 404, "{err}");
    assert_eq!(err["code"], "ResourceNotFound");
    assert!(err["request_id"].is_string());
}

#[tokio::test]
async fn proxy_refuses_what_is_not_allowed_or_malformed() {
    let app = TestApp::start().await;
    let token = app.login().await;
    let (status, err) = app.cloud(&token, "tcbr/CreateCloudRunEnv", json!({"PackageType": "Trial"})).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("UnsupportedRegion")));
    let (status, _) =
        app.cloud(&token, "tcbr/CreateCloudRunEnv?region=ap-hongkong", json!({"PackageType": "Trial"})).await;
    assert_eq!(status, 400);
    let (status, err) = app.cloud(&token, "tcbr/StopEverything", json!({})).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::FORBIDDEN, Some("Console.ActionNotAllowed")));
    let (status, _) = app.cloud(&token, "cvm/DescribeInstances", json!({})).await;
    assert_eq!(status, 403);
    let (status, err) = app
        .cloud(
            &token,
            "tcbr/CreateCloudRunEnv?region=ap-beijing",
            json!({"PackageType": "Trial", "Alias": "Bad_Alias"}),
        )
        .await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("InvalidParameterValue")));
    let resp = app.post("/api/cloud/tcbr/DescribeCloudRunEnvs", Some(&token)).body("{}").send().await.unwrap();
    assert_eq!(resp.status(), 415, "no content type");
    let resp = app.post("/api/cloud/tcbr/DescribeCloudRunEnvs", None).json(&json!({})).send().await.unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn an_unreachable_or_silent_cloud_is_a_clear_error_not_a_hang() {
    // Nothing listens on this port once the listener is dropped.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let app = TestApp::start_with(|c| {
        c.cloud_endpoint = Some(closed.to_string());
        c.cloud_scheme = "http".into();
        c.cloud_secret_id = Some("AKIDx".into());
        c.cloud_secret_key = Some("k".into());
    })
    .await;
    let token = app.login().await;
    let (status, err) = app.cloud(&token, "tcbr/DescribeCloudRunEnvs", json!({})).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_GATEWAY, Some("Console.UpstreamUnreachable")));

    // A cloud that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = silent.accept().await {
            held.push(sock);
        }
    });
    let app = TestApp::start_with(|c| {
        c.cloud_endpoint = Some(silent_addr.to_string());
        c.cloud_scheme = "http".into();
        c.cloud_secret_id = Some("AKIDx".into());
        c.cloud_secret_key = Some("k".into());
        c.cloud_timeout_secs = 1;
    })
    .await;
    let token = app.login().await;
    let (status, err) = app.cloud(&token, "tcbr/DescribeCloudRunEnvs", json!({})).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::GATEWAY_TIMEOUT, Some("Console.UpstreamTimeout")));
}

#[tokio::test]
async fn the_spa_is_served_with_a_per_response_nonce() {
    let app = TestApp::start().await;
    let mut nonces = Vec::new();
    for path in ["/", "/envs/prod-1", "/login"] {
        let resp = app.get(path, None).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let h = resp.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap().to_string();
        for part in [
            "script-src 'self' 'wasm-unsafe-eval' 'nonce-",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{csp}");
        }
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["cross-origin-opener-policy"], "same-origin");
        assert_eq!(h["cache-control"], "no-store");
        let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
        let html = resp.text().await.unwrap();
        assert!(html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")), "{html}");
        nonces.push(nonce);
    }
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "a fresh nonce per response");

    let asset =
        app.get("/console-frontend-0123456789abcdef.js", None).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(asset.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let plain = app.get("/robots.txt", None).send().await.unwrap();
    assert_eq!(plain.headers()["cache-control"], "no-cache");
    let api = app.get("/api/nothing-here", None).send().await.unwrap();
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn no_response_carries_the_cloud_secret_key() {
    let app = TestApp::start().await;
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(app.data.path().join("localcloud-credentials.json")).unwrap())
            .unwrap();
    let secret = stored["secret_key"].as_str().unwrap().to_string();
    let token = app.login().await;
    let mut bodies = vec![app.get("/api/auth/me", Some(&token)).send().await.unwrap().text().await.unwrap()];
    for (path, body) in [
        ("tcbr/CreateCloudRunEnv?region=ap-beijing", json!({"PackageType": "Trial", "Alias": "a"})),
        ("tcbr/DescribeCloudRunEnvs", json!({})),
        ("tcb/DestroyEnv", json!({"EnvId": "missing"})),
    ] {
        bodies.push(app.cloud(&token, path, body).await.1.to_string());
    }
    bodies.push(app.get("/", None).send().await.unwrap().text().await.unwrap());
    for b in bodies {
        assert!(!b.contains(&secret));
        assert!(!b.contains(&token), "the session id is only ever in Set-Cookie");
    }
}

#[tokio::test]
async fn restart_keeps_users_sessions_and_environments() {
    let app = TestApp::start().await;
    let token = app.login().await;
    let (_, created) = app
        .cloud(&token, "tcbr/CreateCloudRunEnv?region=ap-shanghai", json!({"PackageType": "Trial", "Alias": "keep"}))
        .await;
    let data = app.data.path().to_path_buf();
    let dist = dist();
    // A second console on the same data directory (another port, its own localcloud ports).
    let running =
        console_backend::start(Config::for_tests(data, dist.path().to_path_buf()), app.clock.clone()).await.unwrap();
    let base = format!("http://{}", running.addr);
    let me = app
        .http
        .get(format!("{base}/api/auth/me"))
        .header("cookie", format!("console_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "the session survived");
    let list: Value = app
        .http
        .post(format!("{base}/api/cloud/tcbr/DescribeCloudRunEnvs"))
        .header("cookie", format!("console_session={token}"))
        .header("x-console-request", "1")
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["EnvList"][0]["EnvId"], created["EnvId"]);
}

#[tokio::test]
async fn hsts_and_secure_cookies_only_behind_tls() {
    let plain = TestApp::start().await;
    assert!(plain.get("/", None).send().await.unwrap().headers().get("strict-transport-security").is_none());
    let tls = TestApp::start_with(|c| c.behind_tls = true).await;
    let page = tls.get("/", None).send().await.unwrap();
    assert_eq!(page.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
    let login = tls.login_with("admin", ADMIN_PASSWORD, None).await;
    assert!(login.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
    assert!(login.headers().get("strict-transport-security").is_some());
}

#[tokio::test]
async fn every_answer_carries_a_request_id_for_the_log() {
    let app = TestApp::start().await;
    let a = app.get("/api/auth/me", None).send().await.unwrap();
    let b = app.get("/", None).send().await.unwrap();
    let (a, b) = (a.headers()["x-request-id"].to_str().unwrap(), b.headers()["x-request-id"].to_str().unwrap());
    assert!(a.len() >= 32 && a != b, "{a} {b}");
}
