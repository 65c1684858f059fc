-- A caller's request to stop an asynchronous tool invocation's run. Any replica may take the
-- request; the one running the invocation hears of it through the notification at commit (every
-- replica listens) and kills the run. Rows are deleted after sandbox.invocation.cancellation-retention.
create table run_cancellations (
    invocation_id uuid         not null,
    requested_by  varchar(255) not null,
    requested_at  timestamptz  not null,
    -- Asked before this sandbox had the invocation (its request still queued): a hold, honoured
    -- only for a run whose requester or on-behalf-of principal made it.
    held          boolean      not null default false,
    -- One per requester: a stranger's hold on an id cannot stand in the way of its owner's.
    primary key (invocation_id, requested_by)
);

create index run_cancellations_requested_idx on run_cancellations (requested_at);

-- On insert and on a repeated request (an upsert), so a repeat wakes a replica that missed the first.
create function run_cancellations_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify(
        'run_cancellations_' || tg_table_schema,
        json_build_object('invocationId', new.invocation_id, 'requestedBy', new.requested_by, 'held', new.held)::text);
    return null;
end
$$;

create trigger run_cancellations_requested after insert or update on run_cancellations
    for each row execute function run_cancellations_notify();
