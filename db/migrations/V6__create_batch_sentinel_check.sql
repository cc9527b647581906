-- What the emit Lambda last found when it looked for sentinel files (BUCKET_READY_SENTINELS) in an
-- open batch, and the state of the batch when it looked. Written only by the emit Lambda.
--
-- batch_object has no index on file_name (the store keeps it lean), so looking for a sentinel reads
-- every object of the batch. A batch can only gain or lose a sentinel through an event, and every
-- event moves its activity time or its counts; while those and the sentinel list are unchanged,
-- the remembered answer stands and the tick reads nothing else.

CREATE TABLE batch_sentinel_check (
    batch_id          uuid        PRIMARY KEY REFERENCES batch (batch_id) ON DELETE CASCADE,
    sentinels         text[]      NOT NULL,      -- the file names looked for
    last_activity_at  timestamptz NOT NULL,      -- the batch as it was when looked at
    object_count      integer     NOT NULL,
    deleted_count     integer     NOT NULL,
    total_bytes       bigint      NOT NULL,
    sentinel_seen     boolean     NOT NULL
);
