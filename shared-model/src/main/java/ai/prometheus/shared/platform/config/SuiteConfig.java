package ai.prometheus.shared.platform.config;

import io.smallrye.config.ConfigMapping;
import java.util.List;

/**
 * The services that make up the suite, stated once for every service in shared-model's
 * {@code META-INF/microprofile-config.properties} ({@code PROMETHEUS_SUITE_SERVICES} overrides it).
 * Their tokens are trusted as services by default ({@code prometheus.security.service-subjects}),
 * and the guardian attributes dead letters and guards error reports by these names. A property,
 * not a mapping default, because the security setting's default refers to it and a mapping
 * default is not visible to other settings in a packaged service.
 */
@ConfigMapping(prefix = "prometheus.suite")
public interface SuiteConfig {

    List<String> services();
}
