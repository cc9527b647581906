-- Batches: the activity of one prefix between two fires. At most one open batch per prefix.

CREATE TABLE batch (
    batch_id          uuid        PRIMARY KEY,   -- derived from bucket, prefix and the event that opened it
    bucket            text        NOT NULL,
    prefix            text        NOT NULL,      -- always ends in '/'
    state             text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'emitted')),
    object_count      integer     NOT NULL DEFAULT 0,   -- distinct keys whose newest event here is a create
    deleted_count     integer     NOT NULL DEFAULT 0,   -- distinct keys whose newest event here is a delete
    total_bytes       bigint      NOT NULL DEFAULT 0,   -- sum of the sizes of the created keys
    first_event_time  timestamptz NOT NULL,
    last_event_time   timestamptz NOT NULL,
    opened_at         timestamptz NOT NULL,      -- activity time of the first event (max age counts from here)
    last_activity_at  timestamptz NOT NULL,      -- latest activity time: later of event time and arrival
    emitted_at        timestamptz,
    trigger           text        CHECK (trigger IN ('count', 'quiet', 'max_age', 'sentinel', 'manual'))
) WITH (fillfactor = 70);  -- room on each page, so the store's count updates stay HOT (no index writes)

-- The emit Lambda reads only open batches through this partial index, which stays as small as the
-- open set however long the history grows. No index covers the columns the store updates on every
-- event (counts, activity times), so those updates are HOT and never touch an index.
CREATE UNIQUE INDEX batch_one_open_per_prefix ON batch (bucket, prefix) WHERE state = 'open';
CREATE INDEX batch_by_prefix ON batch (bucket, prefix, opened_at);

-- The keys a batch touched, each with the newest event seen for it inside the batch.
CREATE TABLE batch_object (
    batch_id      uuid        NOT NULL,          -- a batch row; no foreign key: the store writes both under one lock
    object_key    text        NOT NULL,
    file_name     text        NOT NULL,          -- last path segment, for sentinel files such as _SUCCESS
    deleted       boolean     NOT NULL,
    size          bigint,
    etag          text,
    version_id    text,
    sequencer     text        COLLATE "C" NOT NULL,
    event_time    timestamptz NOT NULL,
    PRIMARY KEY (batch_id, object_key)   -- also serves "the objects of batch X" (sentinels, jq filter)
);
