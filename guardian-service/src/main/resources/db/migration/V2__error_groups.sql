-- Error groups: errors with the same fingerprint form one issue an operator can act on. The
-- fingerprint is unique per grouping algorithm version, so a new version starts new groups and
-- never moves the events of existing ones.
create table error_groups (
    id                  uuid primary key,
    fingerprint         varchar(64)  not null,
    fingerprint_version integer      not null,
    grouping_basis      text         not null,
    service             varchar(128) not null,
    error_type          varchar(255) not null,
    title               text         not null,
    state               varchar(16)  not null
        check (state in ('open', 'acknowledged', 'resolved', 'ignored', 'regressed')),
    event_count         bigint       not null,
    first_seen          timestamptz  not null,
    last_seen           timestamptz  not null,
    -- JSON arrays of names, kept as text: Hibernate Reactive reads jsonb arrays badly.
    services            text         not null default '[]',
    tools               text         not null default '[]',
    state_changed_at    timestamptz  not null,
    escalated_at        timestamptz,
    escalation_reason   text,
    unique (fingerprint_version, fingerprint)
);
create index error_groups_last_seen_idx on error_groups (last_seen desc);
create index error_groups_count_idx on error_groups (event_count desc);
create index error_groups_state_idx on error_groups (state);

-- What happened to a group besides its events: state changes, regressions, actions, escalations.
create table error_group_history (
    id         uuid primary key,
    group_id   uuid         not null references error_groups (id) on delete cascade,
    at         timestamptz  not null,
    kind       varchar(32)  not null,
    from_state varchar(16),
    to_state   varchar(16),
    actor      varchar(255) not null,
    note       text
);
create index error_group_history_group_idx on error_group_history (group_id, at);

-- Errors stored before grouping existed keep a null group.
alter table error_logs add column group_id uuid references error_groups (id);
alter table error_logs add column fingerprint varchar(64);
alter table error_logs add column fingerprint_version integer;
create index error_logs_group_created_idx on error_logs (group_id, created_at desc);
create index error_logs_tool_created_idx on error_logs ((attributes ->> 'tool'), created_at desc)
    where (attributes ->> 'tool') is not null;
