-- A deploy's RunId and BuildId are opaque, as the real API's are: nothing
-- may derive them from a version name or a task id (issue #9). BuildId is 0
-- for an image deploy, which has no build (CLOUD-API.md §11).
ALTER TABLE tasks ADD COLUMN run_id TEXT;
ALTER TABLE tasks ADD COLUMN build_id INTEGER NOT NULL DEFAULT 0;
UPDATE tasks SET run_id = lower(hex(randomblob(8)));
UPDATE tasks SET build_id = 1000000 + abs(random() % 1000000000) WHERE deploy_type = 'package';
CREATE UNIQUE INDEX tasks_run_id ON tasks(env_id, run_id);
