-- Discovery at the speed of its indexes (issue 19). Before this, every listing evaluated JSONB
-- operators on the ACL of every row and sorted the whole match set; see the README's
-- "Discovery performance" for the measurements.

-- The ACL as plain arrays of principals, kept by Postgres from the permissions column: listings
-- test them with && (GIN-indexed) instead of permissions->'read' ?| ... per row. A null ACL means
-- the default one (read and invoke by anyone whose token allows it), as in permission/ToolAccess.
create function tool_acl_entries(acl jsonb, variadic actions text[]) returns text[]
    language sql immutable parallel safe as $$
    select coalesce(array(
        select distinct entry
        from unnest(actions) as action,
             jsonb_array_elements_text(case
                 when acl is null then (case when action in ('read', 'invoke') then '["*"]'::jsonb else '[]'::jsonb end)
                 when jsonb_typeof(acl -> action) = 'array' then acl -> action
                 else '[]'::jsonb end) as entry), '{}')
$$;
alter table tool_registry
    add column acl_readers  text[] generated always as (tool_acl_entries(permissions, 'read', 'manage')) stored,
    add column acl_invokers text[] generated always as (tool_acl_entries(permissions, 'invoke')) stored;
drop index tool_registry_acl_read_idx;
drop index tool_registry_acl_invoke_idx;
create index tool_registry_acl_readers_idx on tool_registry using gin (acl_readers);
create index tool_registry_acl_invokers_idx on tool_registry using gin (acl_invokers);

-- One index per filter and order a listing uses, on live tools only (what listings read by
-- default): an owner's tools by name, and the created/updated orders; the name order is the
-- unique live-name index.
drop index tool_registry_owner_idx;
create index tool_registry_owner_name_idx on tool_registry (owner, name) where status <> 'DELETED';
create index tool_registry_created_idx on tool_registry (created_at, name) where status <> 'DELETED';
create index tool_registry_updated_idx on tool_registry (updated_at, name) where status <> 'DELETED';

-- The catalog's version, bumped in the transaction of every change to the tools table: each
-- replica's listing cache (discovery/ListingCache) compares it with the version its entries were
-- read at, so a change committed through any replica is seen at once by every replica.
create table tool_catalog_version (
    only_row boolean primary key default true check (only_row),
    version  bigint  not null
);
insert into tool_catalog_version (version) values (1);
create function tool_catalog_bump() returns trigger language plpgsql as $$
begin
    execute format('update %I.tool_catalog_version set version = version + 1', tg_table_schema);
    return null;
end
$$;
create trigger tool_catalog_bump after insert or update or delete or truncate on tool_registry
    for each statement execute function tool_catalog_bump();
