-- What a tool invocation's request said about its caller (kind, groups, permissions), carried
-- onto its result event, so the memory guild can decide whether the caller may write the episode.
alter table executions add column caller_claims jsonb;
