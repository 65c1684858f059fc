package ai.prometheus.memory.context;

import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.Permission;
import ai.prometheus.shared.security.PrincipalKind;
import ai.prometheus.shared.util.Glob;
import java.util.List;

/**
 * The parts of a {@link Caller} that decide what it sees in the memory guild: who it is (matched
 * against owners and shares), and the memory permissions of its token.
 *
 * <p>An untargeted {@code memory:read} or {@code memory:write} is a capability (may use the API
 * at all), not a grant on every context: only {@code memory:admin} (or {@code admin}) sees every
 * context. A targeted permission such as {@code memory:read:<contextId>} grants that context
 * (and, like a share, everything below it).
 */
public record Viewer(
        String subject,
        String granteeType,
        List<String> groups,
        boolean administrator,
        List<Permission> targetedGrants) {

    public static Viewer of(Caller caller) {
        String type = switch (caller.kind() == null ? PrincipalKind.USER : caller.kind()) {
            case AGENT -> "agent";
            case USER -> "user";
            // A service acts for someone else; it sees only what is granted to it explicitly.
            case SERVICE -> "service";
        };
        boolean admin = caller.has(new Permission("memory", "admin", null));
        List<Permission> targeted = caller.permissions().stream()
                .filter(p -> !p.isAdmin() && p.resource().equals("memory") && p.hasTarget())
                .toList();
        return new Viewer(caller.subject(), type, List.copyOf(caller.groups()), admin, targeted);
    }

    /**
     * A caller known by its subject alone (an event from before events carried the caller's
     * claims): it has what it owns, and nothing granted to a kind, a group or a permission. The
     * grantee type matches no share, so a share to user {@code bob} is not taken for agent {@code bob}.
     */
    public static Viewer ofSubject(String subject) {
        return new Viewer(subject, "unknown", List.of(), false, List.of());
    }

    /**
     * Fails with 403 unless the token may use {@code memory:<action>} at all (for some target), for
     * endpoints whose target is decided inside, such as creating a child under a granted parent.
     */
    public static void requireCapability(Caller caller, String action) {
        if (!caller.mayAnyTarget("memory", action)) {
            throw ProblemException.forbidden("this operation requires the permission memory:" + action);
        }
    }

    /**
     * Fails with 403 unless the token holds {@code memory:<action>} for every context (not just for
     * some targets), as creating a root context needs: a root has no parent a targeted grant could name.
     */
    public static void requireGeneral(Caller caller, String action, String purpose) {
        if (!caller.has(new Permission("memory", action, null))) {
            throw ProblemException.forbidden(purpose + " requires the permission memory:" + action
                    + " for every context; a permission for some contexts only (memory:" + action
                    + ":<contextId>) allows creating children under those contexts");
        }
    }

    /** What the token's targeted memory permissions grant on {@code contextId}. */
    Access targetedAccess(String contextId) {
        Access access = Access.NONE;
        for (Permission grant : targetedGrants) {
            if (!Glob.matches(grant.target(), contextId)) {
                continue;
            }
            Access level = switch (grant.action()) {
                case "admin" -> Access.MANAGE;
                case "write" -> Access.WRITE;
                case "read" -> Access.READ;
                default -> Access.NONE;
            };
            access = Access.max(access, level);
        }
        return access;
    }
}
