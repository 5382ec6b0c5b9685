-- Changes to a service name it, so the service's timeline reads them back
-- with who made them (issue #10).
ALTER TABLE audit_log ADD COLUMN service TEXT;
CREATE INDEX audit_service ON audit_log(env_id, service, id);
