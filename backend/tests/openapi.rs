//! The BFF's OpenAPI document is locked: a change to the HTTP surface shows up
//! as a diff of `snapshots/openapi.json`. After an intended change, rewrite
//! it with `UPDATE_SNAPSHOTS=1 cargo test -p console-backend --test openapi`.

mod common;

#[test]
fn openapi_document_matches_the_snapshot() {
    let doc = console_backend::openapi_document();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &doc).unwrap();
    }
    let locked = std::fs::read_to_string(&path).expect("snapshot exists (UPDATE_SNAPSHOTS=1 writes it)");
    assert_eq!(doc, locked, "the OpenAPI document changed; review and UPDATE_SNAPSHOTS=1 if intended");
}

#[tokio::test]
async fn the_document_is_served_and_names_every_endpoint() {
    let app = common::TestApp::start().await;
    let resp = app.get("/api/openapi.json", None).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let doc: serde_json::Value = resp.json().await.unwrap();
    for path in [
        "/api/auth/login",
        "/api/auth/logout",
        "/api/auth/me",
        "/api/cloud/{product}/{action}",
        "/api/users",
        "/api/users/{id}",
        "/api/account/password",
        "/api/account/sessions",
        "/api/account/sessions/{handle}",
        "/api/envs/{env}/access",
        "/api/envs/{env}/members",
        "/api/envs/{env}/members/{user_id}",
        "/api/audit",
        "/api/audit/export.csv",
        "/api/envs/{env}/services/{service}/tasks/{task}/events",
        "/api/envs/{env}/services/{service}/logs/stream",
        "/api/admin/hub",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
}
