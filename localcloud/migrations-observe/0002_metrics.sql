-- Metrics (R-OBS-2): one row per version and time bucket, written by the
-- gateway's counts and the instance sampler (observe::metrics). Every
-- measure is a sum over the bucket, so rolling rows up into a coarser
-- bucket adds them, except the two maxima:
-- - requests, errors_4xx, errors_5xx: counts of routed requests;
-- - latency_ms: the sum of their latencies (average = latency_ms / requests);
--   latency_hist: a JSON array of counts per latency bound (for a p95);
-- - cpu_core_secs, mem_byte_secs, instance_secs, unhealthy_secs: what the
--   instances used over the bucket's time (CPU seconds, byte-seconds,
--   instance-seconds), so an average is the sum over the bucket's seconds;
-- - cpu_limit_secs, mem_limit_byte_secs: the same for the limits of the
--   healthy instances, so utilisation is a ratio of sums;
-- - instances_max, unhealthy_max: the most at any one sample.
-- `version` '' is the whole service: the sampler writes the service's
-- instances there (its maximum is not the sum of its versions' maxima);
-- requests are counted only per version.
-- `span` is the bucket's length: 60 s, rolled up as it ages into 300, 3600,
-- then 86400 (aligned to days in UTC+8), and deleted after a year.
CREATE TABLE metric_points (
    env                 TEXT NOT NULL,
    service             TEXT NOT NULL,
    version             TEXT NOT NULL,
    at                  INTEGER NOT NULL,
    span                INTEGER NOT NULL,
    requests            INTEGER NOT NULL,
    errors_4xx          INTEGER NOT NULL,
    errors_5xx          INTEGER NOT NULL,
    latency_ms          REAL NOT NULL,
    latency_hist        TEXT NOT NULL,
    cpu_core_secs       REAL NOT NULL,
    cpu_limit_secs      REAL NOT NULL,
    mem_byte_secs       REAL NOT NULL,
    mem_limit_byte_secs REAL NOT NULL,
    instance_secs       REAL NOT NULL,
    instances_max       INTEGER NOT NULL,
    unhealthy_secs      REAL NOT NULL,
    unhealthy_max       INTEGER NOT NULL,
    PRIMARY KEY (env, service, version, span, at)
) WITHOUT ROWID;

-- The rollup finds a tier's old rows by age.
CREATE INDEX metric_points_by_age ON metric_points (span, at);
