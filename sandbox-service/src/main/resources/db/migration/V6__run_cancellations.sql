-- A caller's request to stop an asynchronous tool invocation's run. Any replica may take the
-- request; the one running the invocation hears of it through the notification at commit (every
-- replica listens) and kills the run. Rows are deleted after sandbox.invocation.cancellation-retention.
create table run_cancellations (
    invocation_id uuid         primary key,
    requested_by  varchar(255) not null,
    requested_at  timestamptz  not null
);

create index run_cancellations_requested_idx on run_cancellations (requested_at);

-- On insert and on a repeated request (an upsert), so a repeat wakes a replica that missed the first.
create function run_cancellations_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('run_cancellations_' || tg_table_schema, new.invocation_id::text);
    return null;
end
$$;

create trigger run_cancellations_requested after insert or update on run_cancellations
    for each row execute function run_cancellations_notify();
