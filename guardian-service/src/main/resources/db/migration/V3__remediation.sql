-- Remediation rules: match (which errors) -> guard (how many, how often) -> action -> verify.
create table remediation_rules (
    id                   uuid primary key,
    name                 varchar(200) not null unique,
    description          text,
    enabled              boolean      not null,
    match_service        varchar(255),
    match_error_type     varchar(255),
    match_fingerprint    varchar(64),
    match_attributes     jsonb        not null default '{}'::jsonb,
    threshold            integer      not null check (threshold >= 1),
    window_seconds       integer      not null check (window_seconds >= 1),
    cooldown_seconds     integer      not null check (cooldown_seconds >= 0),
    max_attempts         integer      not null check (max_attempts >= 1),
    action_type          varchar(32)  not null,
    action_params        jsonb        not null default '{}'::jsonb,
    verify_quiet_seconds integer check (verify_quiet_seconds >= 1),
    created_at           timestamptz  not null,
    updated_at           timestamptz  not null,
    created_by           varchar(255) not null,
    updated_by           varchar(255) not null
);

-- Every action the guardian took or asked for, with its outcome. A revert is an action too,
-- pointing at the one it undoes.
create table remediation_actions (
    id                    uuid primary key,
    rule_id               uuid references remediation_rules (id) on delete set null,
    rule_name             varchar(200),
    group_id              uuid references error_groups (id),
    action_type           varchar(32)  not null,
    target                varchar(255),
    scope                 varchar(255),
    params                jsonb        not null default '{}'::jsonb,
    attempt               integer      not null,
    status                varchar(16)  not null
        check (status in ('pending', 'applied', 'refused', 'failed', 'reverted')),
    result_message        text,
    trigger_error_id      uuid,
    requested_by          varchar(255) not null,
    reverts_action_id     uuid references remediation_actions (id),
    created_at            timestamptz  not null,
    completed_at          timestamptz,
    verification          varchar(16)  not null check (verification in ('none', 'pending', 'passed', 'failed')),
    verify_until          timestamptz,
    dispatch_attempts     integer      not null default 0,
    dispatched_at         timestamptz
);
create index remediation_actions_rule_group_idx on remediation_actions (rule_id, group_id, created_at desc);
create index remediation_actions_group_idx on remediation_actions (group_id, created_at desc);
create index remediation_actions_created_idx on remediation_actions (created_at desc);
create index remediation_actions_pending_idx on remediation_actions (created_at) where status = 'pending';
create index remediation_actions_verifying_idx on remediation_actions (verify_until) where verification = 'pending';
create index remediation_actions_reverts_idx on remediation_actions (reverts_action_id);

-- The action whose success set fix_applied on this error (and whose revert clears it).
alter table error_logs add column remediation_action_id uuid references remediation_actions (id);
create index error_logs_remediation_action_idx on error_logs (remediation_action_id);
