package ai.prometheus.shared.platform.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Makes PostgreSQL's log durable through a position, for {@link OutboxRelay}: a commit that did not
 * wait for the flush is on disk once the log is flushed past its commit record. If the log is not
 * flushed that far, one transaction writes a single log record (a logical message, which any role
 * may write and nothing reads) and commits waiting for the flush, which makes every record before
 * it durable too; if it is, the same transaction writes nothing and its commit waits for nothing.
 */
class WalFlush {

    private static final String FLUSH = "select set_config('synchronous_commit', 'on', true),"
            + " case when pg_current_wal_flush_lsn() < cast(? as pg_lsn)"
            + " then pg_logical_emit_message(true, 'prometheus.outbox', '') end";

    private final DataSource dataSource;

    WalFlush(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Returns once the log is on disk through {@code lsn} (PostgreSQL's text form, e.g. {@code 0/3F56988}). */
    void through(String lsn) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement flush = connection.prepareStatement(FLUSH)) {
                flush.setString(1, lsn);
                flush.execute();
            }
            connection.commit();
        }
    }
}
