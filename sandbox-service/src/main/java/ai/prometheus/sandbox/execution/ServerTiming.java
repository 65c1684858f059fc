package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.shared.platform.web.ServerTimingHeader;

/**
 * How long the stages of one request that ran code took, as its answer's W3C {@code Server-Timing}
 * header ({@code request;dur=0.912, prepare;dur=0.131, claim;dur=0.312, queue;dur=0.048,
 * run;dur=5.431, runner;dur=0.402, hop;dur=0.051, store;dur=0.604, answer;dur=0.040,
 * total;dur=7.931}, milliseconds to the microsecond, cut, written by {@link ServerTimingHeader}):
 * the caller can take the run's own time at sub-millisecond precision ({@code usage.wallMs} is cut
 * to whole milliseconds) from the service's path around it. The stages but {@code total} follow one another without a gap, so together they
 * are {@code total} (each is cut to the microsecond, so their sum may fall short of it by a few).
 * Each mark is written once by the thread that reaches it; the run thread's marks reach the event
 * loop, which builds the header, through the hop that brings the run's outcome back.
 */
public final class ServerTiming {

    public static final String HEADER = ServerTimingHeader.NAME;
    private static final long NONE = -1;

    /** The request at the router, or when it reached the service if that is not known. */
    private final long arrived;

    private final boolean routed;
    private final long started = System.nanoTime();
    private long claim = NONE;
    private long handedOver;
    private boolean handed;
    private long taken;
    private long handedBack;
    private boolean ranOnThread;
    private long run = NONE;
    private long resumed;
    private boolean stored;
    private long storedAt;

    /**
     * @param arrived {@link System#nanoTime} when the request reached the router (before
     *     authentication and the body), or null when it is not known (not a request, or one that no
     *     route marked): then {@code request} is left out and {@code total} starts here
     */
    ServerTiming(Long arrived) {
        this.routed = arrived != null;
        this.arrived = routed ? arrived : started;
    }

    /** The Idempotency-Key's claim (one statement) answered; {@code sent}: when it was sent. */
    void claimed(long sent) {
        claim = System.nanoTime() - sent;
    }

    /** The run is handed to admission, to wait for a run thread. */
    void handedOver() {
        handedOver = System.nanoTime();
        handed = true;
    }

    /** A run thread took the run. */
    void taken() {
        taken = System.nanoTime();
    }

    /** The run thread is done with the run (metrics and redaction included) and hands it back. */
    void handedBack() {
        handedBack = System.nanoTime();
        ranOnThread = true;
    }

    /** Back on the event loop with the run's outcome: its exact wall time, the one {@code usage.wallMs} is cut from. */
    void resumed(RunOutcome outcome) {
        resumed = System.nanoTime();
        run = outcome.wallNanos();
    }

    /** The row's write answered. */
    void stored() {
        storedAt = System.nanoTime();
        stored = true;
    }

    /**
     * The header's value now: each stage that happened, in order, then {@code total} until now.
     *
     * <ul>
     *   <li>{@code request}: the router to the service: authentication, the permission check, the
     *       body read, parsed and validated;
     *   <li>{@code prepare}: the service's own work before the run is handed over (screening, the
     *       row, with a key its hash), the claim's round trip left out;
     *   <li>{@code claim}: the Idempotency-Key's claim, one statement, from sending to its answer;
     *   <li>{@code queue}: the hand-off until a run thread took the run;
     *   <li>{@code run}: the run's exact wall time;
     *   <li>{@code runner}: the run thread's time around it (the pool's sandbox taken, the code
     *       fed, the output drained, the verdict, metrics, redaction);
     *   <li>{@code hop}: from the run thread handing the outcome back until the event loop runs it;
     *   <li>{@code store}: the row completed from the outcome, written, the write's answer;
     *   <li>{@code answer}: the result document and the response built up to this header.
     * </ul>
     */
    public String header() {
        long now = System.nanoTime();
        ServerTimingHeader value = new ServerTimingHeader();
        if (routed) {
            value.stage("request", started - arrived);
        }
        long beforeRun = handed ? handedOver : resumed;
        value.stage("prepare", beforeRun - started - Math.max(claim, 0)).stage("claim", claim);
        if (handed && ranOnThread) {
            value.stage("queue", taken - handedOver)
                    .stage("run", run)
                    .stage("runner", Math.max(0, handedBack - taken - run))
                    .stage("hop", resumed - handedBack);
        } else {
            value.stage("run", run);
        }
        if (stored) {
            value.stage("store", storedAt - resumed).stage("answer", now - storedAt);
        }
        return value.stage("total", now - arrived).value();
    }
}
