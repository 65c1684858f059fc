package ai.prometheus.shared.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The tool contract for progress and log lines: while it runs, tool code may write lines of the
 * form {@code ::prometheus:: {json}} on stderr, one event per line:
 * <ul>
 * <li>{@code {"progress": 50, "total": 100, "message": "half way"}} (total and message optional);
 * <li>{@code {"level": "info", "message": "started", "logger": "fetch"}} (level one of the syslog
 * levels MCP uses; logger optional).
 * </ul>
 * Any other stderr line is ordinary diagnostics. The sandbox reads each line as the run writes it
 * ({@link #line}) and publishes the events live; it also returns stderr with the result, so
 * {@link #parse} finds the same events again afterwards. Malformed event lines are kept as plain
 * stderr: a tool's typo never fails its call.
 */
public final class ToolEvents {

    public static final String PREFIX = "::prometheus::";
    /** At most this many events per run are kept (the first ones): a chatty loop cannot flood a client. */
    public static final int MAX_EVENTS = 200;

    private static final int MAX_MESSAGE = 2_000;
    public static final List<String> LEVELS =
            List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");
    private static final Set<String> LEVEL_SET = Set.copyOf(LEVELS);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ToolEvents() {}

    /**
     * The events in {@code stderr}, in order, each normalised to either
     * {@code {"type": "progress", "progress", "total"?, "message"?}} or
     * {@code {"type": "log", "level", "message", "logger"?}}.
     */
    public static List<JsonNode> parse(String stderr) {
        List<JsonNode> events = new ArrayList<>();
        if (stderr == null || !stderr.contains(PREFIX)) {
            return events;
        }
        for (String line : stderr.split("\n")) {
            if (events.size() >= MAX_EVENTS) {
                break;
            }
            JsonNode event = line(line);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    /** The event one stderr line carries, normalised as {@link #parse} does, or null for an ordinary line. */
    public static JsonNode line(String line) {
        String trimmed = line.strip();
        if (!trimmed.startsWith(PREFIX)) {
            return null;
        }
        JsonNode body;
        try {
            body = MAPPER.readTree(trimmed.substring(PREFIX.length()).strip());
        } catch (JsonProcessingException e) {
            return null;
        }
        if (body == null || !body.isObject()) {
            return null;
        }
        ObjectNode event = MAPPER.createObjectNode();
        if (body.path("progress").isNumber()) {
            event.put("type", "progress").set("progress", body.get("progress"));
            if (body.path("total").isNumber()) {
                event.set("total", body.get("total"));
            }
            if (body.path("message").isTextual()) {
                event.put("message", clip(body.get("message").asText()));
            }
            return event;
        }
        if (body.has("message")) {
            String level = body.path("level").asText("info").toLowerCase();
            event.put("type", "log").put("level", LEVEL_SET.contains(level) ? level : "info");
            JsonNode message = body.get("message");
            event.put("message", clip(message.isTextual() ? message.asText() : message.toString()));
            if (body.path("logger").isTextual()) {
                event.put("logger", clip(body.get("logger").asText()));
            }
            return event;
        }
        return null;
    }

    private static String clip(String text) {
        String clean = ToolOutput.text(text);
        return clean.length() > MAX_MESSAGE ? clean.substring(0, MAX_MESSAGE) + "…" : clean;
    }
}
