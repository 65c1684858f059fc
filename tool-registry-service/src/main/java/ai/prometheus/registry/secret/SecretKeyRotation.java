package ai.prometheus.registry.secret;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Completes a master key rotation at start-up: data keys still wrapped by the previous key are
 * re-wrapped with the current one (only the small data keys change; secret values stay as they
 * are). Every replica may do it; a data key already re-wrapped is simply not found again. Data
 * keys of a key held neither as current nor previous are reported, not fatal.
 */
@ApplicationScoped
public class SecretKeyRotation {

    private static final Logger LOG = Logger.getLogger(SecretKeyRotation.class);

    void onStart(@Observes StartupEvent event, SecretService secrets) throws Throwable {
        if (!secrets.configured()) {
            LOG.warn("No secrets master key (PROMETHEUS_SECRETS_KEY or PROMETHEUS_SECRETS_KEY_FILE): tools that use"
                    + " secrets cannot be invoked and secrets cannot be set");
            return;
        }
        SecretService.RewrapOutcome outcome = VertxContextSupport.subscribeAndAwait(secrets::rewrapDataKeys);
        if (outcome.rewrapped() > 0) {
            LOG.infof("Re-wrapped %d tool data keys with the current secrets master key", outcome.rewrapped());
        }
        // Not a reason to refuse to start: only these tools' secrets are unusable, and an operator
        // needs the running service to delete and set them again.
        outcome.unknownMasterKeys()
                .forEach((keyId, tools) -> LOG.warnf(
                        "%d tools have secrets sealed with master key %s,"
                                + " which is neither the current nor the previous key: invoking them answers 409 secret-key-unknown until"
                                + " that key is configured as PROMETHEUS_SECRETS_PREVIOUS_KEY or their secrets are deleted and set again",
                        tools, keyId));
    }
}
