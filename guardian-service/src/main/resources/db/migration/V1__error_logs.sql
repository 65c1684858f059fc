-- error_logs keeps the seed's columns (id, error_type, error_message, fix_applied, created_at) and
-- adds what intake needs: where the error came from, its trace, and the event it arrived in.
create table error_logs (
    id            uuid primary key,
    error_type    varchar(255) not null,
    error_message text,
    fix_applied   boolean      not null default false,
    created_at    timestamptz  not null default now(),
    service       varchar(128) not null,
    stack_trace   text,
    trace_id      varchar(32),
    attributes    jsonb        not null default '{}'::jsonb,
    occurred_at   timestamptz  not null,
    event_id      text         not null unique
);
create index error_logs_service_created_idx on error_logs (service, created_at desc);
create index error_logs_created_idx on error_logs (created_at desc);
create index error_logs_trace_idx on error_logs (trace_id);
