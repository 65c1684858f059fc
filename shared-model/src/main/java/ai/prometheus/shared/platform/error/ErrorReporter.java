package ai.prometheus.shared.platform.error;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.platform.tracing.TraceContext;
import ai.prometheus.shared.platform.web.StorableText;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Reports an error to the guardian: an {@link ErrorReported} event written to this service's
 * outbox in a transaction of its own (the failed operation's transaction has usually rolled back),
 * then relayed to {@link Topics#ERRORS}. Reporting never fails the caller: if even the outbox
 * cannot be written, the error is logged and that is all.
 */
@ApplicationScoped
public class ErrorReporter {

    private static final Logger LOG = Logger.getLogger(ErrorReporter.class);
    static final int MAX_STACK_TRACE_CHARS = 16_000;
    static final int MAX_MESSAGE_CHARS = 4_000;

    private final Outbox outbox;
    private final EventCodec codec;
    private final ServiceConfig service;

    public ErrorReporter(Outbox outbox, EventCodec codec, ServiceConfig service) {
        this.outbox = outbox;
        this.codec = codec;
        this.service = service;
    }

    /** Reports a caught exception, with attributes that help find its cause (route, tool, ...). */
    public Uni<Void> report(Throwable error, Map<String, String> attributes) {
        return report(error.getClass().getName(), messageOf(error), stackTraceOf(error), attributes);
    }

    /** Reports a failure that is not an exception, such as a sandbox that could not isolate. */
    public Uni<Void> report(String errorType, String message, String stackTrace, Map<String, String> attributes) {
        CloudEvent event = event(errorType, message, stackTrace, attributes);
        return outbox.addStandalone(Topics.ERRORS, event)
                .onFailure()
                .invoke(failure -> LOG.errorf(
                        failure, "Could not record error report %s (%s) in the outbox", event.id(), errorType))
                .onFailure()
                .recoverWithNull();
    }

    /**
     * Reports a failure inside the caller's transaction, for a failure that is itself recorded by
     * that transaction (a row marked failed, a failed result event): the report is written if and
     * only if the transaction commits, so it is neither lost nor sent for a change that rolled back.
     * Unlike {@link #report}, a failure to write it fails the transaction.
     */
    public Uni<Void> reportInTransaction(
            String errorType, String message, String stackTrace, Map<String, String> attributes) {
        return outbox.add(Topics.ERRORS, event(errorType, message, stackTrace, attributes));
    }

    private CloudEvent event(String errorType, String message, String stackTrace, Map<String, String> attributes) {
        // A report is often about input the database refused: it must be storable itself.
        Map<String, String> storableAttributes = new LinkedHashMap<>();
        if (attributes != null) {
            attributes.forEach(
                    (key, value) -> storableAttributes.put(StorableText.sanitize(key), StorableText.sanitize(value)));
        }
        ErrorReported payload = new ErrorReported(
                service.name(),
                StorableText.sanitize(errorType),
                StorableText.sanitize(truncate(message, MAX_MESSAGE_CHARS)),
                stackTrace == null ? null : StorableText.sanitize(truncate(stackTrace, MAX_STACK_TRACE_CHARS)),
                TraceContext.currentTraceId(),
                storableAttributes,
                Instant.now());
        return codec.create(
                service.eventSource(),
                EventTypes.ERROR_REPORTED,
                "services/" + service.name(),
                payload,
                TraceContext.currentTraceparent());
    }

    private static String messageOf(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    private static String stackTraceOf(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "…[truncated]";
    }
}
