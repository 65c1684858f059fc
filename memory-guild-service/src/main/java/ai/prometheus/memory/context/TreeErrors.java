package ai.prometheus.memory.context;

import ai.prometheus.shared.problem.ProblemException;
import io.vertx.pgclient.PgException;
import java.sql.SQLException;

/** Turns the database's refusal of a cycle (SQLSTATE PMC01, raised by the tree trigger) into a 409. */
public final class TreeErrors {

    static final String CYCLE = "PMC01";

    private TreeErrors() {}

    public static Throwable translate(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg && CYCLE.equals(pg.getSqlState())) {
                return ProblemException.conflict("the move would create a cycle: " + pg.getErrorMessage());
            }
            // Hibernate Reactive hands the driver's error on as a JDBC SQLException (a concurrent
            // move that closed the cycle first is seen this way); the SQLSTATE is the same.
            if (cause instanceof SQLException sql && CYCLE.equals(sql.getSQLState())) {
                return ProblemException.conflict(
                        "the move would create a cycle: a concurrent move placed the new parent"
                                + " below this context");
            }
        }
        return failure;
    }
}
