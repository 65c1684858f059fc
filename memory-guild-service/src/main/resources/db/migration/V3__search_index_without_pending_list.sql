-- The full-text index takes every new memory at once instead of through GIN's pending list.
-- With the list on (the default), every search scans all entries not yet merged, up to 4 MB of
-- them (measured: 37 ms of a 40 ms lexical search at 100,000 memories after a bulk restore),
-- until a vacuum or the next overflow merges them. Searches matter more here than the
-- slightly slower insert of each memory.
alter index memories_search_idx set (fastupdate = off);
-- Merge what is pending now; from here on nothing waits.
select gin_clean_pending_list('memories_search_idx'::regclass);
