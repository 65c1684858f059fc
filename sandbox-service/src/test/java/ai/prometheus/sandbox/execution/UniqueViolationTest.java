package ai.prometheus.sandbox.execution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

class UniqueViolationTest {

    private static ConstraintViolationException hibernate(String state, String constraint) {
        return new ConstraintViolationException("could not execute statement", new SQLException("failed", state), constraint);
    }

    private static PgException postgres(String state, String constraint) {
        return new PgException("duplicate key value", "ERROR", state, null, null, null, null, null, null, null, null, null,
                "sandbox", "executions", null, null, constraint);
    }

    @Test
    void onlySqlState23505OnTheNamedConstraintCounts() {
        String name = Execution.IDEMPOTENCY_CONSTRAINT;
        assertTrue(ExecutionService.isUniqueViolation(new CompletionException(hibernate("23505", name)), name));
        assertTrue(ExecutionService.isUniqueViolation(hibernate("23505", "sandbox." + name), name));
        assertTrue(ExecutionService.isUniqueViolation(new RuntimeException(postgres("23505", name)), name));

        // Another unique constraint, a foreign key or a check: real errors, not a concurrent duplicate.
        assertFalse(ExecutionService.isUniqueViolation(hibernate("23505", Execution.INVOCATION_CONSTRAINT), name));
        assertFalse(ExecutionService.isUniqueViolation(hibernate("23503", name), name));
        assertFalse(ExecutionService.isUniqueViolation(postgres("23514", name), name));
        // A message that merely mentions the code is not a violation.
        assertFalse(ExecutionService.isUniqueViolation(new IllegalStateException("retry after 23505 ms"), name));
    }
}
