package ai.prometheus.shared.platform.mcp;

/**
 * Marks a service's {@code /mcp} resource class: {@link McpTransportGuard} checks origin, host and
 * protocol version on its requests before anything else.
 */
public interface McpEndpoint {}
