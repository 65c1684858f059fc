package ai.prometheus.registry.sandbox;

import java.util.UUID;

/**
 * The sandbox's answer to a cancellation: {@code CANCELLING} while it stops the run, or the status
 * the run had already ended with.
 */
public record RunCancellation(UUID invocationId, String status) {}
