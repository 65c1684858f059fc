package ai.prometheus.shared.sandbox;

import java.util.UUID;

/**
 * The whole stdout of an asynchronous invocation whose result event carried only its start (the
 * event lists {@code result} in {@code truncatedFields}): served by the sandbox, fetched by the
 * registry with its service identity.
 */
public record InvocationOutput(UUID invocationId, String stdout) {}
