-- A revision the packager has started to write to a registry and not yet finished (recorded and
-- announced). Written before the first registry write and deleted after the SNS notice, so a retry
-- after a crash finishes the same revision, with the same timestamp pointer, instead of starting another.

CREATE TABLE package_write (
    registry        text        NOT NULL,
    package_name    text        NOT NULL,
    top_hash        text        NOT NULL,
    batch_id        uuid,
    source_uri      text        NOT NULL,
    object_count    bigint      NOT NULL,
    total_bytes     bigint      NOT NULL,
    created_at      timestamptz NOT NULL,      -- the timestamp pointer's time, chosen once
    ready_at        timestamptz NOT NULL,
    PRIMARY KEY (registry, package_name, top_hash)
);
CREATE INDEX package_write_by_batch ON package_write (batch_id) WHERE batch_id IS NOT NULL;

-- one row per revision, so recording it again after a crash is a no-op
CREATE UNIQUE INDEX package_revision_once ON package_revision (registry, package_name, top_hash, created_at);
