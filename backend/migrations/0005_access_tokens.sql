-- Personal access tokens for the tcbr CLI and CI jobs (issue #13, R-CLI-3):
-- kept as the SHA-256 of a 256-bit random secret, never the secret. A
-- revoked token's row is deleted; the audit log keeps its name.
CREATE TABLE access_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'developer', 'owner')),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    last_used_ip TEXT,
    UNIQUE (user_id, name)
);
CREATE TABLE access_token_envs (
    token_id INTEGER NOT NULL REFERENCES access_tokens(id) ON DELETE CASCADE,
    env_id   TEXT NOT NULL,
    PRIMARY KEY (token_id, env_id)
);
-- Calls made with a token are audited under the user and the token's name.
ALTER TABLE audit_log ADD COLUMN via_token TEXT;
