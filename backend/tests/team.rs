//! Team access over real HTTP: the permission matrix, roles taking effect at
//! once, session rotation and revocation, sign-in limits, the audit log.

mod common;
mod matrix;

use common::TestApp;
use console_shared::actions;
use console_shared::permissions::Endpoint;
use matrix::{Who, action_row, endpoint_row, expected};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PW: &str = "member-password-1";

/// Sends a request as `token` (or anonymously); returns status, body and any new session token.
async fn send(
    app: &TestApp,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value, Option<String>) {
    let mut req = app
        .http
        .request(method, format!("{}{path}", app.base))
        .header("x-console-request", "1")
        .header("sec-fetch-site", "same-origin");
    if let Some(t) = token {
        req = req.header("cookie", format!("console_session={t}"));
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let new_token = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .and_then(|kv| kv.strip_prefix("console_session="))
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)), new_token)
}

async fn login_as(app: &TestApp, username: &str, password: &str) -> (StatusCode, Option<String>) {
    let (status, _, token) =
        send(app, None, Method::POST, "/api/auth/login", Some(json!({"username": username, "password": password})))
            .await;
    (status, token)
}

/// Creates a user (admin), signs them in and sets their own password. Returns their session.
async fn onboard(app: &TestApp, admin: &str, username: &str) -> (i64, String) {
    let (status, user, _) = send(
        app,
        Some(admin),
        Method::POST,
        "/api/users",
        Some(json!({"username": username, "display_name": username, "password": "initial-pass-1"})),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    let (_, first) = login_as(app, username, "initial-pass-1").await;
    let (status, _, token) = send(
        app,
        first.as_deref(),
        Method::POST,
        "/api/account/password",
        Some(json!({"current_password": "initial-pass-1", "new_password": PW})),
    )
    .await;
    assert_eq!(status, 200);
    (user["id"].as_i64().unwrap(), token.unwrap())
}

async fn create_env(app: &TestApp, admin: &str, alias: &str) -> String {
    let (status, env, _) = send(
        app,
        Some(admin),
        Method::POST,
        "/api/cloud/tcbr/CreateCloudRunEnv?region=ap-shanghai",
        Some(json!({"PackageType": "Trial", "Alias": alias})),
    )
    .await;
    assert_eq!(status, 200, "{env}");
    env["EnvId"].as_str().unwrap().to_string()
}

/// Puts a service into an environment the way a deploy would, so deleting
/// the environment is refused (R-ENV-6) and the matrix can call DestroyEnv safely.
async fn hold_a_service(app: &TestApp, env: &str) {
    let db =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", app.data.path().join("localcloud/localcloud.db").display()))
            .await
            .unwrap();
    sqlx::query("INSERT INTO services (env_id, server_name, default_domain, status, created_at, updated_at) VALUES (?, 'svc', ?, 'normal', 0, 0)")
        .bind(env)
        .bind(format!("http://svc-{env}.example"))
        .execute(&db)
        .await
        .unwrap();
}

struct Team {
    app: TestApp,
    admin: String,
    viewer: (i64, String),
    developer: (i64, String),
    owner: (i64, String),
    own: String,
    foreign: String,
}

async fn add_member(app: &TestApp, by: &str, env: &str, username: &str, role: &str) -> StatusCode {
    send(
        app,
        Some(by),
        Method::POST,
        &format!("/api/envs/{env}/members"),
        Some(json!({"username": username, "role": role})),
    )
    .await
    .0
}

async fn team() -> Team {
    // The whole suite signs in from 127.0.0.1: lift the per-address limit.
    let app = TestApp::start_with(|c| c.login_max_failures_per_ip = 1_000).await;
    let admin = app.login().await;
    let own = create_env(&app, &admin, "own").await;
    let foreign = create_env(&app, &admin, "foreign").await;
    hold_a_service(&app, &own).await;
    hold_a_service(&app, &foreign).await;
    let viewer = onboard(&app, &admin, "vera").await;
    let developer = onboard(&app, &admin, "dev").await;
    let owner = onboard(&app, &admin, "olga").await;
    for (name, role) in [("vera", "viewer"), ("dev", "developer"), ("olga", "owner")] {
        assert_eq!(add_member(&app, &admin, &own, name, role).await, 201);
    }
    // Adding them rotated their sessions: sign in afresh.
    let viewer = (viewer.0, login_as(&app, "vera", PW).await.1.unwrap());
    let developer = (developer.0, login_as(&app, "dev", PW).await.1.unwrap());
    let owner = (owner.0, login_as(&app, "olga", PW).await.1.unwrap());
    Team { app, admin, viewer, developer, owner, own, foreign }
}

#[tokio::test]
async fn permission_matrix_every_action_and_endpoint_for_every_caller() {
    let t = team().await;
    let callers = [
        (Who::Anonymous, None),
        (Who::Viewer, Some(t.viewer.1.clone())),
        (Who::Developer, Some(t.developer.1.clone())),
        (Who::Owner, Some(t.owner.1.clone())),
        (Who::Admin, Some(t.admin.clone())),
    ];
    let forwarded: Vec<_> = actions::all().filter(|a| a.rule.is_some()).collect();
    let mut checked = 0;
    for (env, own) in [(&t.own, true), (&t.foreign, false)] {
        for (who, token) in &callers {
            for endpoint in Endpoint::ALL {
                let (method, path, body, ok) = endpoint_row(endpoint, env);
                let want = expected(*who, own, &format!("{endpoint:?}"), ok);
                let (got, resp, _) = send(&t.app, token.as_deref(), method, &path, body).await;
                assert_eq!(got, want, "{endpoint:?} as {who:?} in {} env: {resp}", if own { "own" } else { "foreign" });
                checked += 1;
            }
            for action in forwarded.iter() {
                let (path, body, ok) = action_row(action.product, action.name, env);
                let want = expected(*who, own, action.name, ok);
                let (got, resp, _) = send(&t.app, token.as_deref(), Method::POST, &path, Some(body)).await;
                assert_eq!(
                    got,
                    want,
                    "{} as {who:?} in {} env: {resp}",
                    action.name,
                    if own { "own" } else { "foreign" }
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2 * 5 * (Endpoint::ALL.len() + forwarded.len()));
}

#[tokio::test]
async fn members_see_only_their_environments_and_learn_nothing_of_others() {
    let t = team().await;
    let (_, list, _) =
        send(&t.app, Some(&t.viewer.1), Method::POST, "/api/cloud/tcbr/DescribeCloudRunEnvs", Some(json!({}))).await;
    let ids: Vec<&str> = list["EnvList"].as_array().unwrap().iter().map(|e| e["EnvId"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![t.own.as_str()]);
    // A foreign environment and one that never existed look exactly the same.
    let probe = |env: String| {
        let token = t.viewer.1.clone();
        let app = &t.app;
        async move {
            let (s, body, _) = send(
                app,
                Some(&token),
                Method::POST,
                "/api/cloud/tcbr/DescribeEnvBaseInfo",
                Some(json!({"EnvId": env})),
            )
            .await;
            (s, body)
        }
    };
    assert_eq!(probe(t.foreign.clone()).await, probe("never-existed-1".into()).await);
}

/// Parallel requests racing a rotation (the SPA loads several things at once):
/// every one is answered, none is logged out.
#[tokio::test]
async fn a_role_change_does_not_log_out_parallel_requests() {
    let t = team().await;
    let member = format!("/api/envs/{}/members/{}", t.own, t.developer.0);
    let (status, _, _) = send(&t.app, Some(&t.owner.1), Method::PUT, &member, Some(json!({"role": "viewer"}))).await;
    assert_eq!(status, 200);
    let path = format!("/api/envs/{}/access", t.own);
    let burst = (0..8).map(|_| send(&t.app, Some(&t.developer.1), Method::GET, &path, None));
    let answers = futures::future::join_all(burst).await;
    assert!(
        answers.iter().all(|(status, _, _)| *status == 200),
        "{:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
    let rotated: Vec<&String> = answers.iter().filter_map(|(_, _, c)| c.as_ref()).collect();
    assert_eq!(rotated.len(), 1, "one request won the new id");
    assert_eq!(send(&t.app, Some(rotated[0]), Method::GET, "/api/auth/me", None).await.0, 200);
}

#[tokio::test]
async fn a_role_change_applies_on_the_next_request_and_rotates_the_session() {
    let t = team().await;
    let path = format!("/api/envs/{}/access", t.own);
    let (_, access, _) = send(&t.app, Some(&t.developer.1), Method::GET, &path, None).await;
    assert_eq!(access["role"], "developer");

    let member = format!("/api/envs/{}/members/{}", t.own, t.developer.0);
    let (status, _, _) = send(&t.app, Some(&t.owner.1), Method::PUT, &member, Some(json!({"role": "viewer"}))).await;
    assert_eq!(status, 200);

    let old = t.developer.1.clone();
    let (status, access, rotated) = send(&t.app, Some(&old), Method::GET, &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(access["role"], "viewer", "effective on the very next request");
    let new = rotated.expect("a new session id after the privilege change");
    assert_ne!(new, old);
    // Requests already on their way with the old id are not logged out:
    // it stays an alias of the new one for a few seconds, with the new role.
    let (status, access, again) = send(&t.app, Some(&old), Method::GET, &path, None).await;
    assert_eq!(
        (status, access["role"].as_str(), again),
        (StatusCode::OK, Some("viewer"), None),
        "grace, no second rotation"
    );
    t.app.clock.advance(11);
    assert_eq!(send(&t.app, Some(&old), Method::GET, "/api/auth/me", None).await.0, 401, "old id dead after grace");
    assert_eq!(send(&t.app, Some(&new), Method::GET, "/api/auth/me", None).await.0, 200);

    // Revoked: the environment disappears for them at once.
    let (status, _, _) = send(&t.app, Some(&t.owner.1), Method::DELETE, &member, None).await;
    assert_eq!(status, 204);
    let (status, _, _) = send(&t.app, Some(&new), Method::GET, &path, None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn an_environment_always_keeps_an_owner() {
    let t = team().await;
    let me = format!("/api/envs/{}/members/{}", t.own, t.owner.0);
    // The admin created the environment and owns it too; remove that first.
    let admin_id: i64 = {
        let (_, users, _) = send(&t.app, Some(&t.admin), Method::GET, "/api/users", None).await;
        users.as_array().unwrap().iter().find(|u| u["username"] == "admin").unwrap()["id"].as_i64().unwrap()
    };
    let admin_member = format!("/api/envs/{}/members/{admin_id}", t.own);
    assert_eq!(send(&t.app, Some(&t.owner.1), Method::DELETE, &admin_member, None).await.0, 204);
    let (status, err, _) = send(&t.app, Some(&t.owner.1), Method::PUT, &me, Some(json!({"role": "developer"}))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("Console.Conflict")));
    assert_eq!(send(&t.app, Some(&t.owner.1), Method::DELETE, &me, None).await.0, 409);
    // Nor can the sole owner's account be deleted from under it.
    let user = format!("/api/users/{}", t.owner.0);
    assert_eq!(send(&t.app, Some(&t.admin), Method::DELETE, &user, None).await.0, 409);
}

#[tokio::test]
async fn disabling_or_deleting_a_user_ends_every_session_at_once() {
    let t = team().await;
    let second = login_as(&t.app, "dev", PW).await.1.unwrap();
    let user = format!("/api/users/{}", t.developer.0);
    let (status, _, _) = send(&t.app, Some(&t.admin), Method::PATCH, &user, Some(json!({"disabled": true}))).await;
    assert_eq!(status, 200);
    for token in [&t.developer.1, &second] {
        assert_eq!(send(&t.app, Some(token), Method::GET, "/api/auth/me", None).await.0, 401);
    }
    assert_eq!(login_as(&t.app, "dev", PW).await.0, 401, "a disabled user cannot sign in");

    let viewer_user = format!("/api/users/{}", t.viewer.0);
    assert_eq!(send(&t.app, Some(&t.admin), Method::DELETE, &viewer_user, None).await.0, 204);
    assert_eq!(send(&t.app, Some(&t.viewer.1), Method::GET, "/api/auth/me", None).await.0, 401);
    assert_eq!(
        send(&t.app, Some(&t.admin), Method::PATCH, "/api/users/1", Some(json!({"disabled": true}))).await.0,
        409
    );
}

#[tokio::test]
async fn a_new_user_must_change_the_initial_password_first() {
    let app = TestApp::start().await;
    let admin = app.login().await;
    let body = json!({"username": "newbie", "display_name": "New Bie", "password": "initial-pass-1"});
    assert_eq!(send(&app, Some(&admin), Method::POST, "/api/users", Some(body.clone())).await.0, 201);
    assert_eq!(send(&app, Some(&admin), Method::POST, "/api/users", Some(body)).await.0, 409, "usernames are unique");

    let token = login_as(&app, "newbie", "initial-pass-1").await.1.unwrap();
    let (_, me, _) = send(&app, Some(&token), Method::GET, "/api/auth/me", None).await;
    assert_eq!(me["must_change_password"], true);
    let (status, err, _) =
        send(&app, Some(&token), Method::POST, "/api/cloud/tcbr/DescribeCloudRunEnvs", Some(json!({}))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::FORBIDDEN, Some("Console.PasswordChangeRequired")));
    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let (status, _, _) =
        send(&app, Some(&token), Method::POST, "/api/account/password", Some(change("initial-pass-1", "short"))).await;
    assert_eq!(status, 400, "too short");
    let (status, me, new_token) =
        send(&app, Some(&token), Method::POST, "/api/account/password", Some(change("initial-pass-1", PW))).await;
    assert_eq!(status, 200);
    assert_eq!(me["must_change_password"], false);
    let new_token = new_token.unwrap();
    assert_eq!(
        send(&app, Some(&token), Method::GET, "/api/auth/me", None).await.0,
        401,
        "new id after a password change"
    );
    let (status, _, _) =
        send(&app, Some(&new_token), Method::POST, "/api/cloud/tcbr/DescribeCloudRunEnvs", Some(json!({}))).await;
    assert_eq!(status, 200);
    assert_eq!(login_as(&app, "newbie", "initial-pass-1").await.0, 401);
    assert_eq!(login_as(&app, "newbie", PW).await.0, 200);
}

#[tokio::test]
async fn users_list_and_end_their_own_sessions() {
    let app = TestApp::start().await;
    let a = app.login().await;
    let b = app.login().await;
    let (_, sessions, _) = send(&app, Some(&a), Method::GET, "/api/account/sessions", None).await;
    let sessions = sessions.as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2);
    assert!(!serde_json::to_string(&sessions).unwrap().contains(&b), "no session secret in the list");
    let other = sessions.iter().find(|s| s["current"] == false).unwrap()["handle"].as_str().unwrap().to_string();
    let (status, _, _) = send(&app, Some(&a), Method::DELETE, &format!("/api/account/sessions/{other}"), None).await;
    assert_eq!(status, 204);
    assert_eq!(send(&app, Some(&b), Method::GET, "/api/auth/me", None).await.0, 401);
    assert_eq!(send(&app, Some(&a), Method::GET, "/api/auth/me", None).await.0, 200);
}

#[tokio::test]
async fn sign_in_limits_per_account_recover_after_the_window() {
    let app = TestApp::start().await; // 5 failures per account per 15 minutes
    for attempt in 1..=5 {
        // max-1 and max: still judged on the password.
        assert_eq!(login_as(&app, "admin", "wrong").await.0, 401, "attempt {attempt}");
    }
    // max+1: refused without looking, even with the right password.
    let resp = app.login_with("admin", common::ADMIN_PASSWORD, None).await;
    assert_eq!(resp.status(), 429);
    let retry: i64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    app.clock.advance(15 * 60);
    assert_eq!(login_as(&app, "admin", common::ADMIN_PASSWORD).await.0, 200, "after the window");
}

#[tokio::test]
async fn sign_in_limits_per_address_cover_every_username() {
    let app = TestApp::start_with(|c| c.login_max_failures_per_ip = 4).await;
    for i in 0..4 {
        assert_eq!(login_as(&app, &format!("user{i}"), "wrong").await.0, 401);
    }
    assert_eq!(login_as(&app, "someone-else", "wrong").await.0, 429);
    app.clock.advance(15 * 60);
    assert_eq!(login_as(&app, "admin", common::ADMIN_PASSWORD).await.0, 200);
}

#[tokio::test]
async fn the_audit_log_records_allowed_and_denied_changes_and_exports_csv() {
    let t = team().await;
    // A viewer tries to delete the environment: refused and recorded.
    let (status, _, _) =
        send(&t.app, Some(&t.viewer.1), Method::POST, "/api/cloud/tcb/DestroyEnv", Some(json!({"EnvId": t.own}))).await;
    assert_eq!(status, 403);
    let _ = login_as(&t.app, "olga", "wrong-password").await;

    let (status, entries, _) =
        send(&t.app, Some(&t.owner.1), Method::GET, &format!("/api/audit?env={}", t.own), None).await;
    assert_eq!(status, 200);
    let entries = entries["entries"].as_array().unwrap();
    let denied =
        entries.iter().find(|e| e["action"] == "DestroyEnv" && e["outcome"] == "denied").expect("denied entry");
    assert_eq!(denied["username"], "vera");
    assert!(entries.iter().any(|e| e["action"] == "AddMember" && e["outcome"] == "allowed"));
    assert!(entries.iter().all(|e| e["env_id"] == t.own.as_str()), "owners see their environment only");

    let (_, all, _) = send(&t.app, Some(&t.admin), Method::GET, "/api/audit?action=Login&outcome=denied", None).await;
    assert!(all["entries"].as_array().unwrap().iter().any(|e| e["username"] == "olga"));
    let create = all["entries"].as_array().unwrap().iter().all(|e| e["action"] == "Login");
    assert!(create);
    let (_, cloud, _) = send(&t.app, Some(&t.admin), Method::GET, "/api/audit?action=CreateCloudRunEnv", None).await;
    assert!(
        cloud["entries"].as_array().unwrap().iter().all(|e| e["request_id"].is_string()),
        "upstream request ids kept"
    );

    assert_eq!(
        send(&t.app, Some(&t.developer.1), Method::GET, &format!("/api/audit?env={}", t.own), None).await.0,
        403
    );
    assert_eq!(
        send(&t.app, Some(&t.owner.1), Method::GET, "/api/audit", None).await.0,
        403,
        "the whole log is for admins"
    );

    let csv = t.app.get(&format!("/api/audit/export.csv?env={}", t.own), Some(&t.owner.1)).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("id,time_utc,user,via_token,environment,action,outcome,detail,request_id\r\n"));
    assert!(text.contains(",vera,") && text.contains(",DestroyEnv,denied,"));

    // Append-only, in the database itself.
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", t.app.data.path().join("console.db").display()))
        .await
        .unwrap();
    assert!(sqlx::query("UPDATE audit_log SET outcome = 'allowed'").execute(&db).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(&db).await.is_err());
}
