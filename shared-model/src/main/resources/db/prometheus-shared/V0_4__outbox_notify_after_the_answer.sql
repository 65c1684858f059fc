-- A writer on a request's path may wake the relays itself once it has answered (Outbox.wakeRelays),
-- instead of at its commit: its statement sets prometheus.outbox_notify to off for its own
-- transaction (Outbox.QUIET_CLAUSE) and the trigger then leaves the notification out. Every other
-- insert notifies at commit as before.
create or replace function outbox_notify() returns trigger language plpgsql as $$
begin
    if current_setting('prometheus.outbox_notify', true) is distinct from 'off' then
        perform pg_notify('outbox_' || tg_table_schema, '');
    end if;
    return null;
end
$$;
