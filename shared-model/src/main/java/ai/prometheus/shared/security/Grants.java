package ai.prometheus.shared.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes a token's effective permissions: every well-formed entry of its {@code scope} (RFC
 * 9068, space separated), {@code scp} and {@code permissions} claims, plus what its
 * {@code groups} grant through the role mapping. Malformed entries are ignored rather than
 * failing the request; they simply grant nothing.
 */
public final class Grants {

    private Grants() {}

    public static Set<Permission> effective(
            String scope,
            Collection<String> explicit,
            Collection<String> groups,
            Map<String, List<String>> rolePermissions) {
        Set<Permission> result = new LinkedHashSet<>();
        if (scope != null) {
            for (String entry : scope.trim().split("\\s+")) {
                Permission.tryParse(entry).ifPresent(result::add);
            }
        }
        if (explicit != null) {
            for (String entry : explicit) {
                Permission.tryParse(entry).ifPresent(result::add);
            }
        }
        if (groups != null) {
            for (String group : groups) {
                for (String entry : rolePermissions.getOrDefault(group, List.of())) {
                    Permission.tryParse(entry.trim()).ifPresent(result::add);
                }
            }
        }
        return result;
    }
}
