-- An asynchronous invocation its caller cancelled (an MCP task cancelled with tasks/cancel): it stays
-- CANCELLED whatever the run's result turns out to be.
alter table invocations drop constraint invocations_status_check;
alter table invocations add constraint invocations_status_check
    check (status in ('PENDING', 'COMPLETED', 'FAILED', 'CANCELLED'));
