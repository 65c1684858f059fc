package ai.prometheus.memory.explorer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.BrowserRun;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The memory explorer in a real headless Chromium: contexts, memories and a share made through the
 * REST API show as a tree with lineage and shares, a key's earlier versions under the memory that
 * superseded them, and a search whose results carry their scores and origin (this context, an
 * ancestor, a shared context); a hostile memory is shown neutralised, never run. Leaves screenshots
 * in {@code target/screenshots}.
 */
@QuarkusTest
class ExplorerBrowserTest {

    private static final List<String> SCREENSHOTS =
            List.of("memory-sign-in.png", "memory-context.png", "memory-search.png", "memory-800.png");

    @TestHTTPResource("/")
    URL root;

    @Test
    void anOperatorExploresTreeHistoryAndSearchScoresInTheBrowser() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String aliceName = "explorer-alice-" + suffix;
        String bobName = "explorer-bob-" + suffix;
        String aliceToken = TestTokens.agent(aliceName, "memory:read memory:write");
        MemoryApi alice = MemoryApi.withToken(aliceToken);
        MemoryApi bob = MemoryApi.agent(bobName);

        String project = alice.createContext("Apollo " + suffix, null);
        String sprint = alice.createContext("Sprint 12 " + suffix, project);
        alice.write(project, "The launch window for the rocket opens on Tuesday at dawn");
        alice.write(
                sprint,
                Map.of(
                        "content",
                        "Deploy the rocket software to staging first",
                        "kind",
                        "fact",
                        "key",
                        "deploy-target"));
        alice.write(
                sprint,
                Map.of(
                        "content",
                        "Deploy the rocket software to the launch pad on Friday",
                        "kind",
                        "fact",
                        "key",
                        "deploy-target"));
        alice.write(
                sprint,
                "Note <script>window.__pwned=true</script><img src=x onerror=\"window.__pwned=true\"> \u202Eesrever\u0007 end");
        String bobs = bob.createContext("Bob's launch notes " + suffix, null);
        bob.write(bobs, "Bob heard the rocket launch window may move to Wednesday");
        bob.request()
                .body(Map.of("granteeType", "agent", "grantee", aliceName, "access", "read"))
                .post("/api/v1/contexts/" + bobs + "/shares")
                .then()
                .statusCode(201);
        alice.request()
                .body(Map.of("granteeType", "agent", "grantee", "explorer-carol-" + suffix, "access", "read"))
                .post("/api/v1/contexts/" + sprint + "/shares")
                .then()
                .statusCode(201);
        alice.awaitEmbedded(sprint);
        bob.awaitEmbedded(bobs);

        JsonNode seen = BrowserRun.run(
                "explorer.e2e.mjs", SCREENSHOTS, root.toString(), aliceToken, sprint, "rocket launch window");

        assertFalse(seen.path("dataViewWhileSignedOut").asBoolean(), "the signed-out page shows no data view");
        assertEquals("signed in as " + aliceName, seen.path("who").asText());
        // The tree: the sprint under the project; bob's shared context a root of its own, read-only.
        assertEquals("Apollo " + suffix, seen.path("childParentNode").asText(), seen.toString());
        assertTrue(seen.path("tree").toString().contains("Bob's launch notes " + suffix), seen.toString());
        assertEquals("[\"own\",\"own\",\"shared\"]", seen.path("treeAccess").toString(), seen.toString());
        assertEquals("#/contexts/" + sprint, seen.path("hash").asText());
        assertTrue(
                seen.path("lineage").get(0).asText().contains("Sprint 12")
                        && seen.path("lineage").get(1).asText().contains("Apollo " + suffix)
                        && seen.path("lineage").get(1).asText().contains("depth 1"),
                seen.toString());
        assertTrue(seen.path("shares").toString().contains("explorer-carol-" + suffix), seen.toString());
        // Supersession: the current memory with the version it replaced beneath it.
        assertTrue(seen.path("memories").toString().contains("to the launch pad on Friday"), seen.toString());
        assertFalse(seen.path("memories").toString().contains("to staging first"), seen.toString());
        assertEquals(1, seen.path("history").size(), seen.toString());
        assertTrue(seen.path("history").get(0).asText().contains("to staging first"), seen.toString());
        // Neutralised: the override and the bell are visible code points, the markup is text.
        String hostile = seen.path("memories").toString();
        assertTrue(
                hostile.contains("<U+202E>") && hostile.contains("<U+0007>") && hostile.contains("<script>"), hostile);
        assertFalse(seen.path("rawOverrideInPage").asBoolean());
        assertEquals(0, seen.path("scriptsInData").asInt());
        assertFalse(seen.path("pwned").asBoolean());
        assertTrue(seen.path("dialog").isMissingNode());
        // Search: each result with its scores and where it came from.
        JsonNode results = seen.path("results");
        assertTrue(results.size() >= 2, seen.toString());
        boolean fromAncestor = false;
        boolean fromShared = false;
        for (JsonNode result : results) {
            assertTrue(result.path("fused").asText().matches("-?\\d+\\.\\d{4}"), result.toString());
            assertTrue(result.path("recency").asText().matches("\\d+\\.\\d{3}"), result.toString());
            if (result.path("content").asText().contains("launch window for the rocket")) {
                fromAncestor = result.path("origin").asText().equals("ancestor: Apollo " + suffix + " (depth 1)");
                assertTrue(
                        result.path("semantic").asText().startsWith("#")
                                && result.path("lexical").asText().startsWith("#"),
                        result.toString());
            }
            if (result.path("content").asText().contains("Bob heard")) {
                fromShared = result.path("origin").asText().equals("shared: Bob's launch notes " + suffix);
            }
        }
        assertTrue(fromAncestor, "the ancestor's memory is labelled with its context: " + results);
        assertTrue(fromShared, "the shared memory is labelled with its context: " + results);
        JsonNode narrow = seen.path("narrow");
        assertTrue(
                narrow.path("scrollWidth").asInt() <= 800
                        && narrow.path("resultsRight").asInt() <= 800,
                "the explorer fits 800 px: " + narrow);
    }

    @Test
    void thePagesCarryTheSuiteSecurityAndCacheHeaders() {
        for (String path : List.of("/", "/index.html", "/explorer/app.js", "/explorer/app.css", "/ui/console.js")) {
            given().when()
                    .get(path)
                    .then()
                    .statusCode(200)
                    .header(
                            "Content-Security-Policy",
                            allOf(
                                    containsString("default-src 'none'"),
                                    containsString("frame-ancestors 'none'"),
                                    not(containsString("unsafe-inline"))))
                    .header("X-Frame-Options", equalTo("DENY"))
                    .header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Cache-Control", equalTo("no-cache"));
        }
        given().when()
                .get("/api/v1/contexts")
                .then()
                .statusCode(401)
                .header("X-Content-Type-Options", equalTo("nosniff"));
    }
}
