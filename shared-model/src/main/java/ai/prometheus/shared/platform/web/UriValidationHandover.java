package ai.prometheus.shared.platform.web;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Hands URI validation from Quarkus' root HTTP handler to {@link RequestLimits}. Quarkus answers a
 * URI {@code java.net.URI} cannot parse (a broken escape such as {@code %ZZ}) with an empty 400
 * before any route runs, unless the system property {@code vertx.disableURIValidation} is set
 * when the server starts; RequestLimits then validates the URI the same way and answers problem
 * details naming the parameter. Config sources are loaded before anything else of the
 * application, which makes this the one place early enough to set it; it provides no configuration.
 */
public class UriValidationHandover implements ConfigSource {

    static {
        System.setProperty("vertx.disableURIValidation", "true");
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of();
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of();
    }

    @Override
    public String getValue(String propertyName) {
        return null;
    }

    @Override
    public String getName() {
        return "prometheus-uri-validation-handover";
    }

    @Override
    public int getOrdinal() {
        return 0;
    }
}
