-- Platform tables every service has in its own schema (Flyway runs this with the service's schema
-- as default). Shared migrations use versions below 1 and apply out of order, so adding one later
-- never collides with a service's own numbering.

-- Transactional outbox: rows are written in the same transaction as the state change they
-- describe, then relayed to Kafka by OutboxRelay.
create table outbox (
    id          text primary key,
    topic       text        not null,
    message_key text,
    event_type  text        not null,
    traceparent text,
    payload     jsonb       not null,
    created_at  timestamptz not null default now(),
    sent_at     timestamptz,
    attempts    integer     not null default 0,
    last_error  text
);
create index outbox_unsent_idx on outbox (created_at, id) where sent_at is null;
create index outbox_sent_idx on outbox (sent_at) where sent_at is not null;

-- Wakes the relay at commit time (NOTIFY is delivered only when the transaction commits).
create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('outbox_' || tg_table_schema, '');
    return null;
end
$$;
create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();

-- Idempotent consumption: a consumer records each event id in the same transaction as its side
-- effects, so a redelivered event finds its id and changes nothing.
create table processed_events (
    consumer     text        not null,
    event_id     text        not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
);
create index processed_events_at_idx on processed_events (processed_at);
