package ai.prometheus.sandbox.invocation;

import ai.prometheus.sandbox.execution.Execution;
import ai.prometheus.sandbox.execution.ExecutionRecords;
import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.shared.event.ArgumentsSummary;
import ai.prometheus.shared.event.CallerClaims;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.ToolInvocationProgress;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.tracing.TraceContext;
import ai.prometheus.shared.sandbox.EgressSummary;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import ai.prometheus.shared.sandbox.ToolOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Builds the result events of tool invocations: completed when the code ran OK, failed otherwise. */
@ApplicationScoped
public class InvocationEvents {

    static final int MAX_SUMMARY = 500;
    static final int MAX_STDERR_IN_MESSAGE = 2000;
    /** Room for a completed event's fields besides its result (usage, claims, egress summary). */
    static final int ENVELOPE_BYTES = 16 * 1024;

    private final EventCodec codec;
    private final ServiceConfig service;

    public InvocationEvents(EventCodec codec, ServiceConfig service) {
        this.codec = codec;
        this.service = service;
    }

    /**
     * The event for a finished invocation. A result larger than {@code maxResultBytes} travels by
     * reference: the event carries its start, cut by {@link ai.prometheus.shared.event.EventBudget}
     * and named in {@code truncatedFields}, and the full value stays in the execution row, served
     * to the registry at {@code GET /api/v1/executions/invocations/{invocationId}/result}.
     */
    public CloudEvent resultOf(
            Execution row, RunOutcome outcome, Instant startedAt, int maxResultBytes, String traceparent) {
        Instant finishedAt = outcome.finishedAt() == null ? Instant.now() : outcome.finishedAt();
        long latencyMs = Math.max(0, finishedAt.toEpochMilli() - startedAt.toEpochMilli());
        String stdout = outcome.stdout() == null ? "" : outcome.stdout();
        int stdoutBytes = stdout.getBytes(StandardCharsets.UTF_8).length;
        if (outcome.status() == ExecutionStatus.OK) {
            // A large result is cut as text: parsing megabytes of JSON only to cut it is waste.
            ToolInvocationCompleted completed = new ToolInvocationCompleted(
                    row.invocationId,
                    row.toolName,
                    version(row),
                    row.onBehalfOf,
                    row.memoryContextId,
                    ExecutionStatus.OK.name(),
                    stdoutBytes <= maxResultBytes
                            ? ToolOutput.parse(stdout)
                            : TextNode.valueOf(ToolOutput.text(stdout)),
                    row.argumentsSummary,
                    outcome.usage(),
                    latencyMs,
                    startedAt,
                    finishedAt,
                    row.callerClaims,
                    EgressSummary.of(ExecutionRecords.egressOf(row)));
            return event(
                    EventTypes.TOOL_INVOCATION_COMPLETED,
                    row.invocationId,
                    completed,
                    traceparent,
                    maxResultBytes + ENVELOPE_BYTES);
        }
        return failed(
                row,
                outcome.status(),
                messageOf(outcome),
                outcome.exitCode(),
                outcome.usage(),
                latencyMs,
                startedAt,
                finishedAt,
                traceparent);
    }

    public CloudEvent failed(
            Execution row,
            ExecutionStatus status,
            String message,
            Integer exitCode,
            ExecutionUsage usage,
            long latencyMs,
            Instant startedAt,
            Instant finishedAt,
            String traceparent) {
        ToolInvocationFailed failed = new ToolInvocationFailed(
                row.invocationId,
                row.toolName,
                version(row),
                row.onBehalfOf,
                row.memoryContextId,
                status.name(),
                message,
                exitCode,
                status.platformFault(),
                row.argumentsSummary,
                usage,
                latencyMs,
                startedAt,
                finishedAt,
                row.callerClaims,
                EgressSummary.of(ExecutionRecords.egressOf(row)));
        return event(EventTypes.TOOL_INVOCATION_FAILED, row.invocationId, failed, traceparent);
    }

    /** A refusal of a request that never became an execution (unknown language, limits above the maxima). */
    public CloudEvent refused(
            UUID invocationId,
            String toolName,
            int toolVersion,
            String caller,
            CallerClaims callerClaims,
            UUID memoryContextId,
            String argumentsSummary,
            String reason,
            String traceparent) {
        Instant now = Instant.now();
        ToolInvocationFailed failed = new ToolInvocationFailed(
                invocationId,
                toolName,
                toolVersion,
                caller,
                memoryContextId,
                ExecutionStatus.POLICY_DENIED.name(),
                reason,
                null,
                false,
                argumentsSummary,
                new ExecutionUsage(0, 0, 0, 0),
                0,
                now,
                now,
                callerClaims,
                null);
        return event(EventTypes.TOOL_INVOCATION_FAILED, invocationId, failed, traceparent);
    }

    /** A compact rendering of the arguments, at most {@value #MAX_SUMMARY} characters, for episodic memory. */
    public static String summarize(JsonNode arguments) {
        return ArgumentsSummary.of(arguments, MAX_SUMMARY);
    }

    /** The result continues the request's trace when the request carried one, else the current one. */
    /** One progress or log line of a running invocation, as the tool wrote it. */
    CloudEvent progress(UUID invocationId, int sequence, JsonNode event, String traceparent) {
        return event(
                EventTypes.TOOL_INVOCATION_PROGRESS,
                invocationId,
                new ToolInvocationProgress(invocationId, sequence, event),
                traceparent);
    }

    private CloudEvent event(String type, UUID invocationId, Object payload, String requestTraceparent) {
        return event(type, invocationId, payload, requestTraceparent, EventCodec.MAX_DATA_BYTES);
    }

    private CloudEvent event(
            String type, UUID invocationId, Object payload, String requestTraceparent, int maxDataBytes) {
        String traceparent = requestTraceparent != null ? requestTraceparent : TraceContext.currentTraceparent();
        return codec.create(
                service.eventSource(), type, "invocations/" + invocationId, payload, traceparent, maxDataBytes);
    }

    private static String messageOf(RunOutcome outcome) {
        String message = outcome.message() == null ? outcome.status().name() : outcome.message();
        String stderr = outcome.stderr() == null ? "" : outcome.stderr().strip();
        if (stderr.isEmpty()) {
            return ToolOutput.text(message);
        }
        String tail = stderr.length() <= MAX_STDERR_IN_MESSAGE
                ? stderr
                : "…" + stderr.substring(stderr.length() - MAX_STDERR_IN_MESSAGE);
        return ToolOutput.text(message + "\n" + tail);
    }

    private static int version(Execution row) {
        return row.toolVersion == null ? 0 : row.toolVersion;
    }
}
