package ai.prometheus.guardian.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.prometheus.shared.event.ErrorReported;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupingV2Test {

    private final GroupingV1 v1 = new GroupingV1();
    private final GroupingV2 v2 = new GroupingV2();

    private static ErrorReported failure(String tool, String message) {
        Map<String, String> attributes =
                tool == null ? Map.of("status", "RUNTIME_ERROR") : Map.of("tool", tool, "status", "RUNTIME_ERROR");
        return new ErrorReported(
                "tool-registry-service",
                "tool.invocation.runtime_error",
                message,
                null,
                null,
                attributes,
                Instant.now());
    }

    @Test
    void oneMessageFromTwoToolsIsTwoGroups() {
        assertNotEquals(
                v2.fingerprint(failure("get_weather", "exit 1")).hash(),
                v2.fingerprint(failure("get_stock", "exit 1")).hash());
        // Version 1 keeps grouping them together: it stays as it was.
        assertEquals(
                v1.fingerprint(failure("get_weather", "exit 1")).hash(),
                v1.fingerprint(failure("get_stock", "exit 1")).hash());
    }

    @Test
    void theSameToolStillGroupsAcrossVaryingMessages() {
        assertEquals(
                v2.fingerprint(failure("get_weather", "timeout after 5001 ms")).hash(),
                v2.fingerprint(failure("get_weather", "timeout after 7342 ms")).hash());
    }

    @Test
    void withoutAToolItIsVersionOnesBasis() {
        assertEquals(
                v1.fingerprint(failure(null, "exit 1")).basis(),
                v2.fingerprint(failure(null, "exit 1")).basis());
    }

    /** Pinned: stored groups depend on this exact value; a change here must be a new version. */
    @Test
    void fingerprintsArePinned() {
        Fingerprint fingerprint = v2.fingerprint(failure("get_weather", "exit 1"));
        assertEquals(2, fingerprint.version());
        assertEquals(
                v1.fingerprint(failure("get_weather", "exit 1")).basis() + "\ntool=get_weather", fingerprint.basis());
        assertEquals(GroupingV1.sha256(fingerprint.basis()), fingerprint.hash());
    }
}
