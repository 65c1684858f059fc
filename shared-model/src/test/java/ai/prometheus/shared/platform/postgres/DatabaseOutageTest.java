package ai.prometheus.shared.platform.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

/** The exception types the drivers and pools really raise when PostgreSQL is away, as they arrive wrapped. */
class DatabaseOutageTest {

    @Test
    void refusedDroppedRestartingAndExhaustedAreOutages() {
        assertTrue(DatabaseOutage.test(new HibernateException(
                new CompletionException(new ConnectException("Connection refused: /127.0.0.1:5432")))));
        assertTrue(DatabaseOutage.test(new CompletionException(ClosedConnectionException.INSTANCE)));
        assertTrue(DatabaseOutage.test(
                new PgException("terminating connection due to administrator command", "FATAL", "57P01", null)));
        assertTrue(DatabaseOutage.test(new PgException("the database system is starting up", "FATAL", "57P03", null)));
        assertTrue(DatabaseOutage.test(new SQLException("Connection to 127.0.0.1:5432 refused", "08001")));
        assertTrue(DatabaseOutage.test(new SQLTransientConnectionException("timeout")));
        assertTrue(DatabaseOutage.test(new SQLException("Sorry, acquisition timeout!")));
        // The reactive pool's own failure when no connection frees up in time.
        assertTrue(DatabaseOutage.test(new HibernateException(
                new CompletionException(Future.failedFuture("Timeout").cause()))));
        assertTrue(DatabaseOutage.test(new VertxException("Timeout waiting for connection", true)));
    }

    @Test
    void failuresOfTheRequestAreNot() {
        assertFalse(DatabaseOutage.test(
                new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)));
        assertFalse(
                DatabaseOutage.test(new PgException("unsupported Unicode escape sequence", "ERROR", "22P05", null)));
        assertFalse(DatabaseOutage.test(new IllegalStateException("Timeout")));
        assertFalse(DatabaseOutage.test(new NullPointerException()));
    }
}
