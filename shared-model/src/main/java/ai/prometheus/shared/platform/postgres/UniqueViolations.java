package ai.prometheus.shared.platform.postgres;

import io.vertx.pgclient.PgException;
import java.util.Locale;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Recognises a Postgres unique-constraint violation (SQLSTATE 23505), however deeply Hibernate or
 * the reactive driver wrap it: what a concurrent duplicate insert looks like, so the loser can
 * read the winner's row instead of failing.
 */
public final class UniqueViolations {

    static final String UNIQUE_VIOLATION = "23505";

    private UniqueViolations() {}

    /** Any unique violation: for tables where every unique constraint means "someone else won". */
    public static boolean test(Throwable failure) {
        return find(failure, null);
    }

    /**
     * A violation of the constraint (or unique index) {@code constraint} only; another constraint
     * of the same table is a real error. The reported name may be schema-qualified.
     */
    public static boolean of(Throwable failure, String constraint) {
        return find(failure, constraint);
    }

    private static boolean find(Throwable failure, String constraint) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConstraintViolationException violation
                    && UNIQUE_VIOLATION.equals(violation.getSQLState())
                    && named(violation.getConstraintName(), constraint)) {
                return true;
            }
            if (cause instanceof PgException pg
                    && UNIQUE_VIOLATION.equals(pg.getSqlState())
                    && named(pg.getConstraint(), constraint)) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static boolean named(String reported, String constraint) {
        if (constraint == null) {
            return true;
        }
        return reported != null
                && (reported.equalsIgnoreCase(constraint)
                        || reported.toLowerCase(Locale.ROOT).endsWith("." + constraint));
    }
}
