package ai.prometheus.shared.platform.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Makes PostgreSQL's log durable through a position, for {@link OutboxRelay}: a commit that did not
 * wait for the flush is on disk once the log is flushed past its commit record. If the log is not
 * flushed that far, one transaction writes a single log record (a logical message, which nothing
 * reads) and commits waiting for the flush, which makes every record before it durable too; if it
 * is, the same transaction writes nothing and its commit waits for nothing.
 *
 * <p>Where the role may not execute {@code pg_logical_emit_message} (revoked on some managed
 * PostgreSQL; PostgreSQL checks the privilege when the statement starts, so the first flush finds
 * out whether or not it had to write), the record is instead an update of the one row of the
 * schema's {@code outbox_flush} table, from then on. Not a transaction that only takes a
 * transaction id: one that wrote no log record of its own commits without waiting for the flush,
 * whatever {@code synchronous_commit} says.
 */
class WalFlush {

    private static final Logger LOG = Logger.getLogger(WalFlush.class);
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String MESSAGE = "select set_config('synchronous_commit', 'on', true),"
            + " case when pg_current_wal_flush_lsn() < cast(? as pg_lsn)"
            + " then pg_logical_emit_message(true, 'prometheus.outbox', '') end";

    private final DataSource dataSource;
    private final String rowUpdate;
    private final AtomicBoolean logicalMessages = new AtomicBoolean(true);

    /** {@code schema}: the service's, holding the {@code outbox_flush} table. */
    WalFlush(DataSource dataSource, String schema) {
        this.dataSource = dataSource;
        this.rowUpdate = "with synchronous as (select set_config('synchronous_commit', 'on', true))"
                + " insert into " + schema + ".outbox_flush (id, flushed_at)"
                + " select 1, now() from synchronous where pg_current_wal_flush_lsn() < cast(? as pg_lsn)"
                + " on conflict (id) do update set flushed_at = excluded.flushed_at";
    }

    /** Returns once the log is on disk through {@code lsn} (PostgreSQL's text form, e.g. {@code 0/3F56988}). */
    void through(String lsn) throws SQLException {
        if (logicalMessages.get()) {
            try {
                flush(MESSAGE, lsn);
                return;
            } catch (SQLException e) {
                if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                    throw e;
                }
                if (logicalMessages.compareAndSet(true, false)) {
                    LOG.warnf(
                            "The outbox relay may not write a logical message (%s); it makes the log durable by updating"
                                    + " its outbox_flush row instead, one more row update per batch it publishes",
                            e.getMessage());
                }
            }
        }
        flush(rowUpdate, lsn);
    }

    /** Whether the flush still writes a logical message (false once the role was refused it). */
    boolean logicalMessages() {
        return logicalMessages.get();
    }

    private void flush(String write, String lsn) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement flush = connection.prepareStatement(write)) {
                flush.setString(1, lsn);
                flush.execute();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }
}
