package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.runtime.RunOutcome;

/**
 * How long the stages of one request that ran code took, as its answer's W3C {@code Server-Timing}
 * header ({@code claim;dur=0.312, queue;dur=0.048, run;dur=5.431, store;dur=0.604, total;dur=7.120},
 * milliseconds to the microsecond): the caller can take the run's own time at sub-millisecond
 * precision ({@code usage.wallMs} is cut to whole milliseconds) from the service's path around it.
 * Each stage is written once by the thread that ends it; the run thread's stages reach the event
 * loop, which builds the header, through the hop that brings the run's outcome back.
 */
public final class ServerTiming {

    public static final String HEADER = "Server-Timing";

    private final long started = System.nanoTime();
    private long claim = -1;
    private long queue = -1;
    private long run = -1;
    private long store = -1;

    /** The Idempotency-Key's claim (one statement) answered; {@code sent}: when it was sent. */
    void claimed(long sent) {
        claim = System.nanoTime() - sent;
    }

    /** A run thread took the run; {@code handedOver}: when it was handed to admission. */
    void taken(long handedOver) {
        queue = System.nanoTime() - handedOver;
    }

    /** The run's exact wall time, the one {@code usage.wallMs} is cut from. */
    void ran(RunOutcome outcome) {
        run = outcome.wallNanos();
    }

    /** The row's write answered; {@code sent}: when it was sent. */
    void stored(long sent) {
        store = System.nanoTime() - sent;
    }

    /**
     * The header's value now: each stage that happened, then {@code total} from the request's
     * arrival at the service (after authentication and the body's validation) until now.
     */
    public String header() {
        StringBuilder value = new StringBuilder(96);
        entry(value, "claim", claim);
        entry(value, "queue", queue);
        entry(value, "run", run);
        entry(value, "store", store);
        entry(value, "total", System.nanoTime() - started);
        return value.toString();
    }

    /** {@code name;dur=ms} with three decimals, cut (not rounded) so a run's dur is never below its wallMs. */
    private static void entry(StringBuilder value, String name, long nanos) {
        if (nanos < 0) {
            return;
        }
        long micros = nanos / 1_000;
        if (!value.isEmpty()) {
            value.append(", ");
        }
        // The fraction's three digits, zeros kept: 1,000 + fraction without its leading 1.
        value.append(name).append(";dur=").append(micros / 1_000).append('.');
        value.append(Long.toString(1_000 + micros % 1_000), 1, 4);
    }
}
