package ai.prometheus.shared.platform.mcp;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * 2026-07-28 {@code subscriptions/listen} is a POST to {@code /mcp} like any other message, but it
 * is answered by a stream that stays open: a different kind of resource method than the one that
 * answers a message with one response. The client names the method in the {@code Mcp-Method}
 * header, so such a POST is routed to {@link #LISTEN_PATH} before the body is read.
 */
@ApplicationScoped
public class McpListenRoute {

    public static final String LISTEN_PATH = "/mcp/subscriptions/listen";
    static final String LISTEN = "subscriptions/listen";
    /** Before the REST layer, after nothing that reads the body. */
    private static final int PRIORITY = 100;

    void register(@Observes Filters filters) {
        filters.register(
                context -> {
                    if (HttpMethod.POST.equals(context.request().method())
                            && "/mcp".equals(context.normalizedPath())
                            && LISTEN.equals(context.request().getHeader(McpTransport.METHOD_HEADER))) {
                        context.reroute(LISTEN_PATH);
                    } else {
                        context.next();
                    }
                },
                PRIORITY);
    }
}
