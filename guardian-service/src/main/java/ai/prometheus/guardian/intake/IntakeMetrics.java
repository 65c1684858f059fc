package ai.prometheus.guardian.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Error intake and grouping as Prometheus counters (rates come from {@code rate()}): every error
 * received, by origin and outcome, and every stored one by what it did to its group. Counted after
 * the transaction that stored it committed; labels come from closed sets.
 */
@ApplicationScoped
public class IntakeMetrics {

    /** What storing an error did to its group. */
    public enum Grouping {
        NEW,
        EXISTING,
        REGRESSED
    }

    private final MeterRegistry meters;

    public IntakeMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void received(ErrorIntake.Origin origin, String outcome) {
        Counter.builder("prometheus.guardian.errors.received")
                .description("Errors the guardian received, by origin (suite: Kafka events, http: reported over HTTP)"
                        + " and outcome (stored, duplicate, rejected)")
                .tag("origin", origin.reportedBy() == null ? "suite" : "http")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }

    void grouped(Grouping grouping) {
        Counter.builder("prometheus.guardian.errors.grouped")
                .description("Stored errors by what they did to their group (new group, existing group, regression)")
                .tag("grouping", grouping.name().toLowerCase(java.util.Locale.ROOT))
                .register(meters)
                .increment();
    }
}
