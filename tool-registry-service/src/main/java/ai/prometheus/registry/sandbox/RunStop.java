package ai.prometheus.registry.sandbox;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Stops a synchronous call to the sandbox whose own caller went away. Cancelling the call's
 * {@code Uni} is not enough: the fault-tolerance layer around {@link SandboxClient} subscribes to
 * the call itself and does not pass a cancellation on, so the HTTP request would go on and the
 * run with it. This handle reaches the request under that layer: {@link #stop()} cancels the
 * attempt in flight (closing its connection, which the sandbox takes as a cancel) and fails it
 * with a {@link SandboxFailure.Kind#CANCELLED} failure, which is neither retried nor counted by
 * the circuit breaker; an attempt begun after the stop fails so at once.
 */
public final class RunStop {

    private Runnable attempt;
    private boolean stopped;

    public void stop() {
        Runnable running;
        synchronized (this) {
            stopped = true;
            running = attempt;
            attempt = null;
        }
        if (running != null) {
            running.run();
        }
    }

    /** {@code call}, stopped by {@link #stop()}. */
    <T> Uni<T> around(Uni<T> call) {
        return Uni.createFrom().emitter(emitter -> {
            if (isStopped()) {
                emitter.fail(cancelled());
                return;
            }
            Cancellable running = call.subscribe().with(emitter::complete, emitter::fail);
            Runnable cancel = () -> {
                running.cancel();
                emitter.fail(cancelled());
            };
            if (!attach(cancel)) {
                cancel.run();
                return;
            }
            emitter.onTermination(() -> detach(cancel));
        });
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    private synchronized boolean attach(Runnable cancel) {
        if (stopped) {
            return false;
        }
        attempt = cancel;
        return true;
    }

    private synchronized void detach(Runnable cancel) {
        if (attempt == cancel) {
            attempt = null;
        }
    }

    private static SandboxFailure cancelled() {
        return new SandboxFailure(
                SandboxFailure.Kind.CANCELLED, "the call was cancelled: its caller went away", 0, null);
    }
}
