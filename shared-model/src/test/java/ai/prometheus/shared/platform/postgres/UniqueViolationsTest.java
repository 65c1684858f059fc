package ai.prometheus.shared.platform.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

class UniqueViolationsTest {

    private static final String NAME = "executions_idempotency_uq";

    private static ConstraintViolationException hibernate(String state, String constraint) {
        return new ConstraintViolationException(
                "could not execute statement", new SQLException("failed", state), constraint);
    }

    private static PgException postgres(String state, String constraint) {
        return new PgException(
                "duplicate key value",
                "ERROR",
                state,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "sandbox",
                "executions",
                null,
                null,
                constraint);
    }

    @Test
    void onlySqlState23505OnTheNamedConstraintCounts() {
        assertTrue(UniqueViolations.of(new CompletionException(hibernate("23505", NAME)), NAME));
        assertTrue(UniqueViolations.of(hibernate("23505", "sandbox." + NAME), NAME));
        assertTrue(UniqueViolations.of(new RuntimeException(postgres("23505", NAME)), NAME));

        // Another unique constraint, a foreign key or a check: real errors, not a concurrent duplicate.
        assertFalse(UniqueViolations.of(hibernate("23505", "executions_invocation_uq"), NAME));
        assertFalse(UniqueViolations.of(hibernate("23503", NAME), NAME));
        assertFalse(UniqueViolations.of(postgres("23514", NAME), NAME));
        // A message that merely mentions the code is not a violation.
        assertFalse(UniqueViolations.of(new IllegalStateException("retry after 23505 ms"), NAME));
    }

    @Test
    void withoutAConstraintNameAnyUniqueViolationCounts() {
        assertTrue(UniqueViolations.test(new CompletionException(postgres("23505", "tools_name_uq"))));
        assertTrue(UniqueViolations.test(hibernate("23505", null)));
        assertFalse(UniqueViolations.test(postgres("23503", "tools_owner_fk")));
        assertFalse(UniqueViolations.test(new RuntimeException("boom")));
    }
}
