package ai.prometheus.guardian;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.testing.KafkaProbe;
import java.time.Instant;
import java.util.Map;

/** Plays a service of the suite reporting an error over Kafka. */
public final class ErrorEvents {

    private static final EventCodec CODEC = new EventCodec();

    private ErrorEvents() {}

    /** Publishes the error as the service would (through its outbox) and answers the event id. */
    public static String publish(
            String service,
            String errorType,
            String message,
            String stackTrace,
            String traceId,
            Map<String, String> attributes) {
        CloudEvent event = CODEC.create(
                "/" + service,
                EventTypes.ERROR_REPORTED,
                "services/" + service,
                new ErrorReported(service, errorType, message, stackTrace, traceId, attributes, Instant.now()),
                null);
        KafkaProbe.send(Topics.ERRORS, "services/" + service, CODEC.encode(event));
        return event.id();
    }

    /** A failed tool invocation as the tool registry reports it. */
    public static String toolFailure(String tool, String status, String reason) {
        return publish(
                "tool-registry-service",
                "tool.invocation." + status,
                reason,
                null,
                null,
                Map.of(
                        "tool",
                        tool,
                        "toolVersion",
                        "1.0.0",
                        "invocationId",
                        java.util.UUID.randomUUID().toString(),
                        "status",
                        status.toUpperCase(java.util.Locale.ROOT),
                        "caller",
                        "agent-7"));
    }
}
