package ai.prometheus.memory.episode;

import ai.prometheus.shared.event.CallerClaims;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationFailed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * What an agent's memory keeps of one tool invocation: a sentence that reads well and embeds
 * well (tool, outcome, arguments, result or error), and the facts as metadata for filtering.
 */
public record Episode(
        UUID contextId,
        String content,
        ObjectNode metadata,
        double importance,
        String sourceRef,
        UUID invocationId,
        String caller,
        CallerClaims callerClaims,
        OffsetDateTime occurredAt) {

    static final int MAX_PART_CHARS = 2_000;

    static Episode of(ToolInvocationCompleted done, String source, OffsetDateTime eventTime) {
        requireTool(done.toolName());
        String content = "Tool " + done.toolName() + " v" + done.toolVersion() + " completed"
                + (done.caller() == null ? "" : " for " + done.caller())
                + " (status " + (done.status() == null ? "SUCCESS" : done.status()) + ")."
                + arguments(done.argumentsSummary())
                + " Result: " + truncate(render(done.result())) + ".";
        ObjectNode metadata = common(
                done.invocationId(),
                done.toolName(),
                done.toolVersion(),
                done.caller(),
                done.status(),
                done.latencyMs(),
                source,
                "completed");
        return new Episode(
                done.memoryContextId(),
                content,
                metadata,
                0.5,
                sourceRef(done.invocationId()),
                done.invocationId(),
                done.caller(),
                done.callerClaims(),
                occurredAt(done.finishedAt(), eventTime));
    }

    static Episode of(ToolInvocationFailed failed, String source, OffsetDateTime eventTime) {
        requireTool(failed.toolName());
        String content = "Tool " + failed.toolName() + " v" + failed.toolVersion() + " failed"
                + (failed.caller() == null ? "" : " for " + failed.caller())
                + " (status " + failed.status() + ")."
                + arguments(failed.argumentsSummary())
                + " Error: " + truncate(failed.errorMessage() == null ? "no message" : failed.errorMessage()) + ".";
        ObjectNode metadata = common(
                failed.invocationId(),
                failed.toolName(),
                failed.toolVersion(),
                failed.caller(),
                failed.status(),
                failed.latencyMs(),
                source,
                "failed");
        if (failed.exitCode() != null) {
            metadata.put("exitCode", failed.exitCode());
        }
        metadata.put("platformFault", failed.platformFault());
        // Failures are what an agent most needs to remember.
        return new Episode(
                failed.memoryContextId(),
                content,
                metadata,
                0.7,
                sourceRef(failed.invocationId()),
                failed.invocationId(),
                failed.caller(),
                failed.callerClaims(),
                occurredAt(failed.finishedAt(), eventTime));
    }

    /**
     * The episode happened when the invocation finished; an event without that says when it was
     * emitted, and one without either is dated by its write (null).
     */
    private static OffsetDateTime occurredAt(Instant finishedAt, OffsetDateTime eventTime) {
        return finishedAt != null ? finishedAt.atOffset(ZoneOffset.UTC) : eventTime;
    }

    private static ObjectNode common(
            UUID invocationId,
            String tool,
            int version,
            String caller,
            String status,
            long latencyMs,
            String source,
            String outcome) {
        ObjectNode metadata = JsonNodeFactory.instance.objectNode();
        metadata.put("outcome", outcome);
        metadata.put("tool", tool);
        metadata.put("toolVersion", version);
        if (invocationId != null) {
            metadata.put("invocationId", invocationId.toString());
        }
        if (caller != null) {
            metadata.put("caller", caller);
        }
        if (status != null) {
            metadata.put("status", status);
        }
        metadata.put("latencyMs", latencyMs);
        metadata.put("source", source);
        return metadata;
    }

    private static void requireTool(String toolName) {
        if (toolName == null || toolName.isBlank()) {
            throw new MalformedEventException("a tool invocation result must name its tool (toolName)");
        }
    }

    private static String arguments(String summary) {
        return summary == null || summary.isBlank() ? "" : " Arguments: " + truncate(summary) + ".";
    }

    private static String render(JsonNode result) {
        if (result == null || result.isNull()) {
            return "nothing";
        }
        return result.isTextual() ? result.asText() : result.toString();
    }

    private static String truncate(String text) {
        return text.length() <= MAX_PART_CHARS ? text : text.substring(0, MAX_PART_CHARS) + "…";
    }

    // An invocation is one episode: two invocations with the same outcome are still two episodes.
    private static String sourceRef(UUID invocationId) {
        return invocationId == null ? null : "invocation:" + invocationId;
    }
}
