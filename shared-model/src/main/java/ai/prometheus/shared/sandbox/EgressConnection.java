package ai.prometheus.shared.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One connection a run asked its egress proxy for: a {@code CONNECT} tunnel or one forwarded plain
 * HTTP request.
 *
 * @param host the host the code asked for, as it asked
 * @param port the port it asked for
 * @param resolvedAddress the address the proxy connected to (or refused after resolving), if it got that far
 * @param allowed whether the proxy let it through
 * @param reason why it was refused, or null
 * @param bytesUp bytes from the code to the host
 * @param bytesDown bytes from the host to the code
 * @param durationMs from the request to the end of the connection
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EgressConnection(
        String host,
        int port,
        String resolvedAddress,
        boolean allowed,
        String reason,
        long bytesUp,
        long bytesDown,
        long durationMs) {}
