-- A change to a context's memories (written, updated, forgotten, restored) notifies at commit with
-- the context's id, whichever replica made it, so every replica can tell its MCP subscribers
-- (notifications/resources/updated). Per row; PostgreSQL folds identical notifications of one
-- transaction, so a bulk write to one context is announced once.
create function memories_changed_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('memories_changed_' || tg_table_schema,
        (case when tg_op = 'DELETE' then old.context_id else new.context_id end)::text);
    if tg_op = 'UPDATE' and old.context_id <> new.context_id then
        perform pg_notify('memories_changed_' || tg_table_schema, old.context_id::text);
    end if;
    return null;
end
$$;

create trigger memories_changed after insert or update or delete on memories
    for each row execute function memories_changed_notify();
