-- Gray releases (R-UPD-2..6): one release order over the stable version (the
-- service's online_version, which keeps the default traffic) and the canary
-- a GRAY update made. The split is a percentage for the canary (FLOW), or a
-- URL-parameter rule (URL_PARAMS: requests whose query has url_key with a
-- value matching url_value go to url_version, all others to the other one).
CREATE TABLE release_orders (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    env_id         TEXT NOT NULL,
    server_name    TEXT NOT NULL,
    -- The GRAY update's task: it stays running while the order is open.
    task_id        INTEGER NOT NULL,
    stable_version TEXT NOT NULL,
    canary_version TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'done', 'go_back')),
    traffic_type   TEXT NOT NULL DEFAULT 'FLOW' CHECK (traffic_type IN ('FLOW', 'URL_PARAMS')),
    canary_percent INTEGER NOT NULL DEFAULT 0 CHECK (canary_percent BETWEEN 0 AND 100),
    url_key        TEXT NOT NULL DEFAULT '',
    url_value      TEXT NOT NULL DEFAULT '',
    url_version    TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    ended_at       INTEGER,
    FOREIGN KEY (env_id, server_name) REFERENCES services(env_id, server_name) ON DELETE CASCADE
);
-- R-UPD-6: at most one open release order per service.
CREATE UNIQUE INDEX release_orders_open ON release_orders(env_id, server_name) WHERE status = 'open';
CREATE INDEX release_orders_service ON release_orders(env_id, server_name, id);

-- What a task changes: CODE (a deploy), CONFIG (a settings change) or
-- ROLLBACK (ServerManageTaskInfo.ChangeType).
ALTER TABLE tasks ADD COLUMN change_type TEXT NOT NULL DEFAULT 'CODE';
