package ai.prometheus.shared.platform.mcp;

import ai.prometheus.shared.problem.ProblemException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * What the MCP transport checks before anything else, as the specification asks of Streamable HTTP
 * servers:
 * <ul>
 * <li><b>DNS rebinding</b>: a request carrying an {@code Origin} is refused (403) unless that origin
 * is on this machine (localhost, 127.0.0.1, [::1]) or listed in {@code <service>.mcp.allowed-origins};
 * a request that reached the server on a loopback address must also name a loopback host (or one of
 * {@code <service>.mcp.allowed-hosts}) in {@code Host}: a page whose name was rebound to 127.0.0.1
 * names its own host there. Behind a real interface the Host is checked only when hosts are listed.
 * <li><b>Protocol version</b>: an {@code MCP-Protocol-Version} header this server does not speak is a
 * 400 naming the header and the versions it does speak (for a message's POST, the transport answers
 * it as a JSON-RPC error, see {@link McpServer#preflight}).
 * </ul>
 * It runs before authentication, so a rebinding page learns nothing, not even whether a token works.
 * It guards the resource classes that are {@link McpEndpoint}s; the lists come from the service's
 * {@link McpService}.
 */
public class McpTransportGuard {

    static final String PROTOCOL_VERSION_HEADER = McpTransport.PROTOCOL_VERSION_HEADER;
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Instance<McpService> services;

    public McpTransportGuard(Instance<McpService> services) {
        this.services = services;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 100)
    public void guard(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest connection) {
        if (resource.getResourceClass() == null || !McpEndpoint.class.isAssignableFrom(resource.getResourceClass())) {
            return;
        }
        McpService service = services.get();
        String origin = request.getHeaderString("Origin");
        if (origin != null && !originAllowed(service.allowedOrigins(), origin)) {
            throw ProblemException.forbidden("requests from origin " + origin + " are not accepted here (set" + " "
                    + service.configPrefix() + ".allowed-origins to allow a browser-based MCP host)");
        }
        String host = request.getHeaderString("Host");
        if (!hostAllowed(service.allowedHosts(), host, connection)) {
            throw ProblemException.forbidden("host " + host + " is not a name of this server (set" + " "
                    + service.configPrefix() + ".allowed-hosts to serve MCP under it)");
        }
        // A message's POST gets its answer from the transport, as a JSON-RPC error carrying the
        // request's id and the versions spoken; the guard answers for the other routes.
        boolean message = resource.getResourceMethod() != null
                && "post".equals(resource.getResourceMethod().getName());
        String version = request.getHeaderString(PROTOCOL_VERSION_HEADER);
        if (!message && version != null && !McpServer.PROTOCOL_VERSIONS.contains(version.trim())) {
            throw ProblemException.invalidField(
                    PROTOCOL_VERSION_HEADER,
                    "'" + version + "' is not a protocol version" + " this server speaks; it speaks "
                            + String.join(", ", McpServer.PROTOCOL_VERSIONS));
        }
    }

    private static boolean originAllowed(List<String> allowed, String origin) {
        if (allowed.contains("*") || allowed.contains(origin)) {
            return true;
        }
        try {
            URI uri = URI.create(origin.trim());
            return uri.getHost() != null && loopback(uri.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hostAllowed(List<String> allowed, String host, HttpServerRequest connection) {
        if (allowed.contains("*")) {
            return true;
        }
        String name = hostName(host);
        if (name != null
                && (loopback(name)
                        || allowed.stream().anyMatch(a -> a.equalsIgnoreCase(name) || a.equalsIgnoreCase(host)))) {
            return true;
        }
        boolean reachedOnLoopback = connection.localAddress() != null
                && connection.localAddress().host() != null
                && loopback(connection.localAddress().host());
        return !reachedOnLoopback && allowed.isEmpty();
    }

    /** The host part of a Host header, without the port; null when there is none. */
    static String hostName(String host) {
        if (host == null || host.isBlank()) {
            return null;
        }
        String value = host.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(0, end + 1);
        }
        int colon = value.lastIndexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    private static boolean loopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return LOOPBACK_NAMES.contains(name)
                || name.startsWith("127.")
                || name.equals("[0:0:0:0:0:0:0:1]")
                || name.equals("0:0:0:0:0:0:0:1");
    }
}
