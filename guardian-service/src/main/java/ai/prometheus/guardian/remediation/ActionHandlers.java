package ai.prometheus.guardian.remediation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Every {@link ActionHandler} bean, by type name. */
@ApplicationScoped
public class ActionHandlers {

    private final Map<String, ActionHandler> byType = new TreeMap<>();

    public ActionHandlers(Instance<ActionHandler> handlers) {
        handlers.forEach(handler -> byType.put(handler.type(), handler));
    }

    public Optional<ActionHandler> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public ActionHandler get(String type) {
        return find(type).orElseThrow(() -> new IllegalStateException("no action handler for '" + type + "'"));
    }

    public Set<String> types() {
        return byType.keySet();
    }
}
