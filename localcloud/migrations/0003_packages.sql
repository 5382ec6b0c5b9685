-- Code packages for DeployType=package (R-DEP-2): each upload slot handed out
-- by DescribeCloudBaseBuildService, filled once by a PUT before it expires.
-- Not tied to a service: the CLI asks for the slot before the service exists.
CREATE TABLE packages (
    env_id          TEXT NOT NULL REFERENCES envs(env_id) ON DELETE CASCADE,
    package_name    TEXT NOT NULL,
    package_version TEXT NOT NULL,
    expires_at      INTEGER NOT NULL,
    size            INTEGER,
    sha256          TEXT,
    uploaded_at     INTEGER,
    PRIMARY KEY (env_id, package_name, package_version)
);

-- The key that signs upload and download URLs, made once per data directory
-- so URLs stay valid across a restart until they expire.
CREATE TABLE url_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key TEXT NOT NULL
);
INSERT INTO url_key (id, key) VALUES (1, lower(hex(randomblob(32))));

-- Which step was running when a line was logged: the build log
-- (DescribeCloudBaseRunBuildLog) is the lines of the build steps.
ALTER TABLE task_logs ADD COLUMN step INTEGER;
