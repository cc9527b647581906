-- A key written again (an overwrite, a delete) updates its object_state row and, while its batch is
-- open, its batch_object row. Neither table indexes the columns those updates change, so with free
-- room on the page PostgreSQL updates in place (HOT): no new index entry, no page split. At the
-- default fillfactor of 100 every page is full when its rows arrive by COPY, so every rewrite moved
-- the row and added an entry to the primary key. 80 leaves room for about one rewrite in five rows
-- per page (ADR 0009). It applies to pages written from now on; existing pages fill as they did.
ALTER TABLE object_state SET (fillfactor = 80);
ALTER TABLE batch_object SET (fillfactor = 80);
