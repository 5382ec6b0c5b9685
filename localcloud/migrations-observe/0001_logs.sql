-- Runtime log lines (R-OBS-1, R-OBS-3): one row per line an instance wrote,
-- kept for the retention period. `id` orders them as they arrived; `at_ms`
-- is when localcloud read the line. `level` and the last four columns come
-- from a JSON line's own fields (`level`, `status`, `method`, `path`, `type`).
CREATE TABLE log_lines (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    env TEXT NOT NULL,
    service TEXT NOT NULL,
    version TEXT NOT NULL,
    instance TEXT NOT NULL,
    stream TEXT NOT NULL,
    level TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT,
    method TEXT,
    path TEXT,
    type TEXT
);

-- A search walks one environment's lines by id (the rowid rides along).
CREATE INDEX log_lines_env ON log_lines (env);
-- Retention deletes by age.
CREATE INDEX log_lines_at ON log_lines (at_ms);

-- The full-text index: words (letters and digits, case- and
-- accent-insensitive) of the line and of each searchable field, and of the
-- environment, so a search walks only its environment's matches. It holds no
-- copy of the text (external content), and the triggers keep it in step.
CREATE VIRTUAL TABLE log_fts USING fts5 (
    text, env, service, version, instance, stream, level, status, method, path, type,
    content = 'log_lines', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER log_lines_ai AFTER INSERT ON log_lines BEGIN
    INSERT INTO log_fts (rowid, text, env, service, version, instance, stream, level, status, method, path, type)
    VALUES (new.id, new.text, new.env, new.service, new.version, new.instance, new.stream, new.level, new.status,
            new.method, new.path, new.type);
END;

CREATE TRIGGER log_lines_ad AFTER DELETE ON log_lines BEGIN
    INSERT INTO log_fts (log_fts, rowid, text, env, service, version, instance, stream, level, status, method, path, type)
    VALUES ('delete', old.id, old.text, old.env, old.service, old.version, old.instance, old.stream, old.level, old.status,
            old.method, old.path, old.type);
END;
