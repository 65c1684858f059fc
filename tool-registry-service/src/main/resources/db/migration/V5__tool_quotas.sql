-- Quotas per tool (set by its managers) and their fixed-window counters, shared by every registry
-- replica: a call is admitted by an upsert that increments a counter only while it is below its
-- limit (quota/QuotaCounters). subject is 'caller:<sub>' or '*' (all callers); counter names the
-- metric and window, e.g. 'calls/minutes', 'cpu_ms/days'.
create table tool_quotas (
    tool_id    uuid         primary key references tool_registry (id),
    limits     jsonb        not null,
    updated_at timestamptz  not null,
    updated_by varchar(255) not null
);

create table quota_counters (
    tool_id      uuid         not null,
    subject      varchar(300) not null,
    counter      varchar(32)  not null,
    window_start timestamptz  not null,
    used         bigint       not null,
    primary key (tool_id, subject, counter, window_start)
);
create index quota_counters_window_idx on quota_counters (window_start);
