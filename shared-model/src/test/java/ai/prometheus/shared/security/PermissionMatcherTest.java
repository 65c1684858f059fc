package ai.prometheus.shared.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PermissionMatcherTest {

    private static boolean implies(String granted, String required) {
        return PermissionMatcher.implies(Permission.parse(granted), Permission.parse(required));
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
        "tools:read, tools:read, true",
        "tools:read, tools:read:weather, true",
        "tools:read, tools:write, false",
        "tools:read, memory:read, false",
        "tools:invoke:weather, tools:invoke:weather, true",
        "tools:invoke:weather, tools:invoke:weather2, false",
        "tools:invoke:weather, tools:invoke, false",
        "tools:invoke:weather-*, tools:invoke:weather-now, true",
        "tools:invoke:weather-*, tools:invoke:weather-, true",
        "tools:invoke:weather-*, tools:invoke:news, false",
        "tools:invoke:weather-*, tools:invoke, false",
        "tools:invoke:*-prod, tools:invoke:db-prod, true",
        "tools:invoke:*-prod, tools:invoke:db-prod-2, false",
        "tools:invoke:a*b*c, tools:invoke:aXXbYYc, true",
        "tools:invoke:a*b*c, tools:invoke:aXXbYY, false",
        "tools:invoke:*, tools:invoke:anything, true",
        "tools:invoke:*, tools:invoke, true",
        "memory:read:ctx-1, memory:read:ctx-10, false",
        "admin, tools:invoke:x, true",
        "admin, guardian:admin, true",
        "admin, admin, true",
        "tools:write, admin, false",
    })
    void matches(String granted, String required, boolean expected) {
        assertEquals(expected, implies(granted, required));
    }

    @Test
    void wildcardIsLiteralInTheRequiredTarget() {
        // A caller cannot widen a request by asking for a target named with a star.
        assertFalse(implies("tools:invoke:weather", "tools:invoke:weather*"));
        assertTrue(implies("tools:invoke:weather*", "tools:invoke:weather*"));
    }

    @Test
    void globIsLinearOnHostilePatterns() {
        // Classic catastrophic-backtracking shape for regex engines; must answer immediately.
        String pattern = "a*a*a*a*a*a*a*a*a*a*a*a*b";
        String text = "a".repeat(5000);
        assertFalse(PermissionMatcher.implies(new Permission("t", "x", pattern), new Permission("t", "x", text)));
    }

    @Test
    void emptyScopesGrantNothing() {
        Set<Permission> none = Grants.effective("", List.of(), List.of(), Map.of());
        assertTrue(none.isEmpty());
        assertFalse(PermissionMatcher.anyImplies(none, Permission.parse("tools:read")));
        assertTrue(Grants.effective(null, null, null, Map.of()).isEmpty());
        assertTrue(Grants.effective("   ", List.of(), List.of(), Map.of()).isEmpty());
    }

    @Test
    void scopesPermissionsAndRolesAddUp() {
        Set<Permission> granted = Grants.effective(
                " tools:read  memory:write:ctx-1 ",
                List.of("errors:read"),
                List.of("operator", "unknown-role"),
                Map.of("operator", List.of("guardian:admin", " sandbox:read ")));
        assertEquals(
                Set.of(
                        Permission.parse("tools:read"),
                        Permission.parse("memory:write:ctx-1"),
                        Permission.parse("errors:read"),
                        Permission.parse("guardian:admin"),
                        Permission.parse("sandbox:read")),
                granted);
    }

    @Test
    void malformedGrantsAreIgnoredNotFatal() {
        Set<Permission> granted =
                Grants.effective("tools:* *:read tools:read bogus", List.of("::"), List.of(), Map.of());
        assertEquals(Set.of(Permission.parse("tools:read")), granted);
    }

    @Test
    void anyTargetOfTellsWhetherSomeTargetIsGranted() {
        Set<Permission> granted = Set.of(Permission.parse("tools:invoke:weather-*"));
        assertTrue(PermissionMatcher.anyTargetOf(granted, "tools", "invoke"));
        assertFalse(PermissionMatcher.anyTargetOf(granted, "tools", "read"));
        assertTrue(PermissionMatcher.anyTargetOf(Set.of(Permission.ADMIN), "tools", "read"));
    }

    @Test
    void callerChecksGoThroughTheMatcher() {
        Caller caller =
                new Caller("alice", PrincipalKind.AGENT, Set.of(), Set.of(Permission.parse("tools:invoke:weather-*")));
        assertTrue(caller.may("tools", "invoke", "weather-now"));
        assertFalse(caller.may("tools", "invoke", "news"));
        assertFalse(caller.has("tools:invoke"));
        assertFalse(caller.isAdmin());
        assertTrue(Caller.ANONYMOUS.isAnonymous());
    }
}
