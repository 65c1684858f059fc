package ai.prometheus.sandbox.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    @Test
    void beyondThePoolAndTheQueueTheAnswerIs429WithRetryAfter() throws Exception {
        Admission admission = new Admission(1, 1, new SimpleMeterRegistry());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> running = admission
                .submit(() -> {
                    started.countDown();
                    await(release);
                    return "first";
                })
                .subscribeAsCompletionStage();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        CompletableFuture<String> queued = admission.submit(() -> "second").subscribeAsCompletionStage();

        ProblemException refused = failureOf(admission.submit(() -> "third"));
        assertEquals(ProblemType.TOO_MANY_REQUESTS, refused.type());
        assertTrue(Long.parseLong(refused.headers().get("Retry-After")) >= 1);

        release.countDown();
        assertEquals("first", running.get(10, TimeUnit.SECONDS));
        assertEquals("second", queued.get(10, TimeUnit.SECONDS));
        assertEquals("again", admission.submit(() -> "again").await().atMost(Duration.ofSeconds(10)));
    }

    @Test
    void neverRunsMoreThanThePoolAndTheWaitingPathGetsItsTurn() throws Exception {
        Admission admission = new Admission(2, 0, new SimpleMeterRegistry());
        AtomicInteger now = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        List<CompletableFuture<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int index = i;
            runs.add(admission
                    .whenFree(() -> {
                        highest.accumulateAndGet(now.incrementAndGet(), Math::max);
                        sleep(20);
                        now.decrementAndGet();
                        return index;
                    })
                    .subscribeAsCompletionStage());
        }
        for (int i = 0; i < runs.size(); i++) {
            assertEquals(i, runs.get(i).get(30, TimeUnit.SECONDS));
        }
        // Scheduling decides whether two ever overlap; what must hold is that three never do.
        assertTrue(highest.get() <= 2, "ran " + highest.get() + " at once");
    }

    @Test
    void aQueuedRunResumesOnTheCallersVertxContext() throws Exception {
        Admission admission = new Admission(1, 0, new SimpleMeterRegistry());
        Vertx vertx = Vertx.vertx();
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<String> first = admission
                    .submit(() -> {
                        started.countDown();
                        await(release);
                        return "first";
                    })
                    .subscribeAsCompletionStage();
            assertTrue(started.await(10, TimeUnit.SECONDS));

            // The only place is taken: the waiting run retries on Mutiny's timer threads, and its
            // continuation must still come back to the context it was subscribed on (where a
            // reactive database session lives).
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Context> resumedOn = new CompletableFuture<>();
            context.runOnContext(ignored -> admission
                    .whenFree(() -> "second")
                    .subscribe()
                    .with(item -> resumedOn.complete(Vertx.currentContext()), resumedOn::completeExceptionally));
            Thread.sleep(100); // at least one refused attempt
            release.countDown();
            assertEquals("first", first.get(10, TimeUnit.SECONDS));
            assertSame(context, resumedOn.get(10, TimeUnit.SECONDS), "resumed off the caller's Vert.x context");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static ProblemException failureOf(Uni<?> uni) {
        try {
            uni.await().atMost(Duration.ofSeconds(10));
        } catch (ProblemException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
