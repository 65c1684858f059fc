package ai.prometheus.registry.invocation;

import ai.prometheus.shared.platform.web.ServerTimingHeader;
import ai.prometheus.shared.sandbox.ExecutionResult;

/**
 * Where a synchronous invocation's time went in this service, for its answer's W3C
 * {@code Server-Timing} header ({@code admission;dur=1.204, sandbox;dur=9.871, run;dur=5.000,
 * record;dur=0.902, total;dur=12.310}): {@code admission} the permission, idempotency and argument
 * checks until the call to the sandbox; {@code sandbox} the call until its result (the request
 * written and the event stream read here, the hops both ways, the sandbox's path and the run);
 * {@code run} the run's own time inside that wait, as the sandbox reports it in {@code usage.wallMs}
 * (whole milliseconds: the event stream the registry reads has no room for the sandbox's own
 * header); {@code record} the invocation's row, events and charge
 * written; {@code total} from the request's arrival (after authentication and the body's
 * validation) until the answer. A stage that did not happen (a replay runs nothing) is left out.
 * The stages follow each other on one pipeline, each written once before the next begins.
 */
public final class InvocationTiming {

    private final long started = System.nanoTime();
    private long admission = -1;
    private long sandbox = -1;
    private long run = -1;
    private long record = -1;

    /** Admission ended: the call to the sandbox is about to be made (or an earlier answer replayed). */
    void admitted() {
        admission = System.nanoTime() - started;
    }

    /** The sandbox answered, or failed; {@code sent}: when it was called. */
    void answered(long sent, ExecutionResult result) {
        sandbox = System.nanoTime() - sent;
        if (result != null && result.usage() != null) {
            run = result.usage().wallMs() * 1_000_000L;
        }
    }

    /** The record's write answered; {@code sent}: when it was sent. */
    void recorded(long sent) {
        record = System.nanoTime() - sent;
    }

    /** The header's value now. */
    public String header() {
        return new ServerTimingHeader()
                .stage("admission", admission)
                .stage("sandbox", sandbox)
                .stage("run", run)
                .stage("record", record)
                .stage("total", System.nanoTime() - started)
                .value();
    }
}
