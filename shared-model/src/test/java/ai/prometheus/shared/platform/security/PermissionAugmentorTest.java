package ai.prometheus.shared.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.PrincipalKind;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

class PermissionAugmentorTest {

    private final PermissionAugmentor augmentor = new PermissionAugmentor(new SecurityConfig() {
        @Override
        public Map<String, List<String>> rolePermissions() {
            return Map.of("agent", List.of("tools:read", "tools:invoke"));
        }

        @Override
        public String principalTypeClaim() {
            return "principal_type";
        }

        @Override
        public Set<String> serviceSubjects() {
            return Set.of("tool-registry-service");
        }
    });

    private static DefaultJWTCallerPrincipal token(String subject, String type, String scope, List<String> groups) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(subject);
        claims.setClaim("principal_type", type);
        claims.setClaim("scope", scope);
        claims.setStringListClaim("groups", groups);
        return new DefaultJWTCallerPrincipal(claims);
    }

    private Caller callerOf(DefaultJWTCallerPrincipal token) {
        SecurityIdentity identity =
                QuarkusSecurityIdentity.builder().setPrincipal(token).build();
        SecurityIdentity augmented = augmentor.augment(identity, null).await().atMost(Duration.ofSeconds(5));
        return augmented.getAttribute(PermissionAugmentor.CALLER_ATTRIBUTE);
    }

    private Caller callerOf(String subject, String type, String scope, List<String> groups) {
        return callerOf(token(subject, type, scope, groups));
    }

    @Test
    void theCallerIsBuiltOncePerVerifiedTokenObject() {
        // The verified-token cache hands out the same object for every request with one token.
        DefaultJWTCallerPrincipal token = token("ada", "agent", "memory:read", List.of("agent"));
        Caller first = callerOf(token);
        assertSame(first, callerOf(token));
        // Another token object (another token, or the same one verified again) gets its own.
        Caller again = callerOf(token("ada", "agent", "memory:write", List.of()));
        assertNotSame(first, again);
        assertTrue(again.has("memory:write"));
        assertTrue(!again.has("memory:read"));
    }

    @Test
    void aListedServiceSubjectIsAService() {
        Caller caller = callerOf("tool-registry-service", "service", "sandbox:execute", List.of());
        assertEquals(PrincipalKind.SERVICE, caller.kind());
        assertTrue(caller.has("sandbox:execute"));
    }

    @Test
    void anyOtherSubjectClaimingToBeAServiceIsAUser() {
        // It may not speak for others (X-On-Behalf-Of) just because its token says "service".
        Caller caller = callerOf("mallory", "service", "sandbox:execute", List.of());
        assertEquals(PrincipalKind.USER, caller.kind());
        assertTrue(caller.has("sandbox:execute"), "its permissions are unchanged");
    }

    @Test
    void permissionsComeFromScopesAndRoles() {
        Caller caller = callerOf("ada", "agent", "memory:read", List.of("agent"));
        assertEquals(PrincipalKind.AGENT, caller.kind());
        assertEquals(Set.of("agent"), caller.groups());
        assertTrue(caller.has("memory:read"));
        assertTrue(caller.may("tools", "invoke", "weather"));
        assertTrue(!caller.has("tools:write"));
    }
}
