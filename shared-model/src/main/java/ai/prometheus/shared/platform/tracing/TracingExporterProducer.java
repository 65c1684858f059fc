package ai.prometheus.shared.platform.tracing;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Chooses the span exporter at run time. Quarkus' own OTLP exporter is fixed at build time and,
 * with no collector, retries a default address and logs failures forever; here spans are still
 * created and propagated (trace ids reach events and the guardian) but exported only when
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} (OTLP over HTTP, e.g. {@code http://collector:4318}) is set.
 */
@ApplicationScoped
public class TracingExporterProducer {

    private static final Logger LOG = Logger.getLogger(TracingExporterProducer.class);

    @Produces
    @Singleton
    SpanExporter spanExporter(@ConfigProperty(name = "prometheus.tracing.otlp-endpoint") Optional<String> endpoint) {
        if (endpoint.isEmpty() || endpoint.get().isBlank()) {
            LOG.debug("No OTLP endpoint configured: spans are not exported");
            return SpanExporter.composite(List.of());
        }
        String base = endpoint.get().replaceAll("/+$", "");
        LOG.infof("Exporting spans over OTLP/HTTP to %s", base);
        return OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build();
    }
}
