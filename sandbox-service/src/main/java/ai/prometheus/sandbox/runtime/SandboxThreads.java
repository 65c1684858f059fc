package ai.prometheus.sandbox.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime's own daemon threads: {@code io} pumps output and tears sandboxes down, {@code
 * timers} enforce wall clocks and sample usage, {@code warmers} start pooled sandboxes (one per core).
 */
record SandboxThreads(ExecutorService io, ScheduledExecutorService timers, ExecutorService warmers) {

    static SandboxThreads start() {
        return new SandboxThreads(
                Executors.newCachedThreadPool(daemon("sandbox-io")),
                Executors.newScheduledThreadPool(2, daemon("sandbox-timer")),
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
