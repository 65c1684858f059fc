package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.shared.platform.web.ServerTimingHeader;

/**
 * How long the stages of one request that ran code took, as its answer's W3C {@code Server-Timing}
 * header ({@code claim;dur=0.312, queue;dur=0.048, run;dur=5.431, store;dur=0.604, total;dur=7.120},
 * milliseconds to the microsecond, cut, written by {@link ServerTimingHeader}): the caller can take
 * the run's own time at sub-millisecond precision ({@code usage.wallMs} is cut to whole
 * milliseconds) from the service's path around it.
 * Each stage is written once by the thread that ends it; the run thread's stages reach the event
 * loop, which builds the header, through the hop that brings the run's outcome back.
 */
public final class ServerTiming {

    public static final String HEADER = ServerTimingHeader.NAME;

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
        return new ServerTimingHeader()
                .stage("claim", claim)
                .stage("queue", queue)
                .stage("run", run)
                .stage("store", store)
                .stage("total", System.nanoTime() - started)
                .value();
    }
}
