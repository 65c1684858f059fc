package ai.prometheus.shared.platform.mcp;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resources each MCP session subscribed to with {@code resources/subscribe} (2025-11-25), for
 * its GET stream. Kept in this replica's memory like {@link LogLevels}, bounded (least recently
 * touched sessions are forgotten first): a session whose GET stream lands on another replica than
 * its subscribe hears nothing there, which a 2026-07-28 client avoids (its subscriptions travel
 * with the listen request itself).
 */
@ApplicationScoped
public class ResourceSubscriptions {

    private static final int MAX_SESSIONS = 10_000;
    /** Per session: enough for any host, small enough that one session cannot fill the memory. */
    static final int MAX_PER_SESSION = 1_000;

    private final Map<String, Set<String>> bySession =
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
                    return size() > MAX_SESSIONS;
                }
            });

    /** False when the session already holds as many as it may. */
    public boolean subscribe(String session, String uri) {
        Set<String> uris = bySession.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet());
        if (uris.size() >= MAX_PER_SESSION && !uris.contains(uri)) {
            return false;
        }
        uris.add(uri);
        return true;
    }

    public void unsubscribe(String session, String uri) {
        Set<String> uris = bySession.get(session);
        if (uris != null) {
            uris.remove(uri);
        }
    }

    /** The session's subscriptions now (a live view: later subscribes show up in it). */
    public Set<String> of(String session) {
        return session == null ? Set.of() : bySession.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet());
    }
}
