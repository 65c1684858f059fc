package ai.prometheus.sandbox.screening;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.testing.Engines;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The production policy: hostile code is refused before it runs, with its findings. */
@QuarkusTest
@TestProfile(ScreeningEnforcedTest.Enforcing.class)
class ScreeningEnforcedTest {

    public static class Enforcing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sandbox.screening.mode",
                    "enforce",
                    "sandbox.screening.rules.network",
                    "warn",
                    "sandbox.pool.size",
                    "0");
        }
    }

    @Test
    void hostileCodeIsDeniedBeforeItRunsAndTheRefusalIsStored() throws Exception {
        String id = SandboxApi.run("python", "import os\nprint('started')\nwhile True:\n    os.fork()\n")
                .body("status", equalTo("POLICY_DENIED"))
                .body("stdout", equalTo(""))
                .body("screening.verdict", equalTo("DENY"))
                .body("screening.findings.rule", hasItem("process-bomb"))
                .body("screening.findings.find { it.rule == 'process-bomb' }.severity", equalTo("critical"))
                .body("screening.findings.find { it.rule == 'process-bomb' }.line", equalTo(3))
                .body("message", containsString("process-bomb (line 3)"))
                .extract()
                .path("id");
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select status, screening->>'verdict', screening->'findings'::text from sandbox.executions where id = ?")) {
            query.setObject(1, UUID.fromString(id));
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("POLICY_DENIED", rs.getString(1));
                assertEquals("DENY", rs.getString(2));
                assertTrue(rs.getString(3).contains("process-bomb"), rs.getString(3));
            }
        }
    }

    @Test
    void aRuleTurnedToWarnRunsWithItsFindingAndCleanCodeIsAllowed() {
        // The network rule is set to warn here: the code runs and the isolation stops it.
        SandboxApi.run("python", "import socket\nsocket.socket(socket.AF_INET)\n")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("screening.verdict", equalTo("WARN"))
                .body("screening.findings[0].rule", equalTo("network"));
        SandboxApi.run("python", "print(6 * 7)")
                .body("status", equalTo("OK"))
                .body("screening.verdict", equalTo("ALLOW"));
    }
}
