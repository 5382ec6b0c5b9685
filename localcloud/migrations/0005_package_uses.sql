-- Which version a deploy built from which package (issue #8): a package a
-- deploy took is kept while a version that uses it exists and did not fail,
-- so deleting the version, or its deploy failing or being cancelled, frees
-- the package's bytes instead of holding them until the service goes.
CREATE TABLE package_uses (
    env_id          TEXT NOT NULL,
    server_name     TEXT NOT NULL,
    version_name    TEXT NOT NULL,
    package_name    TEXT NOT NULL,
    package_version TEXT NOT NULL,
    PRIMARY KEY (env_id, server_name, version_name, package_name, package_version),
    FOREIGN KEY (env_id, server_name, version_name)
        REFERENCES versions(env_id, server_name, version_name) ON DELETE CASCADE,
    FOREIGN KEY (env_id, package_name, package_version)
        REFERENCES packages(env_id, package_name, package_version) ON DELETE CASCADE
);
CREATE INDEX package_uses_package ON package_uses(env_id, package_name, package_version);

-- Packages taken before this table: which version used which is not known,
-- so each stays while any live package-built version of its service does.
INSERT INTO package_uses (env_id, server_name, version_name, package_name, package_version)
SELECT p.env_id, v.server_name, v.version_name, p.package_name, p.package_version
FROM packages p JOIN versions v ON v.env_id = p.env_id AND v.server_name = p.deployed_by
WHERE v.status NOT IN ('deploy_failed', 'cancelled') AND json_extract(v.config, '$.HasDockerfile');
