package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import ai.prometheus.sandbox.runtime.SandboxStarts;
import ai.prometheus.shared.platform.metrics.DurationHistogram;
import ai.prometheus.shared.sandbox.EgressConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs as Prometheus metrics, whichever path asked for them (REST or the Kafka work queue): runs
 * by language, status and start (warm or cold), the run's wall time as the suite's duration
 * histogram ({@link DurationHistogram}), and the bytes its connections moved through the egress
 * proxy. Every label comes from a closed set, so the number of series stays small.
 */
// Created at start, so its meters are exported before the first use.
@Startup
@ApplicationScoped
public class RunMetrics {

    private final MeterRegistry meters;
    private final Counter bytesSent;
    private final Counter bytesReceived;

    public RunMetrics(MeterRegistry meters, SandboxRuntime runtime) {
        this.meters = meters;
        SandboxStarts starts = runtime.sandboxStarts();
        starts(meters, "pool", starts.pool());
        starts(meters, "cold", starts.cold());
        this.bytesSent = egressBytes(meters, "sent");
        this.bytesReceived = egressBytes(meters, "received");
    }

    /** Records one finished run; answers it unchanged, so it sits in a pipeline. */
    public RunOutcome ran(Language language, RunOutcome outcome) {
        String languageLabel = language.apiName();
        String status = outcome.status().name().toLowerCase(Locale.ROOT);
        Counter.builder("prometheus.sandbox.runs")
                .description("Finished sandbox runs, by language, status and start (warm: a pooled sandbox)")
                .tag("language", languageLabel)
                .tag("status", status)
                .tag("start", outcome.warm() ? "warm" : "cold")
                .register(meters)
                .increment();
        if (outcome.usage() != null) {
            DurationHistogram.builder(
                            "prometheus.sandbox.run.duration",
                            "Wall time of sandbox runs, from the start of the sandbox to the end of the program")
                    .tag("language", languageLabel)
                    .register(meters)
                    .record(DurationHistogram.millis(outcome.usage().wallMs()));
        }
        if (outcome.egress() != null) {
            for (EgressConnection connection : outcome.egress()) {
                bytesSent.increment(connection.bytesUp());
                bytesReceived.increment(connection.bytesDown());
            }
        }
        return outcome;
    }

    private static void starts(MeterRegistry meters, String kind, LongAdder count) {
        FunctionCounter.builder("prometheus.sandbox.starts", count, LongAdder::sum)
                .description("Sandboxes started, by kind (pool: warm ones, used or not; cold: for one run)")
                .tag("kind", kind)
                .register(meters);
    }

    private static Counter egressBytes(MeterRegistry meters, String direction) {
        return Counter.builder("prometheus.sandbox.egress")
                .baseUnit("bytes")
                .description("Bytes moved by runs through the egress proxy (sent: from the code, received: to it)")
                .tag("direction", direction)
                .register(meters);
    }
}
