package ai.prometheus.sandbox.execution;

import java.util.UUID;

/**
 * The answer to a cancellation: {@code CANCELLING} while the replica running the invocation stops it
 * (it then ends {@code CANCELLED}), or the status the run had already ended with.
 */
public record RunCancellationView(UUID invocationId, String status) {

    public static final String CANCELLING = "CANCELLING";
}
