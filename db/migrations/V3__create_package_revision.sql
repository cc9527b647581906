-- Package revisions written by the packager; the emit Lambda publishes package-ready for them
-- once ready_at has passed.

CREATE TABLE package_revision (
    revision_id     bigserial   PRIMARY KEY,
    registry        text        NOT NULL,      -- bucket of the Quilt registry
    package_name    text        NOT NULL,
    top_hash        text        NOT NULL,
    batch_id        uuid,                      -- the package-objects-ready batch it came from, if any
    source_uri      text        NOT NULL,
    object_count    integer     NOT NULL,
    total_bytes     bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    ready_at        timestamptz NOT NULL,      -- created_at + PackageReadyDelay
    published_at    timestamptz                -- when package-ready went out
);
CREATE UNIQUE INDEX package_revision_once_per_batch ON package_revision (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX package_revision_by_name ON package_revision (registry, package_name, created_at DESC);
CREATE INDEX package_revision_unpublished ON package_revision (ready_at) WHERE published_at IS NULL;
