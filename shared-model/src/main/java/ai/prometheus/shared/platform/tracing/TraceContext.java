package ai.prometheus.shared.platform.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** The current OpenTelemetry trace, rendered the way events and logs carry it. */
public final class TraceContext {

    private TraceContext() {}

    /** The W3C {@code traceparent} of the current span, or null outside a trace. */
    public static String currentTraceparent() {
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid()) {
            return null;
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex();
    }

    /** The current trace id, or null outside a trace. */
    public static String currentTraceId() {
        SpanContext context = Span.current().getSpanContext();
        return context.isValid() ? context.getTraceId() : null;
    }

    /** The trace id inside a {@code traceparent}, or null. */
    public static String traceIdOf(String traceparent) {
        return traceparent == null || traceparent.length() < 35 ? null : traceparent.substring(3, 35);
    }
}
