package ai.prometheus.shared.security;

import java.util.Set;

/**
 * The authenticated caller of a request: subject, kind, groups and the effective permissions
 * (from the token's scopes plus its roles). Services use it for per-object decisions and audit.
 */
public record Caller(String subject, PrincipalKind kind, Set<String> groups, Set<Permission> permissions) {

    public static final Caller ANONYMOUS = new Caller(null, PrincipalKind.USER, Set.of(), Set.of());

    public Caller {
        groups = Set.copyOf(groups);
        permissions = Set.copyOf(permissions);
    }

    public boolean isAnonymous() {
        return subject == null;
    }

    public boolean isAdmin() {
        return permissions.contains(Permission.ADMIN);
    }

    public boolean has(Permission required) {
        return PermissionMatcher.anyImplies(permissions, required);
    }

    public boolean has(String required) {
        return has(Permission.parse(required));
    }

    /** {@code resource:action} on {@code target}, e.g. {@code may("tools", "invoke", "weather")}. */
    public boolean may(String resource, String action, String target) {
        return has(new Permission(resource, action, target));
    }

    public boolean mayAnyTarget(String resource, String action) {
        return PermissionMatcher.anyTargetOf(permissions, resource, action);
    }
}
