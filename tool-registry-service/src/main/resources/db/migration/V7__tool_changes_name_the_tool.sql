-- Tool changes name the tool (the notification's payload), so the MCP server tells only the
-- sessions that may call it that the tool list changed. Per row; PostgreSQL folds identical
-- notifications of one transaction, so a tool touched twice is announced once.
drop trigger tools_changed on tool_registry;

create or replace function tools_changed_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('tools_changed_' || tg_table_schema,
        case when tg_op = 'DELETE' then old.name else new.name end);
    if tg_op = 'UPDATE' and old.name <> new.name then
        perform pg_notify('tools_changed_' || tg_table_schema, old.name);
    end if;
    return null;
end
$$;

create trigger tools_changed after insert or update or delete on tool_registry
    for each row execute function tools_changed_notify();
