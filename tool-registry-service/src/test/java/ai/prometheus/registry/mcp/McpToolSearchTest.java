package ai.prometheus.registry.mcp;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.McpHttp;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The built-in search_tools: tools that match a query equally well are ordered by how reliably
 * they ran (real sandbox runs, usage counted from the real Kafka results), tools the caller may
 * not invoke stay out, and the name cannot be registered.
 */
@QuarkusTest
class McpToolSearchTest {

    private static final String OWNER = RegistryFixtures.developer("search-owner");
    private static final McpHttp AGENT = McpHttp.as(TestTokens.agent("search-agent", "tools:read tools:invoke"));
    private static final int RUNS = 4;

    @Test
    void equallyMatchingToolsRankBySuccessRateAndHiddenToolsStayOut() throws Exception {
        String keyword = "kw" + UUID.randomUUID().toString().substring(0, 8).replace("-", "");
        String reliable = register(RegistryFixtures.uniqueName("search_reliable"), keyword, "echo '{}'\n");
        String broken = register(RegistryFixtures.uniqueName("search_broken"), keyword, "exit 1\n");
        String unused = register(RegistryFixtures.uniqueName("search_unused"), keyword, "echo '{}'\n");
        String hidden = register(RegistryFixtures.uniqueName("search_hidden"), keyword, "echo '{}'\n");
        given().auth()
                .oauth2(OWNER)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "read",
                        List.of("subject:someone-else"),
                        "invoke",
                        List.of("subject:someone-else"),
                        "manage",
                        List.of()))
                .when()
                .put("/api/v1/tools/" + hidden + "/permissions")
                .then()
                .statusCode(200);

        for (int i = 0; i < RUNS; i++) {
            JsonNode ok = AGENT.callTool(reliable, Map.of());
            assertFalse(ok.path("result").path("isError").asBoolean(), ok.toString());
            JsonNode failed = AGENT.callTool(broken, Map.of());
            assertTrue(failed.path("result").path("isError").asBoolean(), failed.toString());
        }
        awaitCalls(reliable, RUNS);
        awaitCalls(broken, RUNS);

        JsonNode result =
                AGENT.callTool(ToolSearch.NAME, Map.of("query", keyword)).path("result");
        assertFalse(result.path("isError").asBoolean(), result.toString());
        List<String> ranked = new ArrayList<>();
        result.path("structuredContent")
                .path("tools")
                .forEach(t -> ranked.add(t.path("name").asText()));
        assertEquals(
                List.of(reliable, unused, broken),
                ranked,
                "successful first, the unused one in between, the hidden one absent: " + result);
        JsonNode first = result.path("structuredContent").path("tools").path(0);
        assertEquals(1.0, first.path("successRate").asDouble(), first.toString());
        assertEquals(RUNS, first.path("calls").asInt(), first.toString());
        assertTrue(
                result.path("structuredContent")
                        .path("tools")
                        .path(1)
                        .path("successRate")
                        .isNull(),
                result.toString());
        assertEquals(
                0.0,
                result.path("structuredContent")
                        .path("tools")
                        .path(2)
                        .path("successRate")
                        .asDouble(),
                result.toString());
        assertTrue(result.path("content").path(0).path("text").asText().startsWith(reliable), result.toString());

        JsonNode limited = AGENT.callTool(ToolSearch.NAME, Map.of("query", keyword, "limit", 1))
                .path("result");
        assertEquals(1, limited.path("structuredContent").path("tools").size(), limited.toString());
        JsonNode badLimit = AGENT.callTool(ToolSearch.NAME, Map.of("query", keyword, "limit", 51))
                .path("result");
        assertTrue(badLimit.path("isError").asBoolean(), badLimit.toString());
        assertTrue(
                badLimit.path("content").path(0).path("text").asText().contains("arguments.limit"),
                badLimit.toString());
        JsonNode noQuery = AGENT.callTool(ToolSearch.NAME, Map.of()).path("result");
        assertTrue(
                noQuery.path("content").path(0).path("text").asText().contains("arguments.query"), noQuery.toString());
    }

    @Test
    void searchToolsIsListedReadOnlyAndItsNameCannotBeRegistered() throws Exception {
        JsonNode listed = null;
        for (JsonNode tool : AGENT.rpc("tools/list", Map.of()).path("result").path("tools")) {
            if (ToolSearch.NAME.equals(tool.path("name").asText())) {
                listed = tool;
            }
        }
        assertTrue(listed != null, "tools/list shows the built-in");
        assertTrue(listed.path("annotations").path("readOnlyHint").asBoolean(), listed.toString());
        assertFalse(listed.path("annotations").path("openWorldHint").asBoolean(true), listed.toString());
        assertEquals(
                "query", listed.path("inputSchema").path("required").path(0).asText(), listed.toString());

        RegistryFixtures.register(OWNER, definition(ToolSearch.NAME, "anything", "echo '{}'\n"))
                .statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItem("name"));
    }

    private static void awaitCalls(String tool, int calls) throws InterruptedException {
        // Usage is counted from the result events on Kafka, a moment after the call returns.
        for (int attempt = 0; attempt < 300; attempt++) {
            int counted = given().auth()
                    .oauth2(OWNER)
                    .when()
                    .get("/api/v1/tools/" + tool + "/usage")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("total.calls");
            if (counted >= calls) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("usage of " + tool + " never reached " + calls + " calls");
    }

    private static Map<String, Object> definition(String name, String keyword, String code) {
        return Map.of(
                "name",
                name,
                "description",
                "Looks up " + keyword + " figures",
                "functionSignature",
                Map.of("type", "object", "properties", Map.of()),
                "implementation",
                Map.of("language", "bash", "code", code, "limits", Map.of("wallMs", 10_000)));
    }

    private static String register(String name, String keyword, String code) {
        RegistryFixtures.register(OWNER, definition(name, keyword, code)).statusCode(201);
        return name;
    }
}
