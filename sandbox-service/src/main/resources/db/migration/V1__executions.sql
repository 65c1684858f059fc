-- One row per run, written by the REST path and the Kafka path alike. A row is RUNNING only while
-- a run that must survive a crash is under way (idempotency-keyed requests, tool invocations);
-- every other status is one of ExecutionStatus. Tool invocations also keep what their result
-- event needs, so an interrupted one can still be answered.
create table executions (
    id                   uuid primary key,
    source               varchar(16)  not null,
    language             varchar(16)  not null,
    status               varchar(32)  not null,
    exit_code            integer,
    signal               integer,
    message              text,
    stdout               text,
    stderr               text,
    stdout_truncated     boolean      not null default false,
    stderr_truncated     boolean      not null default false,
    wall_ms              bigint,
    cpu_ms               bigint,
    peak_memory_bytes    bigint,
    output_bytes         bigint,
    warm                 boolean,
    limit_cpu_ms         bigint       not null,
    limit_wall_ms        bigint       not null,
    limit_memory_mb      integer      not null,
    limit_max_processes  integer      not null,
    limit_output_bytes   bigint       not null,
    limit_disk_mb        integer      not null,
    screening            jsonb,
    principal            varchar(255) not null,
    on_behalf_of         varchar(255),
    session_id           uuid,
    code                 text         not null,
    code_sha256          varchar(64)  not null,
    code_bytes           integer      not null,
    stdin_bytes          integer      not null,
    idempotency_key      varchar(255),
    request_hash         varchar(64),
    invocation_id        uuid,
    tool_name            varchar(255),
    tool_version         integer,
    memory_context_id    uuid,
    arguments_summary    varchar(600),
    created_at           timestamptz  not null,
    started_at           timestamptz,
    finished_at          timestamptz,
    constraint executions_idempotency_uq unique (principal, idempotency_key)
);
create index executions_created_idx on executions (created_at desc, id desc);
create index executions_principal_created_idx on executions (principal, created_at desc);
create index executions_status_created_idx on executions (status, created_at desc);
create unique index executions_invocation_uq on executions (invocation_id) where invocation_id is not null;
create index executions_running_idx on executions (started_at) where status = 'RUNNING';
