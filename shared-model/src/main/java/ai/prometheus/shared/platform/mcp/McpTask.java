package ai.prometheus.shared.platform.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;

/**
 * A long tool call run as an MCP task, as a service knows it; {@link McpServer} renders it in the
 * shape of the negotiated protocol (2025-11-25 experimental tasks, or the 2026-07-28 tasks
 * extension), which differ in field names and in what a tool error is called.
 *
 * @param result the {@code CallToolResult} once {@code state} is {@link State#DONE} (a tool error has
 *        {@code isError}); null otherwise
 * @param error the JSON-RPC error object ({@code code}, {@code message}, maybe {@code data}) once
 *        {@code state} is {@link State#FAILED}; null otherwise
 */
public record McpTask(
        String taskId,
        State state,
        String statusMessage,
        OffsetDateTime createdAt,
        OffsetDateTime lastUpdatedAt,
        ObjectNode result,
        ObjectNode error) {

    /**
     * WORKING until the call has an outcome: DONE with its result (a tool error among them), FAILED
     * with a protocol error (the call could not produce a result at all), or CANCELLED by its caller.
     */
    public enum State {
        WORKING,
        DONE,
        FAILED,
        CANCELLED
    }

    /** A task that is working, done or cancelled: no protocol error. */
    public McpTask(
            String taskId,
            State state,
            String statusMessage,
            OffsetDateTime createdAt,
            OffsetDateTime lastUpdatedAt,
            ObjectNode result) {
        this(taskId, state, statusMessage, createdAt, lastUpdatedAt, result, null);
    }

    public boolean terminal() {
        return state != State.WORKING;
    }

    /**
     * What a {@code tools/call} that asked for a task led to: a task, or, when the call was refused
     * before anything started (permission, arguments), the tool result saying so at once.
     */
    public record Start(McpTask task, ObjectNode refusal) {

        public static Start of(McpTask task) {
            return new Start(task, null);
        }

        public static Start refused(ObjectNode result) {
            return new Start(null, result);
        }
    }

    /** @param nextCursor null on the last page */
    public record Page(java.util.List<McpTask> tasks, String nextCursor) {}
}
