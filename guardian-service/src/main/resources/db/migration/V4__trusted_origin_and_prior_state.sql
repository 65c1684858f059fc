-- Who reported an error over HTTP (null: an event from the suite's Kafka topics), and whether its
-- origin is authenticated for its service. Only trusted errors drive remediation rules.
alter table error_logs add column reported_by varchar(255);
alter table error_logs add column trusted boolean not null default true;

-- Whether applying an action changed its target (false: the tool was already in that state, so a
-- revert leaves it alone; null: the acting service did not say).
alter table remediation_actions add column changed_target boolean;
