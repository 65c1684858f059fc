-- When the remembered event happened, next to when the memory was written. Existing memories
-- happened when they were written; the default covers writers that do not set it.
alter table memories add column occurred_at timestamptz;
update memories set occurred_at = created_at;
alter table memories alter column occurred_at set default now(), alter column occurred_at set not null;
create index memories_context_occurred_idx on memories (context_id, occurred_at);
