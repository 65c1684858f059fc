package ai.prometheus.registry.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.McpConformance;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registry's /mcp against the official MCP conformance suite (every required scenario, with
 * the scenario tools registered as ordinary python, node and bash tools) and the MCP Inspector's
 * --strict listing. The agent's token sees only the scenario tools, not the other tests' tools.
 */
@QuarkusTest
class McpConformanceTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void everyRequiredScenarioPassesAndTheInspectorFindsNoProblem() throws Exception {
        String url = root.toString().replaceAll("/$", "");
        McpConformance.Outcome outcome = McpConformance.run(Map.of(
                "TARGET",
                "registry",
                "REGISTRY_URL",
                url,
                "OWNER_TOKEN",
                RegistryFixtures.developer("mcp-conformance"),
                "AGENT_TOKEN",
                TestTokens.agent(
                        "mcp-conformance-agent",
                        "tools:read tools:invoke:test_* tools:invoke:json_schema_2020_12_tool"
                                + " tools:invoke:greet tools:invoke:slow_compute tools:invoke:failing_job"
                                + " tools:invoke:protocol_error_job")));
        System.out.println(outcome.output());
        assertEquals(0, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("MCP Inspector --strict (registry): exit 0"), outcome.output());
    }
}
