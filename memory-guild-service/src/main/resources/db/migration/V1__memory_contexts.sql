-- The seed's memory_contexts table: a context tree, each context optionally under a parent.
create table memory_contexts (
    id                uuid primary key,
    agent_id          uuid,
    context_data      jsonb,
    parent_context_id uuid references memory_contexts (id),
    created_at        timestamptz not null default now()
);
create index memory_contexts_parent_idx on memory_contexts (parent_context_id);
create index memory_contexts_agent_idx on memory_contexts (agent_id);
