package ai.prometheus.registry.tool;

import io.vertx.pgclient.PgException;

/** Recognises a unique-constraint violation from Postgres, however deeply the driver wraps it. */
public final class UniqueViolations {

    private UniqueViolations() {
    }

    public static boolean test(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
