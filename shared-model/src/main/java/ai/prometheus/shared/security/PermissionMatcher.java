package ai.prometheus.shared.security;

import ai.prometheus.shared.util.Glob;
import java.util.Collection;

/**
 * The one place that decides whether a granted permission covers a required one. Every service
 * and every check goes through here.
 */
public final class PermissionMatcher {

    private PermissionMatcher() {}

    /**
     * Whether {@code granted} covers {@code required}: same resource and action, and a grant
     * without target covers every target while a grant with a target pattern covers only the
     * targets the pattern matches. A required permission without target (the action in general)
     * is covered only by a grant for every target. {@code admin} covers everything.
     */
    public static boolean implies(Permission granted, Permission required) {
        if (granted.isAdmin()) {
            return true;
        }
        if (required.isAdmin()) {
            return false;
        }
        if (!granted.resource().equals(required.resource()) || !granted.action().equals(required.action())) {
            return false;
        }
        if (!granted.hasTarget()) {
            return true;
        }
        return required.hasTarget() && Glob.matches(granted.target(), required.target());
    }

    public static boolean anyImplies(Collection<Permission> granted, Permission required) {
        for (Permission permission : granted) {
            if (implies(permission, required)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether some grant covers {@code resource:action} for at least one target. Used to decide
     * whether a caller may call a listing endpoint at all, before filtering what it may see.
     */
    public static boolean anyTargetOf(Collection<Permission> granted, String resource, String action) {
        for (Permission permission : granted) {
            if (permission.isAdmin()
                    || (permission.resource().equals(resource)
                            && permission.action().equals(action))) {
                return true;
            }
        }
        return false;
    }
}
