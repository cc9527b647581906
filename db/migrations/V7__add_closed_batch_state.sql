-- A batch the emit Lambda has decided to announce is first closed, in its own commit, before
-- PutEvents: its objects and counts are frozen, so every announcement of its batch_id carries the
-- same content. The store only ever extends the open batch of a prefix (the partial unique index
-- batch_one_open_per_prefix), so a file arriving after the close opens the prefix's next batch.
--
--   open ──(tick decides: trigger recorded)──▶ closed ──(PutEvents accepted)──▶ emitted
--
-- publishing_until is the lease of the invocation that closed it: until then that invocation may
-- still be publishing; after it (or when it is NULL: the entry failed) the next tick publishes the
-- batch again, with the same content.

ALTER TABLE batch DROP CONSTRAINT batch_state_check;
ALTER TABLE batch ADD CONSTRAINT batch_state_check CHECK (state IN ('open', 'closed', 'emitted'));
ALTER TABLE batch ADD COLUMN closed_at timestamptz;
ALTER TABLE batch ADD COLUMN publishing_until timestamptz;

-- Like the open set, the closed set stays small however long the history grows.
CREATE INDEX batch_closed ON batch (closed_at) WHERE state = 'closed';
