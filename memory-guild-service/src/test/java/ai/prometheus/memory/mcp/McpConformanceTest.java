package ai.prometheus.memory.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.testing.McpConformance;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The memory guild's /mcp against the official MCP conformance suite (its protocol-core scenarios
 * must pass; the others need tools and features that are the registry's) and the MCP Inspector,
 * whose --strict listing must find no portability problem in the memory tools' schemas.
 */
@QuarkusTest
class McpConformanceTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void theConformanceSuitesCoreScenariosPassAndTheInspectorFindsNoProblem() throws Exception {
        String url = root.toString().replaceAll("/$", "");
        McpConformance.Outcome outcome = McpConformance.run(Map.of(
                "TARGET",
                "memory",
                "MEMORY_URL",
                url,
                "AGENT_TOKEN",
                TestTokens.agent("mcp-conformance-agent", "memory:read memory:write")));
        System.out.println(outcome.output());
        assertEquals(0, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("MCP Inspector --strict (memory): exit 0"), outcome.output());
    }
}
