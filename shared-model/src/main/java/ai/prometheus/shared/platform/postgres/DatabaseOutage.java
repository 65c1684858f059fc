package ai.prometheus.shared.platform.postgres;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Tells an outage of PostgreSQL (refused or dropped connections, a restart, a pool with no free
 * connection in time) from a failure of the request: the former is answered 503 with
 * Retry-After, because the same request will succeed once the database is back.
 */
public final class DatabaseOutage {

    /** Shutdown, starting up, too many connections; every {@code 08...} connection exception counts too. */
    private static final Set<String> OUTAGE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private DatabaseOutage() {}

    public static boolean test(Throwable error) {
        int depth = 0;
        for (Throwable cause = error;
                cause != null && depth++ < 32;
                cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof ClosedConnectionException
                    || cause instanceof SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof PgException pg && outage(pg.getSqlState())) {
                return true;
            }
            if (cause instanceof SQLException sql && (outage(sql.getSQLState()) || acquisitionTimeout(sql))) {
                return true;
            }
            if (poolTimeout(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean outage(String state) {
        return state != null && (state.startsWith("08") || OUTAGE_STATES.contains(state));
    }

    /** Agroal, the JDBC pool, reports an exhausted pool as a plain SQLException. */
    private static boolean acquisitionTimeout(SQLException e) {
        return String.valueOf(e.getMessage()).toLowerCase().contains("acquisition timeout");
    }

    /**
     * The reactive pool fails a waiting request with a bare "Timeout" (or "Timeout waiting for
     * connection"), and a dropped connection with "Connection ... closed"; both are Vert.x types
     * without a class of their own.
     */
    private static boolean poolTimeout(Throwable cause) {
        if (!cause.getClass().getName().startsWith("io.vertx")) {
            return false;
        }
        String message = String.valueOf(cause.getMessage());
        return message.equals("Timeout")
                || message.startsWith("Timeout waiting for connection")
                || (message.contains("Connection") && message.contains("closed"));
    }
}
