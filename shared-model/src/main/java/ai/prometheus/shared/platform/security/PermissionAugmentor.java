package ai.prometheus.shared.platform.security;

import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.Grants;
import ai.prometheus.shared.security.Permission;
import ai.prometheus.shared.security.PrincipalKind;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Attaches the {@link Caller} (with its effective permissions) to every authenticated identity.
 * A caller depends only on its verified token and the configuration, and the verified-token cache
 * hands out the same token object for every request with that token, so the caller is built once
 * per token object and kept as long as that object lives (weak, identity-keyed; bounded): building
 * it (claims read, scopes and roles resolved) took about 0.2 ms of every request.
 */
@ApplicationScoped
public class PermissionAugmentor implements SecurityIdentityAugmentor {

    public static final String CALLER_ATTRIBUTE = "prometheus.caller";
    private static final Logger LOG = Logger.getLogger(PermissionAugmentor.class);

    private final SecurityConfig config;
    private final Cache<JsonWebToken, Caller> callers =
            Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

    public PermissionAugmentor(SecurityConfig config) {
        this.config = config;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        Caller caller = callers.get(jwt, this::callerOf);
        return Uni.createFrom()
                .item(QuarkusSecurityIdentity.builder(identity)
                        .addAttribute(CALLER_ATTRIBUTE, caller)
                        .build());
    }

    private Caller callerOf(JsonWebToken jwt) {
        Set<String> groups = jwt.getGroups() == null ? Set.of() : jwt.getGroups();
        Set<Permission> permissions =
                Grants.effective(scopeOf(jwt), strings(jwt.getClaim("permissions")), groups, config.rolePermissions());
        String subject = jwt.getSubject() != null ? jwt.getSubject() : jwt.getName();
        return new Caller(subject, kindOf(jwt, subject), groups, permissions);
    }

    /** The declared kind, except that only the suite's own service subjects may be services. */
    private PrincipalKind kindOf(JsonWebToken jwt, String subject) {
        PrincipalKind declared = PrincipalKind.fromClaim(text(jwt.getClaim(config.principalTypeClaim())));
        if (declared == PrincipalKind.SERVICE && !config.serviceSubjects().contains(subject)) {
            LOG.debugf(
                    "token of '%s' claims to be a service but is not one of the suite's; treated as a user", subject);
            return PrincipalKind.USER;
        }
        return declared;
    }

    private static String scopeOf(JsonWebToken jwt) {
        String scope = text(jwt.getClaim("scope"));
        // Some identity providers send "scp" as an array instead of "scope" as a string.
        List<String> scp = strings(jwt.getClaim("scp"));
        if (!scp.isEmpty()) {
            scope = (scope == null ? "" : scope + " ") + String.join(" ", scp);
        }
        return scope;
    }

    private static String text(Object claim) {
        if (claim instanceof JsonString json) {
            return json.getString();
        }
        return claim instanceof String s ? s : null;
    }

    private static List<String> strings(Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue value : array) {
                if (value instanceof JsonString s) {
                    values.add(s.getString());
                }
            }
        } else if (claim instanceof Collection<?> collection) {
            collection.forEach(value -> values.add(String.valueOf(value)));
        } else {
            String single = text(claim);
            if (single != null) {
                values.addAll(List.of(single.trim().split("\\s+")));
            }
        }
        return values;
    }
}
