package ai.prometheus.sandbox.execution;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Marks when a run's request reached the router, before authentication and its body, so its
 * Server-Timing also shows that edge ({@code request}). One route, first in order; it only notes
 * the time for the one path that answers with the header and passes every request on. The route
 * has no path of its own and compares the raw path: a route with a path makes Vert.x decode every
 * request's path to match it, and answer a malformed percent-encoding with its own bare 400
 * before the service's problem details can name the parameter.
 */
@ApplicationScoped
public class RequestArrival {

    private static final String KEY = "sandbox.request-arrived";
    private static final String PATH = "/api/v1/executions";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            if (context.request().method() == HttpMethod.POST
                    && PATH.equals(context.request().path())) {
                context.put(KEY, System.nanoTime());
            }
            context.next();
        });
    }

    /** {@link System#nanoTime} when the request reached the router, or null when no route marked it. */
    static Long of(RoutingContext routing) {
        return routing == null ? null : routing.get(KEY);
    }
}
