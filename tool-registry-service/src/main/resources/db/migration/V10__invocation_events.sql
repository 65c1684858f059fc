-- The progress and log events a synchronous run wrote (at most 200, as the sandbox sends them), kept
-- with the invocation so that following it after it ended (GET /invocations/{id}/events) replays them.
alter table invocations add column events text;
