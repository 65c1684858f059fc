package ai.prometheus.registry.permission;

import ai.prometheus.shared.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what a caller may do with one tool: the token's permissions (through shared-model's
 * matcher, targeted at the tool's name) combined with the tool's ACL and its owner.
 *
 * <ul>
 *   <li>read: {@code tools:read:<tool>} and (owner, or listed in read or manage);</li>
 *   <li>invoke: {@code tools:invoke:<tool>} and (owner, or listed in invoke);</li>
 *   <li>manage: {@code tools:manage:<tool>} (operators, the guardian), or
 *       {@code tools:write:<tool>} and (owner, or listed in manage).</li>
 * </ul>
 * {@code admin} may do everything.
 */
@ApplicationScoped
public class ToolAccess {

    public AccessDecision decide(Caller caller, ToolOwnership tool, ToolAction action) {
        if (caller.isAnonymous()) {
            return AccessDecision.deny("no authenticated caller");
        }
        if (caller.isAdmin()) {
            return AccessDecision.allow("admin");
        }
        String name = tool.name();
        boolean owner = caller.subject().equals(tool.owner());
        ToolAcl acl = tool.acl();
        return switch (action) {
            case READ -> {
                if (!caller.may("tools", "read", name)) {
                    yield AccessDecision.deny("the token does not grant tools:read:" + name);
                }
                if (owner) {
                    yield AccessDecision.allow("owner");
                }
                yield listed(acl.read(), caller) || listed(acl.manage(), caller)
                        ? AccessDecision.allow("listed in the tool's read list")
                        : AccessDecision.deny("not in the read list of tool " + name);
            }
            case INVOKE -> {
                if (!caller.may("tools", "invoke", name)) {
                    yield AccessDecision.deny("the token does not grant tools:invoke:" + name);
                }
                if (owner) {
                    yield AccessDecision.allow("owner");
                }
                yield listed(acl.invoke(), caller)
                        ? AccessDecision.allow("listed in the tool's invoke list")
                        : AccessDecision.deny("not in the invoke list of tool " + name);
            }
            case MANAGE -> {
                if (caller.may("tools", "manage", name)) {
                    yield AccessDecision.allow("the token grants tools:manage:" + name);
                }
                if (!caller.may("tools", "write", name)) {
                    yield AccessDecision.deny(
                            "the token grants neither tools:manage:" + name + " nor tools:write:" + name);
                }
                if (owner) {
                    yield AccessDecision.allow("owner");
                }
                yield listed(acl.manage(), caller)
                        ? AccessDecision.allow("listed in the tool's manage list")
                        : AccessDecision.deny("neither the owner nor in the manage list of tool " + name);
            }
        };
    }

    /** The ACL entries that name this caller: {@code *}, its subject and its groups. */
    public static List<String> principals(Caller caller) {
        List<String> principals = new ArrayList<>();
        principals.add("*");
        principals.add("subject:" + caller.subject());
        for (String group : caller.groups()) {
            principals.add("group:" + group);
        }
        return principals;
    }

    private static boolean listed(List<String> entries, Caller caller) {
        for (String principal : principals(caller)) {
            if (entries.contains(principal)) {
                return true;
            }
        }
        return false;
    }
}
