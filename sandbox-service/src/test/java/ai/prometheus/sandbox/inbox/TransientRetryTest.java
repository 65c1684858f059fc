package ai.prometheus.sandbox.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.shared.platform.inbox.TransientFailures;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A consumer's database work that fails for a transient reason (a dropped connection) is run again
 * after a backoff, and the new attempt, resubscribed from the backoff's timer, can still open its
 * Hibernate Reactive session and transaction: the retry consumers rely on to wait out a database
 * restart instead of dead-lettering the record.
 */
@QuarkusTest
class TransientRetryTest {

    @Test
    void aRetriedTransactionRunsOnTheCallersContext() throws Throwable {
        AtomicInteger attempts = new AtomicInteger();
        Long answer = VertxContextSupport.subscribeAndAwait(() -> TransientFailures.retried(() -> {
            if (attempts.incrementAndGet() == 1) {
                return Uni.createFrom().failure(new IOException("connection reset (simulated)"));
            }
            return Panache.withTransaction(() -> Panache.getSession()
                    .chain(session -> session.createNativeQuery("select 41 + 1", Long.class)
                            .getSingleResult()));
        }));
        assertEquals(42L, answer);
        assertEquals(2, attempts.get());
    }
}
