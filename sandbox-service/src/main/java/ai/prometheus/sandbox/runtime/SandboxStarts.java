package ai.prometheus.sandbox.runtime;

import java.util.concurrent.atomic.LongAdder;

/**
 * Sandboxes started since the service started: for the warm pool (used or not) and cold for one
 * run (including the start-up probe's). More starts than runs are work no run used. Plain
 * counters, so a metric can read them without going through the runtime's bean.
 */
public record SandboxStarts(LongAdder pool, LongAdder cold) {

    static SandboxStarts none() {
        return new SandboxStarts(new LongAdder(), new LongAdder());
    }
}
