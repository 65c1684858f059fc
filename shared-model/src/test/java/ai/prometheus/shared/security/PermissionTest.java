package ai.prometheus.shared.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PermissionTest {

    @Test
    void parsesResourceActionAndTarget() {
        Permission permission = Permission.parse("tools:invoke:weather-*");
        assertEquals("tools", permission.resource());
        assertEquals("invoke", permission.action());
        assertEquals("weather-*", permission.target());
        assertEquals("tools:invoke:weather-*", permission.toString());
    }

    @Test
    void targetMayContainColonsAndPathCharacters() {
        assertEquals(
                "ctx:123/a@b.c", Permission.parse("memory:read:ctx:123/a@b.c").target());
    }

    @Test
    void starTargetMeansEveryTarget() {
        Permission permission = Permission.parse("tools:read:*");
        assertFalse(permission.hasTarget());
        assertEquals(Permission.parse("tools:read"), permission);
    }

    @Test
    void adminIsTheSuperGrant() {
        assertTrue(Permission.parse("admin").isAdmin());
        assertEquals("admin", Permission.ADMIN.toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "tools",
                "tools:",
                ":read",
                "tools::x",
                "*:read",
                "tools:*",
                "to*ls:read",
                "Tools:read",
                "tools:Read",
                "tools:read:",
                "tools:read:has space",
                "tools:read:semi;colon",
                "9tools:read",
                "tools read"
            })
    void rejectsMalformedPermissions(String text) {
        assertThrows(IllegalArgumentException.class, () -> Permission.parse(text));
        assertTrue(Permission.tryParse(text).isEmpty());
    }

    @Test
    void rejectsNullAndOverlongPermissions() {
        assertThrows(IllegalArgumentException.class, () -> Permission.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Permission.parse("tools:read:" + "x".repeat(300)));
    }

    @Test
    void wildcardInActionIsExplainedInTheMessage() {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> Permission.parse("tools:*"));
        assertTrue(error.getMessage().contains("wildcards are allowed in the target only"), error.getMessage());
    }

    @Test
    void withTargetNarrowsAPermission() {
        Permission narrowed = Permission.parse("tools:invoke").withTarget("weather");
        assertEquals("tools:invoke:weather", narrowed.toString());
        assertNull(Permission.parse("tools:invoke").target());
    }
}
