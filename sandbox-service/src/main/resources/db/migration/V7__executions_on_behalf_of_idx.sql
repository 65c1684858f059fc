-- A caller's listing (GET /executions without sandbox:admin) asks for "principal = me or
-- on_behalf_of = me", newest first. Without an index on on_behalf_of PostgreSQL could only walk
-- every row (or the whole created_at index) to find the runs the registry made for a caller, so a
-- caller with few runs among many paid for all of them. With this index beside
-- executions_principal_created_idx the two sides are one bitmap OR of index scans.
create index executions_on_behalf_of_created_idx on executions (on_behalf_of, created_at desc)
    where on_behalf_of is not null;
