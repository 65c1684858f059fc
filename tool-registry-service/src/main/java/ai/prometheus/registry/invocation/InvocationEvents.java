package ai.prometheus.registry.invocation;

import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.registry.tool.ToolVersion;
import ai.prometheus.shared.event.ArgumentsSummary;
import ai.prometheus.shared.event.CallerClaims;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.tracing.TraceContext;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The events an invocation emits: requested (async), completed or failed, and an error report on failure. */
@ApplicationScoped
public class InvocationEvents {

    private final EventCodec codec;
    private final ServiceConfig service;
    private final RegistryConfig config;

    public InvocationEvents(EventCodec codec, ServiceConfig service, RegistryConfig config) {
        this.codec = codec;
        this.service = service;
        this.config = config;
    }

    // The caller's claims travel with the events so consumers acting on its behalf (the memory
    // guild's episodes) can check what it may do; the invocation row keeps only the subject.
    // Only its memory permissions travel: that is all a consumer decides with.
    private static final String MEMORY = "memory";

    CloudEvent requested(Invocation invocation, ToolVersion version, ExecutionLimits limits, Caller caller) {
        return create(
                EventTypes.TOOL_INVOCATION_REQUESTED,
                invocation,
                new ToolInvocationRequested(
                        invocation.id,
                        invocation.toolName,
                        invocation.toolVersion,
                        invocation.fingerprint,
                        version.language,
                        version.code,
                        invocation.arguments,
                        limits,
                        invocation.caller,
                        invocation.memoryContextId,
                        CallerClaims.of(caller, MEMORY),
                        version.network,
                        version.secretNames().isEmpty() ? null : version.secretNames()));
    }

    CloudEvent completed(Invocation invocation, Caller caller) {
        return create(
                EventTypes.TOOL_INVOCATION_COMPLETED,
                invocation,
                new ToolInvocationCompleted(
                        invocation.id,
                        invocation.toolName,
                        invocation.toolVersion,
                        invocation.caller,
                        invocation.memoryContextId,
                        invocation.sandboxStatus,
                        invocation.result(),
                        summary(invocation.arguments),
                        usage(invocation),
                        latency(invocation),
                        invocation.createdAt.toInstant(),
                        finished(invocation),
                        CallerClaims.of(caller, MEMORY),
                        invocation.egress));
    }

    CloudEvent failed(Invocation invocation, boolean platformFault, Caller caller) {
        return create(
                EventTypes.TOOL_INVOCATION_FAILED,
                invocation,
                new ToolInvocationFailed(
                        invocation.id,
                        invocation.toolName,
                        invocation.toolVersion,
                        invocation.caller,
                        invocation.memoryContextId,
                        invocation.sandboxStatus,
                        invocation.errorMessage,
                        invocation.exitCode,
                        platformFault,
                        summary(invocation.arguments),
                        usage(invocation),
                        latency(invocation),
                        invocation.createdAt.toInstant(),
                        finished(invocation),
                        CallerClaims.of(caller, MEMORY),
                        invocation.egress));
    }

    /**
     * The guardian learns of every failed invocation as an error of type
     * {@code tool.invocation.<status>} with the tool in its attributes, which is what its
     * grouping and remediation rules match on.
     */
    CloudEvent errorReport(Invocation invocation) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("tool", invocation.toolName);
        attributes.put("toolVersion", Integer.toString(invocation.toolVersion));
        attributes.put("invocationId", invocation.id.toString());
        attributes.put("status", invocation.sandboxStatus);
        attributes.put("caller", invocation.caller);
        String type = "tool.invocation." + invocation.sandboxStatus.toLowerCase(Locale.ROOT);
        ErrorReported error = new ErrorReported(
                service.name(),
                type,
                invocation.errorMessage,
                null,
                invocation.traceId,
                attributes,
                finished(invocation));
        return codec.create(
                service.eventSource(),
                EventTypes.ERROR_REPORTED,
                "tools/" + invocation.toolName,
                error,
                TraceContext.currentTraceparent());
    }

    /** A short rendering of the arguments, for events and memory; never the whole payload. */
    String summary(JsonNode arguments) {
        return ArgumentsSummary.of(arguments, config.invocation().summaryChars());
    }

    private CloudEvent create(String type, Invocation invocation, Object payload) {
        return codec.create(
                service.eventSource(),
                type,
                "invocations/" + invocation.id,
                payload,
                TraceContext.currentTraceparent());
    }

    private static ExecutionUsage usage(Invocation invocation) {
        if (invocation.wallMs == null) {
            return null;
        }
        return new ExecutionUsage(
                invocation.wallMs, nz(invocation.cpuMs), nz(invocation.peakMemoryBytes), nz(invocation.outputBytes));
    }

    private static long latency(Invocation invocation) {
        return invocation.latencyMs == null ? 0 : invocation.latencyMs;
    }

    private static Instant finished(Invocation invocation) {
        return invocation.finishedAt == null ? Instant.now() : invocation.finishedAt.toInstant();
    }

    private static long nz(Long value) {
        return value == null ? 0 : value;
    }
}
