package ai.prometheus.shared.platform.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Pattern;

/** Who this service is and where its tables live; set once per service in its application.properties. */
@ConfigMapping(prefix = "prometheus.service")
public interface ServiceConfig {

    /** The service name used as event source and in error reports, e.g. {@code sandbox-service}. */
    @WithName("name")
    String name();

    /** The Postgres schema this service owns; it also qualifies the outbox and processed-events tables. */
    @Pattern(regexp = "[a-z_][a-z0-9_]{0,62}")
    String schema();

    /** The CloudEvents {@code source} of every event this service emits. */
    default String eventSource() {
        return "/" + name();
    }
}
