package ai.prometheus.shared.platform.inbox;

import ai.prometheus.shared.platform.postgres.DatabaseOutage;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Tells failures of the infrastructure (the database restarting, a connection dropped) from
 * failures of the message, and retries the former. A consumer must not send an event to its
 * dead-letter topic because Postgres was down for a few seconds: it waits, with backoff, and the
 * partition waits with it, so order is kept and nothing is lost. A malformed event still fails at
 * once and goes to the dead-letter topic.
 */
public final class TransientFailures {

    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration LONGEST_BACKOFF = Duration.ofSeconds(5);
    /** After this the failure is treated as permanent (the record goes to the dead-letter topic). */
    static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

    /** SQLSTATEs that mean "try again": connection problems, shutdown, overload, serialization, deadlock. */
    private static final Set<String> RETRYABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01");

    private TransientFailures() {}

    public static boolean test(Throwable error) {
        if (DatabaseOutage.test(error)) {
            return true;
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IOException
                    || cause instanceof ClosedConnectionException
                    || cause instanceof TimeoutException
                    || cause instanceof SQLTransientException) {
                return true;
            }
            if (cause instanceof PgException pg && retryable(pg.getSqlState())) {
                return true;
            }
            if (cause instanceof SQLException sql && retryable(sql.getSQLState())) {
                return true;
            }
            String message = String.valueOf(cause.getMessage());
            if (cause.getClass().getName().startsWith("io.vertx")
                    && message.contains("Connection")
                    && message.contains("closed")) {
                return true;
            }
        }
        return false;
    }

    private static boolean retryable(String state) {
        return state != null && (state.startsWith("08") || RETRYABLE_STATES.contains(state));
    }

    /**
     * Runs {@code work}, and runs it again from the start (so each attempt opens its own
     * transaction) while it fails for a transient reason, backing off up to a few seconds between
     * attempts, for at most ten minutes.
     */
    public static <T> Uni<T> retried(Supplier<Uni<? extends T>> work) {
        return Uni.createFrom()
                .<T>deferred(work)
                .onFailure(TransientFailures::test)
                .retry()
                .withBackOff(FIRST_BACKOFF, LONGEST_BACKOFF)
                .expireIn(GIVE_UP_AFTER.toMillis());
    }
}
