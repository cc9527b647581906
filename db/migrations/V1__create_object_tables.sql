-- Object events as S3 delivered them, and the newest known state of every key.
-- Written only by the store Lambda (and `edp backfill`).

CREATE TABLE object_event (
    event_id      text        PRIMARY KEY,           -- the EventBridge envelope id: redelivery is a no-op
    bucket        text        NOT NULL,
    object_key    text        NOT NULL,              -- decoded once, at the edge
    raw_key       text        NOT NULL,              -- exactly as the event carried it
    kind          text        NOT NULL CHECK (kind IN ('created', 'deleted')),
    size          bigint,
    etag          text,
    version_id    text,
    sequencer     text        COLLATE "C" NOT NULL,  -- lower-case hex, right-padded with 0 to a fixed width
    event_time    timestamptz NOT NULL,
    arrived_at    timestamptz NOT NULL
);

-- Newest sequencer per key wins; older events are kept in object_event but change nothing here.
CREATE TABLE object_state (
    bucket        text        NOT NULL,
    object_key    text        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('created', 'deleted')),
    size          bigint,
    etag          text,
    version_id    text,
    sequencer     text        COLLATE "C" NOT NULL,
    event_id      text        NOT NULL,
    event_time    timestamptz NOT NULL,
    PRIMARY KEY (bucket, object_key)
);
