package ai.prometheus.memory.search;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Search latency by mode (hybrid, semantic, lexical) as a histogram with fixed buckets, measured
 * around the whole search call, failures included (outcome label), so nothing inside the search
 * needs to know about metrics.
 */
@ApplicationScoped
public class SearchMetrics {

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(20),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500)
    };

    private final MeterRegistry meters;

    public SearchMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public <T> Uni<T> timed(String mode, Supplier<Uni<T>> search) {
        String modeLabel = mode == null ? "hybrid" : mode;
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return search.get()
                    .onItemOrFailure()
                    .invoke((item, failure) -> Timer.builder("prometheus.memory.search.duration")
                            .description("Duration of memory searches, by mode and outcome (ok, failed)")
                            .serviceLevelObjectives(BUCKETS)
                            .tag("mode", modeLabel)
                            .tag("outcome", failure == null ? "ok" : "failed")
                            .register(meters)
                            .record(Duration.ofNanos(System.nanoTime() - start)));
        });
    }
}
