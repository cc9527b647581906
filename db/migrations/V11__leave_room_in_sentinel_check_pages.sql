-- Remembered sentinel answers keep half of each page free (ADR 0010): every tick rewrites the answer
-- of each open batch whose counts moved, and at the default fillfactor of 100 those rewrites left
-- their page (8% stayed in bench/pipeline, 70% at 50). The table holds one row per open batch, so
-- the space costs nothing.
ALTER TABLE batch_sentinel_check SET (fillfactor = 50);
