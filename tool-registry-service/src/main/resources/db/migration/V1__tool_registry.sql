-- The seed's tool_registry table, as planned: one row per registered tool.
create table tool_registry (
    id                 uuid primary key,
    name               varchar(255) not null,
    description        text,
    function_signature jsonb,
    permissions        jsonb,
    created_at         timestamptz  not null default now()
);
create unique index tool_registry_name_idx on tool_registry (name);
