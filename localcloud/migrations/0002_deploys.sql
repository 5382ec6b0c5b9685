-- Services carry their settings (ServerBaseConfig as JSON), the next version
-- number (R-VER-1: never reused) and the version that receives traffic.
ALTER TABLE services ADD COLUMN config TEXT NOT NULL DEFAULT '{}';
ALTER TABLE services ADD COLUMN next_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE services ADD COLUMN online_version TEXT;

-- R-SVC-5: a deleted service's default domain is never handed out again.
CREATE TABLE retired_domains (
    domain     TEXT PRIMARY KEY NOT NULL,
    retired_at INTEGER NOT NULL
);

-- R-VER-3: a version freezes its whole configuration at creation.
CREATE TABLE versions (
    env_id       TEXT NOT NULL,
    server_name  TEXT NOT NULL,
    version_name TEXT NOT NULL,
    image        TEXT NOT NULL,
    config       TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (env_id, server_name, version_name),
    FOREIGN KEY (env_id, server_name) REFERENCES services(env_id, server_name) ON DELETE CASCADE
);

-- Deploy tasks as pipelines of steps with logs (R-DEP-5).
CREATE TABLE tasks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id           TEXT NOT NULL,
    server_name      TEXT NOT NULL,
    version_name     TEXT NOT NULL,
    pre_version_name TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    release_type     TEXT NOT NULL,
    deploy_type      TEXT NOT NULL,
    fail_reason      TEXT NOT NULL DEFAULT '',
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    remark           TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    FOREIGN KEY (env_id, server_name) REFERENCES services(env_id, server_name) ON DELETE CASCADE
);
CREATE INDEX tasks_service ON tasks(env_id, server_name, id);

CREATE TABLE task_steps (
    task_id     INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    started_at  INTEGER,
    ended_at    INTEGER,
    fail_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (task_id, idx)
);

CREATE TABLE task_logs (
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    at      INTEGER NOT NULL,
    line    TEXT NOT NULL,
    PRIMARY KEY (task_id, seq)
);
