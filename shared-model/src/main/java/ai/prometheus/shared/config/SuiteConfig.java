package ai.prometheus.shared.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/**
 * The services that make up the suite, stated once for every service
 * ({@code PROMETHEUS_SUITE_SERVICES} overrides it). Their tokens are trusted as services by
 * default ({@code prometheus.security.service-subjects}), and the guardian attributes dead letters
 * and guards error reports by these names.
 */
@ConfigMapping(prefix = "prometheus.suite")
public interface SuiteConfig {

    @WithDefault("tool-registry-service,sandbox-service,memory-guild-service,guardian-service")
    List<String> services();
}
