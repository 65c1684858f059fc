package ai.prometheus.sandbox.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime's own daemon threads: {@code io} pumps output and tears sandboxes down, {@code
 * timers} bound starts and delay refills, {@code warmers} start pooled sandboxes (one per core). A
 * run's own thread keeps its wall clock and samples its usage (see {@code Sandbox#run}).
 */
record SandboxThreads(ExecutorService io, ScheduledExecutorService timers, ExecutorService warmers) {

    static SandboxThreads start() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(2, daemon("sandbox-timer"));
        // A start's guard is cancelled at the ready byte, seconds before it would fire: left in the
        // queue, every cancelled guard would still wake a timer thread at its time.
        timers.setRemoveOnCancelPolicy(true);
        return new SandboxThreads(
                Executors.newCachedThreadPool(daemon("sandbox-io")),
                timers,
                Executors.newFixedThreadPool(
                        Math.max(1, Runtime.getRuntime().availableProcessors()), daemon("sandbox-warmer")));
    }

    void stopStarting() {
        timers.shutdownNow();
        warmers.shutdownNow();
    }

    void stopAll() {
        stopStarting();
        io.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
