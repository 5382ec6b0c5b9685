-- Custom domains and their certificates (issue #11, R-DOM-1..4).
--
-- An uploaded certificate (ssl UploadCertificate): the chain as PEM text,
-- public; the private key sealed (ChaCha20-Poly1305, the key in the data
-- directory's `cert-seal.key`, the certificate id as associated data), so
-- the database alone reveals no key. The DNS names and times are the leaf's,
-- read once at upload.
CREATE TABLE certificates (
    cert_id      TEXT PRIMARY KEY,
    alias        TEXT NOT NULL DEFAULT '',
    chain_pem    TEXT NOT NULL,
    key_sealed   BLOB NOT NULL,
    -- SHA-256 of the leaf's DER, `AB:CD:…`: the same certificate uploaded
    -- again answers RepeatCertId unless Repeatable.
    fingerprint  TEXT NOT NULL,
    common_name  TEXT NOT NULL DEFAULT '',
    -- A JSON array of the leaf's DNS subjectAltNames.
    dns_names    TEXT NOT NULL,
    not_before   INTEGER NOT NULL,
    not_after    INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX certificates_fingerprint ON certificates(fingerprint);

-- A bound domain (tcb HTTP access-service route). One row per domain in the
-- whole cloud: R-DOM-1, a domain is bound once.
CREATE TABLE custom_domains (
    domain       TEXT PRIMARY KEY,
    env_id       TEXT NOT NULL REFERENCES envs(env_id),
    protocol     TEXT NOT NULL,
    -- A certificate stays while a domain uses it.
    cert_id      TEXT REFERENCES certificates(cert_id),
    access_type  TEXT NOT NULL DEFAULT 'DIRECT',
    -- The target of the CNAME record the user creates (R-DOM-3).
    cname        TEXT NOT NULL,
    enable       INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX custom_domains_env ON custom_domains(env_id);

-- A domain's paths and the Cloud Run service each leads to. The service is
-- named and also pinned by its default domain at binding time: a service
-- deleted and created again under the same name is another service, so the
-- route answers "the service was deleted" until it is bound again (R-SVC-5).
CREATE TABLE custom_domain_routes (
    domain           TEXT NOT NULL REFERENCES custom_domains(domain) ON DELETE CASCADE,
    path             TEXT NOT NULL,
    upstream_type    TEXT NOT NULL,
    upstream_name    TEXT NOT NULL,
    upstream_domain  TEXT NOT NULL,
    enable           INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (domain, path)
);
