-- A browser that signed in successfully gets a device token (only its
-- SHA-256 is kept): its owner's sign-ins from there are limited on their own,
-- so failures by others behind the same address cannot lock them out.
CREATE TABLE devices (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX devices_user ON devices(user_id);

-- After a rotation the old session id keeps working for a few seconds, so
-- requests already in flight with it are not logged out.
CREATE TABLE session_aliases (
    old_hash TEXT PRIMARY KEY NOT NULL,
    new_hash TEXT NOT NULL REFERENCES sessions(id_hash) ON DELETE CASCADE,
    until    INTEGER NOT NULL
);
