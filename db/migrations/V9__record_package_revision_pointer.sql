-- The timestamp pointer (.quilt/named_packages/<ns>/<name>/<unix seconds>) of each revision written to a
-- registry, by this stack's packager or by anyone else (quilt3, the catalog, other functions), whose S3
-- event the packager reads to announce package-ready for every package in the registry (ADR 0111).
--
-- A revision is recorded once per pointer and top hash, whichever comes first: the packager's own row
-- after it wrote the pointer, or the row made from the pointer's S3 event. A row that records no pointer
-- (a batch whose content was already the latest revision, rows from before V9) keeps pointer_key NULL.

ALTER TABLE package_revision ADD COLUMN pointer_key text;

CREATE UNIQUE INDEX package_revision_once_per_pointer ON package_revision (registry, pointer_key, top_hash)
    WHERE pointer_key IS NOT NULL;
