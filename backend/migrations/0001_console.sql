-- Console accounts. Password hashes are argon2id PHC strings.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- Server-side sessions. Only the SHA-256 of the cookie's token is stored, so
-- a copy of the database does not hand out live sessions.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    ip         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Environments the console knows, with the region every later call is
-- signed for (R-ENV-4: learnt once, never changed).
CREATE TABLE environments (
    env_id     TEXT PRIMARY KEY NOT NULL,
    region     TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);

-- Per-environment roles (R-ENV-2): viewer, developer or owner.
CREATE TABLE members (
    env_id  TEXT NOT NULL REFERENCES environments(env_id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('viewer', 'developer', 'owner')),
    PRIMARY KEY (env_id, user_id)
);
