package ai.prometheus.shared.platform.mcp;

import java.util.List;
import java.util.Optional;

/**
 * The operator's settings of a service's MCP transport, the DNS-rebinding protection
 * {@link McpTransportGuard} applies: a group of the service's config mapping under its
 * {@link McpService#configPrefix()} ({@code registry.mcp}, {@code memory.mcp}).
 */
public interface McpTransportSettings {

    /** Browser origins besides this machine's that may call /mcp (a browser-based MCP host); {@code *}: any. */
    Optional<List<String>> allowedOrigins();

    /** Host names (or host:port) /mcp answers under besides loopback ones; {@code *}: any. */
    Optional<List<String>> allowedHosts();
}
