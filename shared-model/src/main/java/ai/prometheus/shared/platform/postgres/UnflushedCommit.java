package ai.prometheus.shared.platform.postgres;

/**
 * A commit that does not wait for PostgreSQL to flush its log to disk ({@code synchronous_commit}
 * off for that one transaction; the connection's later transactions are as configured). On this
 * project's development machine the wait was 2 to 3 ms of a one-row commit on an idle disk and
 * several times that under load; without it the commit costs about 0.2 ms.
 *
 * <p>What it risks: the commit is visible at once and survives a clean restart, but a crash of
 * PostgreSQL or of its host before the log reaches the disk (at most about three
 * {@code wal_writer_delay}s, 0.6 s by default) takes it back, whole: never half of a transaction,
 * and never a later commit while keeping an earlier one (the log is flushed in order). Safe for
 * rows whose events leave through the outbox: the relay makes the log durable past a claimed batch
 * before it publishes it ({@code OutboxRelay}, {@code WalFlush}), so no event ever describes a
 * write a crash took back. Each writer decides whether losing its last fraction of a second of
 * writes is acceptable, and says so next to its setting.
 */
public final class UnflushedCommit {

    /** The name of {@link #CLAUSE}: the statement must read it (e.g. {@code ... from async}). */
    public static final String NAME = "async";

    /**
     * A {@code WITH} clause for a self-committing statement: the setting lasts until that
     * statement's implicit transaction commits, which then does not wait. A {@code WITH} clause that
     * only reads runs only when the statement reads it, so the statement must select from it.
     */
    public static final String CLAUSE = NAME + " as (select set_config('synchronous_commit', 'off', true))";

    /** The first statement of an explicit transaction (a Hibernate session's): its commit does not wait. */
    public static final String SET_LOCAL = "set local synchronous_commit = off";

    private UnflushedCommit() {}
}
