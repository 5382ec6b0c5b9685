//! Personal access tokens over real HTTP (R-CLI-3): the permission matrix
//! again, for calls made with a token instead of a session; a token's
//! environments and role, capped by its owner's; expiry, revocation, the
//! audit log, and what the cookie's CSRF checks do and do not apply to.

mod common;
mod matrix;

use common::TestApp;
use console_shared::actions;
use console_shared::permissions::Endpoint;
use matrix::{Who, action_row, endpoint_row, expected};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PW: &str = "member-password-1";

/// A request as the CLI sends it: the bearer token, no cookie, none of the
/// browser's same-origin headers.
async fn bearer(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    answer(app.http.request(method, format!("{}{path}", app.base)).bearer_auth(token), body).await
}

/// A request as the SPA sends it, with a session cookie.
async fn session(app: &TestApp, cookie: &str, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let req = app
        .http
        .request(method, format!("{}{path}", app.base))
        .header("x-console-request", "1")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", format!("console_session={cookie}"));
    answer(req, body).await
}

/// Sends `req` with `body` as JSON; the status and the answer (JSON, or its text).
async fn answer(mut req: reqwest::RequestBuilder, body: Option<Value>) -> (StatusCode, Value) {
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn login(app: &TestApp, username: &str, password: &str) -> String {
    let resp = app.login_with(username, password, None).await;
    assert_eq!(resp.status(), 200, "{username} signs in");
    common::session_token(&resp)
}

/// A user with their own password, a member of `env` with `role`; returns their session.
async fn member(app: &TestApp, admin: &str, env: &str, username: &str, role: &str) -> String {
    let user = json!({"username": username, "display_name": username, "password": "initial-pass-1"});
    let (status, body) = session(app, admin, Method::POST, "/api/users", Some(user)).await;
    assert_eq!(status, 201, "{body}");
    let first = login(app, username, "initial-pass-1").await;
    let change = json!({"current_password": "initial-pass-1", "new_password": PW});
    assert_eq!(session(app, &first, Method::POST, "/api/account/password", Some(change)).await.0, 200);
    let add = json!({"username": username, "role": role});
    let (status, body) = session(app, admin, Method::POST, &format!("/api/envs/{env}/members"), Some(add)).await;
    assert_eq!(status, 201, "{body}");
    login(app, username, PW).await
}

async fn new_token(app: &TestApp, cookie: &str, name: &str, envs: &[&str], role: &str) -> (StatusCode, Value) {
    let body = json!({"name": name, "envs": envs, "role": role, "expires_in_days": 30});
    session(app, cookie, Method::POST, "/api/account/tokens", Some(body)).await
}

async fn token(app: &TestApp, cookie: &str, name: &str, envs: &[&str], role: &str) -> String {
    let (status, body) = new_token(app, cookie, name, envs, role).await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().unwrap().to_string()
}

struct Setup {
    app: TestApp,
    admin: String,
    own: String,
    foreign: String,
    /// An owner of `own`, and their session.
    olga: String,
}

async fn setup() -> Setup {
    let app = TestApp::start_with(|c| c.login_max_failures_per_ip = 1_000).await;
    let admin = app.login().await;
    let own = app.new_env(&admin, "ap-shanghai", "own").await;
    let foreign = app.new_env(&admin, "ap-shanghai", "foreign").await;
    let olga = member(&app, &admin, &own, "olga", "owner").await;
    Setup { app, admin, own, foreign, olga }
}

/// What a token may never do, whatever its role: the account itself needs the console.
const NEVER_WITH_A_TOKEN: [&str; 6] =
    ["ChangeOwnPassword", "ListOwnSessions", "EndOwnSession", "ListOwnTokens", "CreateOwnToken", "RevokeOwnToken"];

#[tokio::test]
async fn r_cli_3_permission_matrix_for_tokens_of_every_role() {
    let s = setup().await;
    // Olga owns `own`: her tokens there may be anything up to owner, and reach nothing else.
    let callers = [
        (Who::Viewer, token(&s.app, &s.olga, "as viewer", &[&s.own], "viewer").await),
        (Who::Developer, token(&s.app, &s.olga, "as developer", &[&s.own], "developer").await),
        (Who::Owner, token(&s.app, &s.olga, "as owner", &[&s.own], "owner").await),
        // An administrator's token is no administrator: an owner in its environments at most.
        (Who::Owner, token(&s.app, &s.admin, "admin's", &[&s.own], "owner").await),
    ];
    let forwarded: Vec<_> = actions::all().filter(|a| a.rule.is_some()).collect();
    let mut checked = 0;
    for (env, own) in [(&s.own, true), (&s.foreign, false)] {
        for (who, token) in &callers {
            for endpoint in Endpoint::ALL {
                let call = format!("{endpoint:?}");
                let (method, path, body, ok) = endpoint_row(endpoint, env);
                let want = if NEVER_WITH_A_TOKEN.contains(&call.as_str()) {
                    StatusCode::FORBIDDEN
                } else {
                    expected(*who, own, &call, ok)
                };
                let (got, resp) = bearer(&s.app, token, method, &path, body).await;
                assert_eq!(
                    got,
                    want,
                    "{call} with a {who:?} token in the {} env: {resp}",
                    if own { "own" } else { "foreign" }
                );
                checked += 1;
            }
            for action in &forwarded {
                let (path, body, ok) = action_row(action.product, action.name, env);
                // DestroyEnv would succeed for an owner here: the matrix's bodies must change nothing shared.
                if action.name == "DestroyEnv" && own && *who == Who::Owner {
                    continue;
                }
                let want = expected(*who, own, action.name, ok);
                let (got, resp) = bearer(&s.app, token, Method::POST, &path, Some(body)).await;
                assert_eq!(
                    got,
                    want,
                    "{} with a {who:?} token in the {} env: {resp}",
                    action.name,
                    if own { "own" } else { "foreign" }
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "{checked}");
}

#[tokio::test]
async fn r_cli_3_a_developer_token_for_one_environment_stays_there() {
    let s = setup().await;
    let dev = member(&s.app, &s.admin, &s.own, "dev", "developer").await;
    let t = token(&s.app, &dev, "ci", &[&s.own], "developer").await;
    let list = |env: &str| json!({"EnvId": env});
    let (status, _) =
        bearer(&s.app, &t, Method::POST, "/api/cloud/tcbr/DescribeCloudRunServers", Some(list(&s.own))).await;
    assert_eq!(status, 200);
    let (status, body) =
        bearer(&s.app, &t, Method::POST, "/api/cloud/tcbr/DescribeCloudRunServers", Some(list(&s.foreign))).await;
    assert_eq!(status, 403, "{body}");
    // Listing environments shows only the token's own.
    let (_, envs) = bearer(&s.app, &t, Method::POST, "/api/cloud/tcbr/DescribeCloudRunEnvs", Some(json!({}))).await;
    let ids: Vec<&str> = envs["EnvList"].as_array().unwrap().iter().map(|e| e["EnvId"].as_str().unwrap()).collect();
    assert_eq!(ids, [s.own.as_str()]);
    // Members: read yes, manage no.
    let members = format!("/api/envs/{}/members", s.own);
    assert_eq!(bearer(&s.app, &t, Method::GET, &members, None).await.0, 200);
    let add = json!({"username": "olga", "role": "viewer"});
    let (status, body) = bearer(&s.app, &t, Method::POST, &members, Some(add)).await;
    assert_eq!(status, 403, "{body}");
    // Nor make more tokens, nor change the password.
    let (status, body) = bearer(
        &s.app,
        &t,
        Method::POST,
        "/api/account/tokens",
        Some(json!({"name": "more", "envs": [s.own], "role": "viewer", "expires_in_days": 30})),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("Console.TokenNotAllowed")), "{body}");
}

#[tokio::test]
async fn r_cli_3_a_token_is_never_above_its_owner() {
    let s = setup().await;
    let dev = member(&s.app, &s.admin, &s.own, "dev", "developer").await;
    // Above their role, or outside their environments: refused, nothing made.
    let (status, body) = new_token(&s.app, &dev, "too high", &[&s.own], "owner").await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = new_token(&s.app, &dev, "elsewhere", &[&s.foreign], "viewer").await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = new_token(&s.app, &dev, "", &[&s.own], "viewer").await;
    assert_eq!(status, 400, "{body}");
    let (_, listed) = session(&s.app, &dev, Method::GET, "/api/account/tokens", None).await;
    assert_eq!(listed["tokens"], json!([]), "{listed}");
    assert_eq!(listed["grantable"], json!([{"env_id": s.own, "role": "developer"}]));
    // A name is one token's.
    let t = token(&s.app, &dev, "ci", &[&s.own], "developer").await;
    let (status, body) = new_token(&s.app, &dev, "ci", &[&s.own], "viewer").await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (409, Some("Console.TokenNameTaken")), "{body}");
    // Demoted later: the token's role drops with its owner's at once.
    let deploy =
        json!({"EnvId": s.own, "ServerName": "nosvc", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}});
    let update = "/api/cloud/tcbr/UpdateCloudRunServer";
    assert_eq!(bearer(&s.app, &t, Method::POST, update, Some(deploy.clone())).await.0, 404, "allowed, no such service");
    let (_, me) = session(&s.app, &dev, Method::GET, "/api/auth/me", None).await;
    let dev_id: i64 = {
        let (_, users) = session(&s.app, &s.admin, Method::GET, "/api/users", None).await;
        users.as_array().unwrap().iter().find(|u| u["username"] == me["username"]).unwrap()["id"].as_i64().unwrap()
    };
    let path = format!("/api/envs/{}/members/{dev_id}", s.own);
    assert_eq!(session(&s.app, &s.olga, Method::PUT, &path, Some(json!({"role": "viewer"}))).await.0, 200);
    let (status, body) = bearer(&s.app, &t, Method::POST, update, Some(deploy)).await;
    assert_eq!(status, 403, "{body}");
    // Removed: nothing at all.
    assert_eq!(session(&s.app, &s.olga, Method::DELETE, &path, None).await.0, 204);
    let list = json!({"EnvId": s.own});
    assert_eq!(bearer(&s.app, &t, Method::POST, "/api/cloud/tcbr/DescribeCloudRunServers", Some(list)).await.0, 403);
}

#[tokio::test]
async fn r_cli_3_expired_revoked_and_malformed_tokens_are_refused() {
    let s = setup().await;
    let t = token(&s.app, &s.olga, "ci", &[&s.own], "viewer").await;
    let list = json!({"EnvId": s.own});
    let call = "/api/cloud/tcbr/DescribeCloudRunServers";
    assert_eq!(bearer(&s.app, &t, Method::POST, call, Some(list.clone())).await.0, 200);
    // Listed with its last use; never the token.
    let (_, listed) = session(&s.app, &s.olga, Method::GET, "/api/account/tokens", None).await;
    let info = &listed["tokens"][0];
    assert_eq!((info["name"].as_str(), info["role"].as_str()), (Some("ci"), Some("viewer")), "{listed}");
    assert!(info["last_used_at"].as_i64().is_some(), "{listed}");
    assert!(!listed.to_string().contains(&t));

    // Expired: 30 days and a second later.
    s.app.clock.advance(30 * 86_400);
    let (status, body) = bearer(&s.app, &t, Method::POST, call, Some(list.clone())).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("Console.TokenExpired")), "{body}");

    // Revoked: gone at once. (Olga's session ended with the month too.)
    let olga = login(&s.app, "olga", PW).await;
    let admin = s.app.login().await;
    let fresh = token(&s.app, &olga, "fresh", &[&s.own], "viewer").await;
    assert_eq!(bearer(&s.app, &fresh, Method::POST, call, Some(list.clone())).await.0, 200);
    let (_, listed) = session(&s.app, &olga, Method::GET, "/api/account/tokens", None).await;
    let id =
        listed["tokens"].as_array().unwrap().iter().find(|t| t["name"] == "fresh").unwrap()["id"].as_i64().unwrap();
    assert_eq!(session(&s.app, &olga, Method::DELETE, &format!("/api/account/tokens/{id}"), None).await.0, 204);
    let (status, body) = bearer(&s.app, &fresh, Method::POST, call, Some(list.clone())).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("Console.TokenInvalid")), "{body}");
    // Another user cannot revoke it (nor learn it exists).
    let dev = member(&s.app, &admin, &s.own, "dev", "developer").await;
    let other = token(&s.app, &olga, "other", &[&s.own], "viewer").await;
    let (_, listed) = session(&s.app, &olga, Method::GET, "/api/account/tokens", None).await;
    let id =
        listed["tokens"].as_array().unwrap().iter().find(|t| t["name"] == "other").unwrap()["id"].as_i64().unwrap();
    assert_eq!(session(&s.app, &dev, Method::DELETE, &format!("/api/account/tokens/{id}"), None).await.0, 404);
    assert_eq!(bearer(&s.app, &other, Method::POST, call, Some(list.clone())).await.0, 200);

    // A bad bearer is refused even when a good session cookie comes with it.
    let resp = s
        .app
        .http
        .post(format!("{}{call}", s.app.base))
        .bearer_auth("tcbr_pat_not-a-real-token-0000000000000000000000000000")
        .header("cookie", format!("console_session={}", olga))
        .json(&list)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    // Another scheme (a proxy's sign-in in front of the console) is no
    // token: the session decides, with its CSRF checks.
    let basic = |cookie: &str| {
        s.app
            .http
            .post(format!("{}{call}", s.app.base))
            .basic_auth("proxy-user", Some("proxy-pass"))
            .header("cookie", format!("console_session={cookie}"))
            .json(&list)
    };
    assert_eq!(basic(&olga).send().await.unwrap().status(), 403, "no CSRF exemption");
    let with_csrf = basic(&olga).header("x-console-request", "1").header("sec-fetch-site", "same-origin");
    assert_eq!(with_csrf.send().await.unwrap().status(), 200);

    // An expired token's name is free for a new one.
    let (status, body) = new_token(&s.app, &olga, "ci", &[&s.own], "viewer").await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn r_cli_3_calls_made_with_a_token_are_audited_under_the_user_and_the_token() {
    let s = setup().await;
    let t = token(&s.app, &s.olga, "deploy bot", &[&s.own], "developer").await;
    // No X-Console-Request, no Origin: a bearer token is no ambient credential.
    let body =
        json!({"EnvId": s.own, "ServerName": "nosvc", "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}});
    let (status, _) = bearer(&s.app, &t, Method::POST, "/api/cloud/tcbr/UpdateCloudRunServer", Some(body)).await;
    assert_eq!(status, 404);
    // A forged cross-site header changes nothing either.
    let resp = s
        .app
        .http
        .post(format!("{}/api/cloud/tcbr/DescribeCloudRunServers", s.app.base))
        .bearer_auth(&t)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"EnvId": s.own}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // The session cookie still needs its CSRF header.
    let resp = s
        .app
        .http
        .post(format!("{}/api/cloud/tcbr/DescribeCloudRunServers", s.app.base))
        .header("cookie", format!("console_session={}", s.olga))
        .json(&json!({"EnvId": s.own}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    // Reads too, once a minute per kind: a CLI polling a deploy leaves one row, not one per poll.
    for _ in 0..3 {
        let read = json!({"EnvId": s.own});
        assert_eq!(
            bearer(&s.app, &t, Method::POST, "/api/cloud/tcbr/DescribeCloudRunServers", Some(read)).await.0,
            200
        );
    }

    let (_, audit) = session(&s.app, &s.admin, Method::GET, "/api/audit?limit=50", None).await;
    let entries = audit["entries"].as_array().unwrap_or_else(|| panic!("{audit}"));
    let reads: Vec<&Value> = entries.iter().filter(|e| e["action"] == "DescribeCloudRunServers").collect();
    assert_eq!(reads.len(), 1, "{audit}");
    assert_eq!((reads[0]["via_token"].as_str(), reads[0]["outcome"].as_str()), (Some("deploy bot"), Some("allowed")));
    let update = entries.iter().find(|e| e["action"] == "UpdateCloudRunServer").unwrap_or_else(|| panic!("{audit}"));
    assert_eq!((update["username"].as_str(), update["via_token"].as_str()), (Some("olga"), Some("deploy bot")));
    let created = entries.iter().find(|e| e["action"] == "CreateToken").unwrap();
    assert_eq!(created["detail"], format!("deploy bot as developer in {} for 30 day(s)", s.own));
    assert!(created["via_token"].is_null());
    assert!(!audit.to_string().contains(&t), "no token in the audit log");
    // The database keeps its hash only.
    let db = std::fs::read(s.app.data.path().join("console.db")).unwrap();
    let wal = std::fs::read(s.app.data.path().join("console.db-wal")).unwrap_or_default();
    let secret = t.as_bytes();
    for bytes in [&db, &wal] {
        assert!(!bytes.windows(secret.len()).any(|w| w == secret), "the token is stored in the clear");
    }
}
