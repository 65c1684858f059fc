package ai.prometheus.shared.sandbox;

import java.util.Map;

/**
 * The secret values of one asynchronous run, as the registry hands them to the sandbox
 * ({@code GET /api/v1/invocations/{id}/secrets}, service identities with {@code tools:secrets:read}
 * only). They exist in memory for the run and are never stored, logged or put on Kafka.
 */
public record RunSecrets(Map<String, String> secrets) {

    public RunSecrets {
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
    }

    /** Names only, so a logged value leaks nothing. */
    @Override
    public String toString() {
        return "RunSecrets" + secrets.keySet();
    }
}
