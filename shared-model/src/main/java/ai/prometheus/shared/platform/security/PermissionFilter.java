package ai.prometheus.shared.platform.security;

import ai.prometheus.shared.platform.problem.ProblemResponses;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.Permission;
import ai.prometheus.shared.security.RequiresPermission;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Enforces {@link RequiresPermission} on every resource method: 401 without (or with an invalid)
 * token, 403 without the permission, as problem details. Authentication is lazy
 * ({@code quarkus.http.auth.proactive=false}) so that even a bad token gets a problem body.
 */
public class PermissionFilter {

    private static final Logger LOG = Logger.getLogger(PermissionFilter.class);
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    private final CurrentIdentityAssociation identities;
    private final CurrentCaller currentCaller;
    private final ProblemResponses responses;
    private final Instance<PermissionDenials> denials;
    private final Map<Method, Requirement> requirements = new ConcurrentHashMap<>();

    public PermissionFilter(
            CurrentIdentityAssociation identities,
            CurrentCaller currentCaller,
            ProblemResponses responses,
            Instance<PermissionDenials> denials) {
        this.identities = identities;
        this.currentCaller = currentCaller;
        this.responses = responses;
        this.denials = denials;
    }

    @ServerRequestFilter
    public Uni<Response> authorize(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return Uni.createFrom().nullItem();
        }
        Requirement requirement =
                requirements.computeIfAbsent(method, m -> Requirement.of(resource.getResourceClass(), m));
        if (requirement.permitAll()) {
            return Uni.createFrom().nullItem();
        }
        String path = slashed(request.getUriInfo().getPath());
        return identities
                .getDeferredIdentity()
                // Keep the resolved identity, so CurrentCaller (and anything injecting SecurityIdentity)
                // can read it on the IO thread; with lazy authentication it would otherwise have to block.
                .invoke(identity -> identities.setIdentity(identity))
                .chain(identity -> decide(identity, requirement, request, path))
                .onFailure(AuthenticationFailedException.class)
                .recoverWithItem(
                        () -> responses.of(ProblemType.UNAUTHORIZED, "the bearer token is invalid or expired", path));
    }

    private Uni<Response> decide(
            SecurityIdentity identity, Requirement requirement, ContainerRequestContext request, String path) {
        Caller caller = CurrentCaller.of(identity);
        currentCaller.set(caller);
        if (caller.isAnonymous()) {
            return Uni.createFrom()
                    .item(responses.of(ProblemType.UNAUTHORIZED, "a valid bearer token is required", path));
        }
        if (requirement.anyOf().isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        List<String> needed = new ArrayList<>();
        for (int i = 0; i < requirement.anyOf().size(); i++) {
            Permission fixed = requirement.parsed().get(i);
            Permission required =
                    fixed != null ? fixed : resolve(requirement.anyOf().get(i), request);
            if (caller.has(required)) {
                return Uni.createFrom().nullItem();
            }
            needed.add(required.toString());
        }
        Response forbidden = responses.of(
                ProblemType.FORBIDDEN, "this operation requires the permission " + String.join(" or ", needed), path);
        if (!denials.isResolvable()) {
            return Uni.createFrom().item(forbidden);
        }
        return denials.get()
                .denied(caller, request.getMethod(), path, List.copyOf(needed))
                .onFailure()
                .invoke(e -> LOG.warnf(
                        e, "could not record the refusal of %s %s to %s", request.getMethod(), path, caller.subject()))
                .onFailure()
                .recoverWithNull()
                .replaceWith(forbidden);
    }

    /** The request's path with one leading slash, as problem details name it. */
    static String slashed(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }

    // The target is built from the raw path value, not parsed: a path value with characters that
    // no grant pattern may contain must simply fail to match, not fail the request.
    private static Permission resolve(String template, ContainerRequestContext request) {
        if (template.indexOf('{') < 0) {
            return Permission.parse(template);
        }
        String[] parts = template.split(":", 3);
        if (parts.length < 3) {
            return Permission.parse(template);
        }
        Matcher matcher = PATH_PARAMETER.matcher(parts[2]);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String value = request.getUriInfo().getPathParameters().getFirst(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException("@RequiresPermission(\"" + template + "\") names a path parameter '"
                        + matcher.group(1) + "' that the route does not have");
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(resolved);
        return new Permission(parts[0], parts[1], resolved.toString());
    }

    /**
     * What a resource method requires: any one of {@code anyOf}; {@code parsed} holds, at the same
     * index, the permission of each template without a path parameter (parsed once, not on every
     * request), null for one resolved against the request's path.
     */
    record Requirement(boolean permitAll, List<String> anyOf, List<Permission> parsed) {

        static Requirement of(Class<?> resourceClass, Method method) {
            if (method.isAnnotationPresent(PermitAll.class)) {
                return new Requirement(true, List.of(), List.of());
            }
            RequiresPermission annotation = method.getAnnotation(RequiresPermission.class);
            if (annotation == null) {
                if (resourceClass.isAnnotationPresent(PermitAll.class)) {
                    return new Requirement(true, List.of(), List.of());
                }
                annotation = resourceClass.getAnnotation(RequiresPermission.class);
            }
            if (annotation == null) {
                return new Requirement(false, List.of(), List.of());
            }
            List<Permission> parsed = new ArrayList<>();
            for (String permission : annotation.value()) {
                // Fail at first use, loudly, on a typo in the annotation itself.
                Permission checked =
                        Permission.parse(PATH_PARAMETER.matcher(permission).replaceAll("x"));
                parsed.add(permission.indexOf('{') < 0 ? checked : null);
            }
            return new Requirement(false, List.of(annotation.value()), Collections.unmodifiableList(parsed));
        }
    }
}
