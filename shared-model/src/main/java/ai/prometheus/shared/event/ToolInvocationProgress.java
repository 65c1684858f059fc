package ai.prometheus.shared.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * One progress or log event an asynchronous invocation's run wrote while it ran, as the sandbox
 * read it from the tool's stderr (see {@code ToolEvents}).
 *
 * @param invocationId the invocation whose run wrote it
 * @param sequence its place among the run's events, from 0: a reader drops one it already has
 * @param event {@code {"type": "progress", "progress", "total"?, "message"?}} or
 *     {@code {"type": "log", "level", "message", "logger"?}}
 */
public record ToolInvocationProgress(UUID invocationId, int sequence, JsonNode event) {}
