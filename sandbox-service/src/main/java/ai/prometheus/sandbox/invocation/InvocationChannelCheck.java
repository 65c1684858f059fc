package ai.prometheus.sandbox.invocation;

import ai.prometheus.sandbox.config.SandboxConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

/**
 * Refuses to start when the request channel would give up on a record that is legitimately still
 * being handled. The throttled commit strategy marks the channel unhealthy (and the probes then
 * restart the replica) once a record stays unprocessed longer than its
 * {@code unprocessed-record-max-age.ms}; a request may wait for a free place and then run for the
 * operator's maximum wall time, and the interrupted-run reaper only steps in after that plus its
 * grace. The channel must wait at least as long.
 */
@ApplicationScoped
public class InvocationChannelCheck {

    static final String MAX_AGE =
            "mp.messaging.incoming.tool-invocation-requests.throttled.unprocessed-record-max-age.ms";
    /** SmallRye Kafka's default when the property is absent. */
    static final long DEFAULT_MAX_AGE_MS = 60_000;

    void check(@Observes StartupEvent start, Config config, SandboxConfig sandbox) {
        long maxAge = config.getOptionalValue(MAX_AGE, Long.class).orElse(DEFAULT_MAX_AGE_MS);
        String problem = problem(
                maxAge,
                sandbox.limits().max().wallMs(),
                sandbox.recovery().grace().toMillis());
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    /** Why {@code maxAgeMs} is too short for the longest legitimate handling, or null when it is not. */
    static String problem(long maxAgeMs, long maxWallMs, long graceMs) {
        if (maxAgeMs <= 0) {
            return null; // monitoring switched off
        }
        long needed = maxWallMs + graceMs;
        if (maxAgeMs > needed) {
            return null;
        }
        return MAX_AGE + "=" + maxAgeMs + " must be above sandbox.limits.max.wall-ms (" + maxWallMs
                + ") plus sandbox.recovery.grace (" + graceMs + " ms): a tool invocation may take that long,"
                + " and the channel would be marked unhealthy while it runs";
    }
}
