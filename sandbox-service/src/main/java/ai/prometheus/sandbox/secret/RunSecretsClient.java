package ai.prometheus.sandbox.secret;

import ai.prometheus.shared.platform.security.ServiceIdentity;
import ai.prometheus.shared.sandbox.RunSecrets;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Fetches the secrets of an asynchronous tool invocation from the registry, as this service
 * (its identity carries {@code tools:secrets:read}), right before the run. The values live in
 * memory for that run only: never in the database, the events or the logs.
 */
@ApplicationScoped
public class RunSecretsClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final RegistryApi registry;
    private final ServiceIdentity identity;

    public RunSecretsClient(@RestClient RegistryApi registry, ServiceIdentity identity) {
        this.registry = registry;
        this.identity = identity;
    }

    /** The values of {@code names} for invocation {@code invocationId}; no call at all when it uses none. */
    public Uni<Map<String, String>> fetch(UUID invocationId, List<String> names) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Uni.createFrom()
                .deferred(() -> registry.secrets("Bearer " + identity.bearerToken(), invocationId))
                .ifNoItem()
                .after(TIMEOUT)
                .fail()
                .onFailure(RunSecretsClient::retryable)
                .retry()
                .withBackOff(Duration.ofMillis(200))
                .atMost(2)
                .onFailure()
                .transform(RunSecretsClient::explain)
                .map(RunSecrets::secrets)
                .map(values -> {
                    if (!values.keySet().containsAll(names)) {
                        throw new SecretsUnavailableException(
                                "the registry did not hand over every secret the tool uses");
                    }
                    return values;
                });
    }

    /** Why the run could not get its secrets, in words fit for the invocation's error (never a value). */
    public static final class SecretsUnavailableException extends RuntimeException {
        SecretsUnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    private static boolean retryable(Throwable failure) {
        return !(failure instanceof WebApplicationException web)
                || web.getResponse().getStatus() >= 500;
    }

    private static Throwable explain(Throwable failure) {
        if (failure instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            String detail = switch (status) {
                case 409 ->
                    "the registry refused: a secret the tool uses is not set, or the invocation is no longer pending";
                case 401, 403 -> "the registry refused this service's identity (it needs tools:secrets:read)";
                default -> "the registry answered HTTP " + status;
            };
            return new SecretsUnavailableException(detail);
        }
        return new SecretsUnavailableException(
                "the registry could not be reached: " + failure.getClass().getSimpleName());
    }
}
