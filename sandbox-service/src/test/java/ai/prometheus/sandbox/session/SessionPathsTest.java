package ai.prometheus.sandbox.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.prometheus.shared.problem.ProblemException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionPathsTest {

    @Test
    void relativeNamesAreSplitIntoSegments() {
        assertEquals(List.of("data", "input.txt"), SessionStorage.segments("data/input.txt"));
        assertEquals(List.of(".hidden"), SessionStorage.segments(".hidden"));
    }

    @Test
    void namesThatLeaveTheWorkspaceAreRefused() {
        for (String bad : List.of(
                "",
                "/etc/passwd",
                "../x",
                "a/../../x",
                "a//b",
                "./x",
                "a/.",
                "x\0y",
                "a\\b",
                "a/".repeat(20) + "b",
                "x".repeat(256))) {
            ProblemException refused = assertThrows(ProblemException.class, () -> SessionStorage.segments(bad), bad);
            assertEquals("path", refused.errors().get(0).field());
        }
    }
}
