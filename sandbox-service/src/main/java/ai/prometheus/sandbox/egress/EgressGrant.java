package ai.prometheus.sandbox.egress;

import ai.prometheus.shared.sandbox.NetworkPolicy;

/**
 * What one run may do through the egress proxy: connect where {@code policy} allows, move at most
 * {@code maxBytes} (both directions together) over at most {@code maxConnections} connections.
 */
public record EgressGrant(NetworkPolicy policy, long maxBytes, int maxConnections) {}
