-- Everything the Memory Guild needs beyond the seed's memory_contexts table (V1, left untouched).

-- Contexts gain a name, an owner (the token subject that created them) and metadata, plus two
-- counters the in-service vector index compares with its cached copy of a context:
-- memory_version grows with every change to the context's memories (writers serialize on the
-- context row, so versions commit in order), reload_epoch grows when memories disappear and the
-- cached copy must be rebuilt rather than patched.
alter table memory_contexts
    add column name           varchar(200),
    add column owner          varchar(255),
    add column metadata       jsonb       not null default '{}'::jsonb,
    add column updated_at     timestamptz not null default now(),
    add column memory_version bigint      not null default 0,
    add column reload_epoch   bigint      not null default 0;
create index memory_contexts_owner_idx on memory_contexts (owner, created_at desc);

-- A context may never end up under one of its own descendants, whoever writes the row (the API,
-- a restore, an operator with psql). Moves take a transaction-scoped advisory lock first, so two
-- concurrent moves cannot each miss the cycle the other one closes.
create function memory_contexts_refuse_cycles() returns trigger language plpgsql as $$
declare
    ancestor uuid := new.parent_context_id;
    steps    integer := 0;
begin
    if new.parent_context_id is null then
        return new;
    end if;
    if new.parent_context_id = new.id then
        raise exception 'context % cannot be its own parent', new.id using errcode = 'PMC01';
    end if;
    if tg_op = 'UPDATE' then
        perform pg_advisory_xact_lock(hashtext(tg_table_schema || '.memory_contexts.tree'));
    end if;
    while ancestor is not null loop
        if ancestor = new.id then
            raise exception 'context % cannot be placed under its own descendant %', new.id, new.parent_context_id
                using errcode = 'PMC01';
        end if;
        steps := steps + 1;
        if steps > 100000 then
            raise exception 'the ancestors of context % do not end', new.id using errcode = 'PMC01';
        end if;
        -- Qualified by the trigger's own schema: callers may run with any search_path.
        execute format('select parent_context_id from %I.memory_contexts where id = $1', tg_table_schema)
            into ancestor using ancestor;
    end loop;
    return new;
end
$$;
create trigger memory_contexts_refuse_cycles before insert or update of parent_context_id on memory_contexts
    for each row execute function memory_contexts_refuse_cycles();

-- Memories. A memory with a key supersedes the current one with that key in its context: the old
-- row stays (superseded_at, superseded_by) and drops out of search. content_hash makes exact
-- duplicates of a current memory impossible. search_vector serves lexical search; the embedding
-- (float32 little-endian, with the id of the model that made it) serves semantic search.
create table memories (
    id                   uuid primary key,
    context_id           uuid         not null references memory_contexts (id) on delete cascade,
    content              text         not null,
    kind                 varchar(64)  not null,
    key                  varchar(256),
    metadata             jsonb        not null default '{}'::jsonb,
    importance           real         not null default 0.5 check (importance >= 0 and importance <= 1),
    content_hash         varchar(64)  not null,
    source_ref           varchar(128),
    embedding            bytea,
    embedding_model      varchar(128),
    needs_embedding      boolean      not null default true,
    embedding_claimed_at timestamptz,
    search_vector        tsvector generated always as (
                             setweight(to_tsvector('english', coalesce(key, '')), 'A')
                             || setweight(to_tsvector('english', content), 'B')) stored,
    created_by           varchar(255),
    created_at           timestamptz  not null default now(),
    updated_at           timestamptz  not null default now(),
    superseded_at        timestamptz,
    superseded_by        uuid references memories (id) on delete set null deferrable initially deferred,
    change_version       bigint       not null default 0
);
create unique index memories_current_content_uq on memories (context_id, content_hash) where superseded_at is null;
create unique index memories_current_key_uq on memories (context_id, key) where superseded_at is null and key is not null;
create index memories_context_created_idx on memories (context_id, created_at desc, id);
create index memories_context_version_idx on memories (context_id, change_version);
create index memories_search_idx on memories using gin (search_vector);
create index memories_metadata_idx on memories using gin (metadata jsonb_path_ops);
create index memories_pending_embedding_idx on memories (created_at) where needs_embedding;
create index memories_superseded_by_idx on memories (superseded_by) where superseded_by is not null;

-- Grants on a context (and everything under it) to another user, agent or group.
create table memory_shares (
    id           uuid primary key,
    context_id   uuid         not null references memory_contexts (id) on delete cascade,
    grantee_type varchar(16)  not null check (grantee_type in ('user', 'agent', 'group')),
    grantee      varchar(255) not null,
    access       varchar(8)   not null check (access in ('read', 'write')),
    expires_at   timestamptz,
    created_by   varchar(255) not null,
    created_at   timestamptz  not null default now(),
    unique (context_id, grantee_type, grantee)
);
create index memory_shares_grantee_idx on memory_shares (grantee_type, grantee);

-- Backup files written by the Archivist; the files live in the configured backup directory.
-- schedule_slot is unique so that of several replicas only one takes each scheduled backup.
create table memory_backups (
    id              uuid primary key,
    status          varchar(16)  not null check (status in ('running', 'completed', 'failed')),
    origin          varchar(16)  not null check (origin in ('manual', 'scheduled', 'upload')),
    schedule_slot   varchar(64) unique,
    root_context_id uuid,
    file_name       varchar(255) not null,
    format_version  integer      not null,
    embedding_model varchar(128),
    context_count   integer,
    memory_count    integer,
    share_count     integer,
    size_bytes      bigint,
    sha256          varchar(64),
    created_by      varchar(255),
    created_at      timestamptz  not null default now(),
    completed_at    timestamptz,
    error           text
);
create index memory_backups_created_idx on memory_backups (created_at desc);
