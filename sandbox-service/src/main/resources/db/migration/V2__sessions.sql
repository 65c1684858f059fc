-- A session is a persistent workspace that several runs share. Its files live on the replica that
-- created it (state directory, sessions/<id>); this row holds who owns it and when it expires.
create table sessions (
    id               uuid primary key,
    owner            varchar(255) not null,
    principal        varchar(255) not null,
    on_behalf_of     varchar(255),
    quota_bytes      bigint       not null,
    idle_ttl_seconds integer      not null,
    runs             integer      not null default 0,
    created_at       timestamptz  not null,
    last_used_at     timestamptz  not null,
    expires_at       timestamptz  not null
);
create index sessions_owner_created_idx on sessions (owner, created_at desc);
create index sessions_expires_idx on sessions (expires_at);
