-- The registry proper: tools keep the seed's columns and gain an owner, tags, a status and a
-- pointer to their current immutable version; invocations, usage rollups and the audit log.

alter table tool_registry
    add column owner           varchar(255) not null default 'unknown',
    add column tags            text[]       not null default '{}',
    add column status          varchar(16)  not null default 'ACTIVE',
    add column status_reason   text,
    add column current_version integer      not null default 1,
    add column language        varchar(16)  not null default 'python',
    add column fingerprint     varchar(80)  not null default '',
    add column updated_at      timestamptz  not null default now(),
    add column deleted_at      timestamptz,
    add constraint tool_registry_status_check check (status in ('ACTIVE', 'DISABLED', 'DELETED'));
alter table tool_registry alter column owner drop default;

-- A deleted tool keeps its history; its name may be registered again.
drop index tool_registry_name_idx;
create unique index tool_registry_live_name_idx on tool_registry (name) where status <> 'DELETED';
create index tool_registry_owner_idx on tool_registry (owner);
-- Name prefixes typed into discovery ("weath" finds "weather_now").
create index tool_registry_name_prefix_idx on tool_registry (lower(name) text_pattern_ops);
create index tool_registry_tags_idx on tool_registry using gin (tags);
-- permissions holds the per-tool ACL: {"read": [...], "invoke": [...], "manage": [...]}.
create index tool_registry_acl_read_idx on tool_registry using gin ((permissions -> 'read'));
create index tool_registry_acl_invoke_idx on tool_registry using gin ((permissions -> 'invoke'));

-- Discovery: names, descriptions and tags, weighted in that order. Underscores and dashes in
-- names become word breaks so "get_weather" is found by "weather".
-- array_to_string is only stable; tags are plain text, so joining them is immutable here.
create function tool_tags_text(tags text[]) returns text language sql immutable parallel safe
    as $$ select array_to_string(tags, ' ') $$;
alter table tool_registry add column search_vector tsvector generated always as (
    setweight(to_tsvector('simple'::regconfig, regexp_replace(name, '[_-]', ' ', 'g')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, tool_tags_text(tags)), 'C')
) stored;
create index tool_registry_search_idx on tool_registry using gin (search_vector);

-- Every update is a new immutable version; tool_registry points at the current one.
create table tool_versions (
    id                 uuid primary key,
    tool_id            uuid         not null references tool_registry (id),
    version            integer      not null,
    description        text,
    tags               text[]       not null default '{}',
    function_signature jsonb        not null,
    language           varchar(16)  not null,
    code               text         not null,
    limits             jsonb        not null default '{}'::jsonb,
    fingerprint        varchar(80)  not null,
    created_at         timestamptz  not null,
    created_by         varchar(255) not null,
    unique (tool_id, version)
);

create table invocations (
    id                uuid primary key,
    tool_id           uuid         not null references tool_registry (id),
    tool_name         varchar(255) not null,
    tool_version      integer      not null,
    fingerprint       varchar(80)  not null,
    caller            varchar(255) not null,
    mode              varchar(8)   not null check (mode in ('SYNC', 'ASYNC')),
    status            varchar(16)  not null check (status in ('PENDING', 'COMPLETED', 'FAILED')),
    sandbox_status    varchar(32),
    arguments         jsonb        not null,
    -- JSON text: a tool's result may be any JSON value (a string, a number), not only an object.
    result            text,
    error_message     text,
    exit_code         integer,
    wall_ms           bigint,
    cpu_ms            bigint,
    peak_memory_bytes bigint,
    output_bytes      bigint,
    latency_ms        bigint,
    memory_context_id uuid,
    trace_id          varchar(32),
    idempotency_key   varchar(255),
    created_at        timestamptz  not null,
    finished_at       timestamptz
);
-- A client that retries with the same Idempotency-Key gets the first invocation back.
create unique index invocations_idempotency_idx on invocations (caller, idempotency_key) where idempotency_key is not null;
create index invocations_tool_created_idx on invocations (tool_id, created_at desc);
create index invocations_caller_created_idx on invocations (caller, created_at desc);
create index invocations_pending_idx on invocations (created_at) where status = 'PENDING';

-- Usage per tool, caller and window (hour, day), updated from invocation events. Latencies are
-- kept as a log-scale histogram so percentiles can be read back without storing every call.
create table usage_rollups (
    tool_name         varchar(255) not null,
    caller            varchar(255) not null,
    granularity       varchar(8)   not null check (granularity in ('HOUR', 'DAY')),
    window_start      timestamptz  not null,
    calls             bigint       not null default 0,
    successes         bigint       not null default 0,
    failures          bigint       not null default 0,
    failures_by_status jsonb       not null default '{}'::jsonb,
    latency_buckets   bigint[]     not null,
    latency_max_ms    bigint       not null default 0,
    latency_sum_ms    bigint       not null default 0,
    cpu_ms            bigint       not null default 0,
    peak_memory_bytes bigint       not null default 0,
    primary key (tool_name, granularity, window_start, caller)
);

create table audit_log (
    id         uuid primary key,
    at         timestamptz  not null,
    actor      varchar(255) not null,
    actor_kind varchar(16)  not null,
    action     varchar(64)  not null,
    tool_name  varchar(255),
    decision   varchar(8)   not null check (decision in ('ALLOW', 'DENY')),
    reason     text         not null,
    details    jsonb        not null default '{}'::jsonb,
    trace_id   varchar(32)
);
create index audit_log_at_idx on audit_log (at desc);
create index audit_log_tool_at_idx on audit_log (tool_name, at desc);
create index audit_log_actor_at_idx on audit_log (actor, at desc);

-- Remediation commands from the guardian, applied once each.
create table remediations (
    action_id  uuid primary key,
    command    varchar(32)  not null,
    tool_name  varchar(255) not null,
    applied    boolean      not null,
    message    text         not null,
    applied_at timestamptz  not null
);

-- Lets every replica tell its MCP clients when the set of tools changes.
create function tools_changed_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('tools_changed_' || tg_table_schema, '');
    return null;
end
$$;
create trigger tools_changed after insert or update or delete on tool_registry
    for each statement execute function tools_changed_notify();
