-- Environments. The region is written once at creation and never again
-- (R-ENV-4): the trigger makes that a property of the database itself.
CREATE TABLE envs (
    env_id       TEXT PRIMARY KEY NOT NULL,
    alias        TEXT NOT NULL,
    region       TEXT NOT NULL,
    package_type TEXT NOT NULL,
    source       TEXT NOT NULL,
    channel      TEXT NOT NULL,
    status       TEXT NOT NULL,
    req_key      TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX envs_req_key ON envs(req_key) WHERE req_key IS NOT NULL;

CREATE TRIGGER envs_region_locked BEFORE UPDATE OF region ON envs
WHEN NEW.region IS NOT OLD.region
BEGIN
    SELECT RAISE(ABORT, 'R-ENV-4: the region of an environment can never change');
END;

-- EnvIds of destroyed environments: never minted again (R-ENV-6, irreversible).
CREATE TABLE retired_env_ids (
    env_id     TEXT PRIMARY KEY NOT NULL,
    retired_at INTEGER NOT NULL
);

-- Services. Deploys, versions and the gateway fill this out; environments
-- need it already to refuse deleting one that holds services (R-ENV-6).
CREATE TABLE services (
    env_id         TEXT NOT NULL REFERENCES envs(env_id),
    server_name    TEXT NOT NULL,
    default_domain TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (env_id, server_name)
);
