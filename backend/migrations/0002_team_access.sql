-- Users created by an admin must pick their own password at first sign-in.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- A public handle per session, so a user can list and end sessions without
-- any session secret ever leaving the server; `rotate` marks a session whose
-- user's privileges changed: its next request gets a new id.
ALTER TABLE sessions ADD COLUMN handle TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN rotate INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET handle = lower(hex(randomblob(8))) WHERE handle = '';
CREATE UNIQUE INDEX sessions_handle ON sessions(handle);

-- The audit log: who did what, where, when (UTC seconds), and how it ended.
-- No foreign keys: entries outlive deleted users and environments.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    user_id    INTEGER,
    username   TEXT NOT NULL,
    env_id     TEXT,
    action     TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
    detail     TEXT NOT NULL DEFAULT '',
    request_id TEXT
);
CREATE INDEX audit_env_at ON audit_log(env_id, at);
CREATE INDEX audit_at ON audit_log(at);

-- Append-only, enforced by the database itself.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
