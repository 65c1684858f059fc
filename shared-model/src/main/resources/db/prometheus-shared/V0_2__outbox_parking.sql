-- An outbox row that can never be sent (larger than the broker accepts, refused by Kafka as
-- malformed) is parked with its reason instead of being retried forever; the relay reports it to
-- the guardian and counts it in prometheus_outbox_parked_total, and keeps sending the other rows.
alter table outbox add column parked_at timestamptz;
alter table outbox add column parked_reason text;

drop index outbox_unsent_idx;
create index outbox_unsent_idx on outbox (created_at, id) where sent_at is null and parked_at is null;
create index outbox_parked_idx on outbox (parked_at) where parked_at is not null;
