package ai.prometheus.shared.event;

import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.Permission;
import ai.prometheus.shared.security.PrincipalKind;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an invocation event says about its caller beyond the subject: principal kind, groups and
 * effective permissions when the tool was invoked. A consumer that acts on the caller's behalf
 * (the memory guild writes an episode only where the caller may write) decides with them. Events
 * from before they existed carry none; consumers then decide by the subject alone.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallerClaims(PrincipalKind kind, List<String> groups, List<String> permissions) {

    public CallerClaims {
        groups = groups == null ? List.of() : List.copyOf(groups);
        permissions = permissions == null ? List.of() : List.copyOf(permissions);
    }

    /** The claims of {@code caller}, sorted so the same caller always yields the same payload. */
    public static CallerClaims of(Caller caller) {
        return new CallerClaims(
                caller.kind(),
                caller.groups().stream().sorted().toList(),
                caller.permissions().stream().map(Permission::toString).sorted().toList());
    }

    /**
     * The claims of {@code caller} its consumers need: only permissions on {@code resource} (and
     * admin), so an event does not spread everything a token grants to every reader of the topic.
     */
    public static CallerClaims of(Caller caller, String resource) {
        return new CallerClaims(
                caller.kind(),
                caller.groups().stream().sorted().toList(),
                caller.permissions().stream()
                        .filter(p -> p.isAdmin() || p.resource().equals(resource))
                        .map(Permission::toString)
                        .sorted()
                        .toList());
    }

    /** The caller these claims describe, named {@code subject}; malformed permissions grant nothing. */
    public Caller toCaller(String subject) {
        Set<Permission> parsed = permissions.stream()
                .map(text -> Permission.tryParse(text).orElse(null))
                .filter(Objects::nonNull)
                .collect(Collectors.toSet());
        return new Caller(subject, kind, Set.copyOf(groups), parsed);
    }
}
