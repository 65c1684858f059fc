-- The full stdout of an asynchronous invocation whose result was too large for its event: the
-- event carries the start of it and the registry fetches the rest over REST.
alter table executions add column result text;
