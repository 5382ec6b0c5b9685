-- The service whose deploy took a package (issue #8): the package goes when
-- that service is deleted; one no deploy ever took (NULL) is swept once its
-- upload URL has expired.
ALTER TABLE packages ADD COLUMN deployed_by TEXT;
