-- One row the outbox relay writes, in a transaction that commits waiting for the log flush, when its
-- role may not write a logical message (EXECUTE on pg_logical_emit_message revoked, as on some
-- managed PostgreSQL): a commit that wrote nothing to the log does not wait for the flush, so the
-- relay needs a change of its own to make everything before it durable (WalFlush).
create table outbox_flush (
    id         smallint primary key check (id = 1),
    flushed_at timestamptz not null
);
