package ai.prometheus.shared.platform.mcp;

import ai.prometheus.shared.sandbox.ToolEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The level each MCP session asked for with {@code logging/setLevel}: tool log lines below it are
 * not forwarded. Kept in this replica's memory, bounded (least recently set sessions are forgotten
 * first, falling back to the default): a session that lands on another replica gets the default
 * there, which at worst sends it more lines than it asked for.
 */
@ApplicationScoped
public class LogLevels {

    /** Without a setLevel, a session hears info and above. */
    public static final String DEFAULT = "info";

    private static final int MAX_SESSIONS = 10_000;

    private final Map<String, String> levels = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_SESSIONS;
        }
    });

    public static boolean known(String level) {
        return ToolEvents.LEVELS.contains(level);
    }

    public void set(String session, String level) {
        if (session != null) {
            levels.put(session, level);
        }
    }

    /** Whether a line at {@code level} is at or above {@code threshold}. */
    public static boolean atLeast(String level, String threshold) {
        return ToolEvents.LEVELS.indexOf(level) >= ToolEvents.LEVELS.indexOf(threshold);
    }

    /** Whether a line at {@code level} reaches {@code session}. */
    public boolean passes(String session, String level) {
        String threshold = session == null ? DEFAULT : levels.getOrDefault(session, DEFAULT);
        return ToolEvents.LEVELS.indexOf(level) >= ToolEvents.LEVELS.indexOf(threshold);
    }
}
