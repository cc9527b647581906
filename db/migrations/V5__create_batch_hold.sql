-- Batches that were due by sentinel, count or quiet period but that the ready filter
-- (BUCKET_READY_FILTER) held back. Written only by the emit Lambda.
--
-- The row remembers the batch as it was when the filter said no (its activity and counts) and the
-- filter text: while neither changes, the filter would say no again, so the emit Lambda neither
-- re-reads the batch's objects nor logs the reason again. Max age still fires a held batch.

CREATE TABLE batch_hold (
    batch_id          uuid        PRIMARY KEY REFERENCES batch (batch_id) ON DELETE CASCADE,
    filter            text        NOT NULL,      -- the jq expression that held it
    last_activity_at  timestamptz NOT NULL,      -- the batch's last_activity_at when evaluated
    object_count      integer     NOT NULL,      -- and its counts
    deleted_count     integer     NOT NULL,
    reason            text        NOT NULL,      -- false, null, no output, N outputs, or the error
    held_at           timestamptz NOT NULL,      -- first time the filter held it (the one log line)
    checked_at        timestamptz NOT NULL       -- last evaluation
);
