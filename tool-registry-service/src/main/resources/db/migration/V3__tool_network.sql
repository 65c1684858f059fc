-- A tool version's network policy (implementation.network, canonical form; null: no network) and,
-- per invocation, what its run did through the sandbox's egress proxy (connections, refusals,
-- bytes, hosts).
alter table tool_versions add column network jsonb;
alter table invocations add column egress jsonb;
