package ai.prometheus.shared.platform.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Set;

@ConfigMapping(prefix = "prometheus.security")
public interface SecurityConfig {

    /**
     * What each role in the token's {@code groups} claim grants, e.g.
     * {@code prometheus.security.role-permissions.agent=tools:read,tools:invoke}.
     */
    Map<String, List<String>> rolePermissions();

    /** The claim that says whether the subject is a user, an agent or a service. */
    @WithDefault("principal_type")
    String principalTypeClaim();

    /**
     * The subjects allowed to act as services of the suite. A token claiming the service type
     * counts as a service (and may name the caller it acts for in {@code X-On-Behalf-Of}) only
     * when its subject is listed here; any other is treated as a user. By default the suite's own
     * services ({@code prometheus.suite.services}); list them here too when adding a partner service.
     */
    @WithDefault("${prometheus.suite.services}")
    Set<String> serviceSubjects();
}
