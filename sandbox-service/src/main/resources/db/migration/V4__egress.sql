-- Runs with a network policy: the policy they ran under, their egress limits and every connection
-- they asked the egress proxy for ({"connections": [{host, port, resolvedAddress, allowed, reason,
-- bytesUp, bytesDown, durationMs}]}).
alter table executions add column network jsonb;
alter table executions add column limit_egress_bytes bigint;
alter table executions add column limit_egress_connections integer;
alter table executions add column egress jsonb;
