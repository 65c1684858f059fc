-- As V3 did for the full-text index: metadata filters read this GIN index on every search, so
-- new memories go into it at once rather than through a pending list every search would scan.
alter index memories_metadata_idx set (fastupdate = off);
select gin_clean_pending_list('memories_metadata_idx'::regclass);
