//! The audit log: every mutating call (allowed, denied or failed), every
//! sign-in, every user, member and role change. Append-only: the database
//! refuses updates and deletes (migration 0002).
//!
//! Here the writing, which every feature and the permission check use;
//! reading it (`routes`) is apart, since it is itself permission-checked.

use crate::identity::AuthUser;
use crate::state::AppState;

pub mod routes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied,
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// One thing that happened.
pub struct Event<'a> {
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub env_id: Option<&'a str>,
    /// The service a cloud change is about, for its timeline.
    pub service: Option<&'a str>,
    pub action: &'a str,
    pub outcome: Outcome,
    pub detail: String,
    pub request_id: Option<&'a str>,
    /// The personal access token the caller acted with (its name).
    pub via_token: Option<&'a str>,
}

impl<'a> Event<'a> {
    pub fn by(user: &'a AuthUser, action: &'a str, outcome: Outcome) -> Self {
        Event {
            user_id: Some(user.id),
            username: &user.username,
            env_id: None,
            service: None,
            action,
            outcome,
            detail: String::new(),
            request_id: None,
            via_token: user.token.as_ref().map(|t| t.name.as_str()),
        }
    }

    pub fn env(mut self, env_id: Option<&'a str>) -> Self {
        self.env_id = env_id;
        self
    }

    pub fn service(mut self, service: Option<&'a str>) -> Self {
        self.service = service;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    pub fn request_id(mut self, request_id: Option<&'a str>) -> Self {
        self.request_id = request_id;
        self
    }
}

/// Longest text kept from a caller for each field: a username or a detail
/// can come from anyone (a failed sign-in), and the log is append-only.
const USERNAME_MAX: usize = 64;
const ACTION_MAX: usize = 64;
const DETAIL_MAX: usize = 500;

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// Appends an entry. A failure to write is logged loudly but does not undo
/// what already happened in the cloud.
pub async fn record(state: &AppState, e: Event<'_>) {
    let result = sqlx::query(
        "INSERT INTO audit_log (at, user_id, username, env_id, service, action, outcome, detail, request_id, via_token)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(state.clock.now())
    .bind(e.user_id)
    .bind(cut(e.username, USERNAME_MAX))
    .bind(e.env_id.map(|env| cut(env, USERNAME_MAX)))
    .bind(e.service.map(|service| cut(service, USERNAME_MAX)))
    .bind(cut(e.action, ACTION_MAX))
    .bind(e.outcome.as_str())
    .bind(cut(&e.detail, DETAIL_MAX))
    .bind(e.request_id)
    .bind(e.via_token.map(|t| cut(t, USERNAME_MAX)))
    .execute(&state.db)
    .await;
    if let Err(err) = result {
        tracing::error!(error = %err, action = e.action, "could not write the audit log");
    }
}
