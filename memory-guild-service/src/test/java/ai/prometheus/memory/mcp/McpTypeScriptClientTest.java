package ai.prometheus.memory.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.testing.NodeMcpClient;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The memory guild's /mcp driven by the official MCP TypeScript SDK, the clients most MCP hosts
 * are built on: v2 pinned to 2026-07-28 and in 'auto' mode, and 1.x on a 2025-11-25 session. Each
 * lists, writes, recalls, is told about bad arguments as a tool error, reads a context resource and
 * hears about a change to it.
 */
@QuarkusTest
class McpTypeScriptClientTest {

    @TestHTTPResource("/mcp")
    URL mcp;

    @Test
    void everyOfficialClientGenerationRemembersRecallsReadsAndHearsUpdates() throws Exception {
        String agent = TestTokens.agent("mcp-ts-agent", "memory:read memory:write");
        for (String mode : List.of("pin", "auto", "v1")) {
            String name = "ts-" + mode + "-" + UUID.randomUUID().toString().substring(0, 8);
            NodeMcpClient.Events events =
                    NodeMcpClient.run("mcp-memory-client.mjs", List.of(mcp.toString(), agent, mode, name), e -> {});
            String trace = mode + ": " + events;

            JsonNode connected = events.find("connected");
            assertTrue(
                    connected
                            .path("capabilities")
                            .path("resources")
                            .path("subscribe")
                            .asBoolean(),
                    trace);
            if (!mode.equals("pin")) {
                // A pinned client skips discovery, so it never learns the server's name.
                assertEquals(
                        "prometheus-memory-guild",
                        connected.path("server").path("name").asText(),
                        trace);
            }
            JsonNode tools = events.find("listed").path("tools");
            assertTrue(tools.findValuesAsText("name").containsAll(List.of("remember", "recall", "forget")), trace);
            for (JsonNode tool : tools) {
                if (tool.path("name").asText().equals("recall")) {
                    assertTrue(tool.path("annotations").path("readOnlyHint").asBoolean(), trace);
                }
            }

            JsonNode remembered = events.find("remembered");
            assertFalse(remembered.path("isError").asBoolean(), trace);
            String memoryId =
                    remembered.path("structured").path("memory").path("id").asText();
            assertFalse(memoryId.isEmpty(), trace);

            JsonNode recalled = events.find("recalled");
            assertFalse(recalled.path("isError").asBoolean(), trace);
            assertTrue(
                    recalled.path("structured").toString().contains(memoryId),
                    "recall finds what was remembered: " + trace);

            JsonNode bad = events.find("bad");
            assertTrue(bad.path("isError").asBoolean(), "bad arguments are a tool error: " + trace);
            assertTrue(bad.path("text").asText().contains("mode"), "the error names the argument: " + trace);

            String contextUri = "memory://contexts/"
                    + events.find("created").path("contextId").asText();
            JsonNode read = events.find("read");
            assertEquals(contextUri, read.path("uri").asText(), trace);
            assertTrue(read.path("text").asText().contains(name), "the resource describes the context: " + trace);

            assertEquals(contextUri, events.find("updated").path("uri").asText(), "the write was notified: " + trace);
        }
    }
}
