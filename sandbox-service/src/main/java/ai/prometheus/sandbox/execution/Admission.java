package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.shared.platform.metrics.DurationHistogram;
import ai.prometheus.shared.problem.ProblemException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Admission control: at most {@code concurrency} runs at once (default: the number of cores) and
 * at most {@code queue} waiting for a turn. A request beyond that is refused at once with 429 and
 * a Retry-After estimated from recent run times; the asynchronous path waits for a turn instead.
 * The service never runs more sandboxes than the pool.
 */
@ApplicationScoped
public class Admission {

    /** Thrown inside {@link #whenFree} attempts while every slot and queue place is taken. */
    static final class Busy extends RuntimeException {
        Busy() {
            super("busy", null, false, false);
        }
    }

    private final int concurrency;
    private final int queue;
    private final Semaphore places;
    private final ExecutorService runners;
    private final AtomicInteger running = new AtomicInteger();
    private volatile double averageRunMillis = 50;
    private final Timer queueWait;

    @Inject
    public Admission(SandboxConfig config, MeterRegistry meters) {
        this(config.runSlots(), config.admission().queue(), meters);
    }

    Admission(int concurrency, int queue, MeterRegistry meters) {
        this.concurrency = Math.max(1, concurrency);
        this.queue = Math.max(0, queue);
        this.places = new Semaphore(this.concurrency + this.queue);
        AtomicInteger threads = new AtomicInteger();
        this.runners = new ThreadPoolExecutor(
                this.concurrency, this.concurrency, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "sandbox-run-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        Gauge.builder("sandbox.runs.active", running, AtomicInteger::get)
                .description("Sandbox runs in progress")
                .register(meters);
        int capacity = this.concurrency + this.queue;
        Gauge.builder("sandbox.runs.waiting", places, p -> Math.max(0, capacity - p.availablePermits() - running.get()))
                .description("Admitted sandbox runs waiting for a run slot")
                .register(meters);
        this.queueWait = DurationHistogram.builder(
                        "prometheus.sandbox.run.queue.wait",
                        "Time an admitted run waited for a run slot (asynchronous runs: also for a queue place)")
                .register(meters);
    }

    /** Runs {@code work} on a run slot, or fails at once with 429 when the pool and queue are full. */
    public <T> Uni<T> submit(Supplier<T> work) {
        return Uni.createFrom().deferred(() -> {
            if (!places.tryAcquire()) {
                return Uni.createFrom().failure(full());
            }
            return dispatch(work, Vertx.currentContext(), System.nanoTime());
        });
    }

    /**
     * A place taken now, for a run that starts later (a streamed run must be refused with 429
     * before its stream begins): throws the 429 when there is none. The place is given back by
     * the run it carries, or by {@link Place#release} when no run comes.
     */
    public Place reserve() {
        if (!places.tryAcquire()) {
            throw full();
        }
        return new Place();
    }

    /** A place in the pool or queue held for one run. */
    public final class Place {
        private final AtomicBoolean held = new AtomicBoolean(true);
        private final long reservedAt = System.nanoTime();

        private Place() {}

        /** Runs {@code work} on a run slot under this place; a place carries one run. */
        public <T> Uni<T> submit(Supplier<T> work) {
            return Uni.createFrom().deferred(() -> {
                // From here the run owns the place and gives it back when it ends.
                if (!held.compareAndSet(true, false)) {
                    return Uni.createFrom().failure(new IllegalStateException("the place was given back"));
                }
                return dispatch(work, Vertx.currentContext(), reservedAt);
            });
        }

        /** Gives the place back if no run took it (idempotent; a run gives its place back itself). */
        public void release() {
            if (held.compareAndSet(true, false)) {
                places.release();
            }
        }
    }

    private ProblemException full() {
        return ProblemException.tooManyRequests(
                "the sandbox is running " + concurrency + " programs and " + queue + " are waiting; try again later",
                retryAfterSeconds());
    }

    /**
     * Runs {@code work} on a run slot, waiting (without holding a thread) until a place is free.
     * The caller's Vert.x context is captured at subscription: the retries run on Mutiny's timer
     * threads, and the continuation must still come back to the caller's context (its database
     * session and transaction live there).
     */
    public <T> Uni<T> whenFree(Supplier<T> work) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            long requested = System.nanoTime();
            return Uni.createFrom()
                    .deferred(() -> places.tryAcquire()
                            ? dispatch(work, context, requested)
                            : Uni.createFrom().<T>failure(new Busy()))
                    .onFailure(Busy.class)
                    .retry()
                    .withBackOff(Duration.ofMillis(20), Duration.ofSeconds(1))
                    .indefinitely();
        });
    }

    private <T> Uni<T> dispatch(Supplier<T> work, Context context, long requested) {
        Uni<T> run = Uni.createFrom()
                .emitter(emitter -> runners.execute(() -> {
                    running.incrementAndGet();
                    long start = System.nanoTime();
                    queueWait.record(start - requested, TimeUnit.NANOSECONDS);
                    try {
                        emitter.complete(work.get());
                    } catch (Throwable failure) {
                        emitter.fail(failure);
                    } finally {
                        running.decrementAndGet();
                        places.release();
                        double took = (System.nanoTime() - start) / 1_000_000.0;
                        averageRunMillis = averageRunMillis * 0.9 + took * 0.1;
                    }
                }));
        // Back on the caller's Vert.x context, where the reactive database session lives.
        return run.emitOn(onContext(context));
    }

    /** Emits on {@code context} (the caller's), or where the item arrives when the caller had none. */
    private static Executor onContext(Context context) {
        return context == null ? Runnable::run : command -> context.runOnContext(ignored -> command.run());
    }

    /** Seconds until a place is likely free: the queue ahead, worked off at the recent pace. */
    long retryAfterSeconds() {
        double waves = (double) (queue + concurrency) / concurrency;
        return Math.max(1, (long) Math.ceil(waves * averageRunMillis / 1000.0));
    }

    public int concurrency() {
        return concurrency;
    }

    public int queue() {
        return queue;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        runners.shutdownNow();
    }
}
