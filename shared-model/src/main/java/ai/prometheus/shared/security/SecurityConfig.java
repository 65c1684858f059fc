package ai.prometheus.shared.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;

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
}
