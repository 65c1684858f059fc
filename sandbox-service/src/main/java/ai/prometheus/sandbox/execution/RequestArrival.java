package ai.prometheus.sandbox.execution;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Marks when a run's request reached the router, before authentication and its body, so its
 * Server-Timing also shows that edge ({@code request}). One route, first in order, on the one
 * path that answers with the header; it only notes the time and passes the request on.
 */
@ApplicationScoped
public class RequestArrival {

    private static final String KEY = "sandbox.request-arrived";

    void install(@Observes Router router) {
        router.post("/api/v1/executions").order(Integer.MIN_VALUE).handler(context -> {
            context.put(KEY, System.nanoTime());
            context.next();
        });
    }

    /** {@link System#nanoTime} when the request reached the router, or null when no route marked it. */
    static Long of(RoutingContext routing) {
        return routing == null ? null : routing.get(KEY);
    }
}
