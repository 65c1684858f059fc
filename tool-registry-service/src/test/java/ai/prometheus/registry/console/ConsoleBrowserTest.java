package ai.prometheus.registry.console;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.BrowserRun;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The registry console in a real headless Chromium: a tool registered, changed, run and denied
 * through the REST API is found by its tag, and its page shows the versions' diff, usage charts
 * drawn from real invocations, permissions, network policy and secret names (never the value); the
 * audit log filters to the denied call; a hostile description is shown neutralised, never run.
 * Leaves screenshots in {@code target/screenshots}.
 */
@QuarkusTest
class ConsoleBrowserTest {

    private static final List<String> SCREENSHOTS = List.of(
            "registry-sign-in.png",
            "registry-tools.png",
            "registry-tool.png",
            "registry-audit.png",
            "registry-800.png");
    private static final String CODE = "import json, sys\n"
            + "args = json.load(sys.stdin)\n"
            + "if args['city'] == 'fail':\n"
            + "    sys.exit(3)\n"
            + "print(json.dumps({'city': args['city'], 'forecast': 'sunny'}))\n";

    @TestHTTPResource("/")
    URL root;

    @Test
    void aDeveloperSeesATool_sVersionsUsagePermissionsAndAuditInTheBrowser() throws Exception {
        String owner = "console-dev";
        String token = TestTokens.withScope(owner, "tools:write tools:read tools:invoke audit:read");
        String tool = RegistryFixtures.uniqueName("console");
        String tag = "console-" + UUID.randomUUID().toString().substring(0, 8);
        String hostile =
                "Forecast <script>window.__pwned=true</script><img src=x onerror=\"window.__pwned=true\"> \u202Etsacerof\u0007";
        Map<String, Object> implementation = Map.of(
                "language",
                "python",
                "code",
                CODE,
                "limits",
                Map.of("wallMs", 5000),
                "network",
                Map.of("allow", List.of("api.weather.test:443")),
                "secrets",
                List.of("WEATHER_API_KEY"));
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        tool,
                        "description",
                        hostile,
                        "tags",
                        List.of("weather", tag),
                        "functionSignature",
                        RegistryFixtures.WEATHER_SCHEMA,
                        "implementation",
                        implementation))
                .when()
                .post("/api/v1/tools")
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "description",
                        hostile,
                        "tags",
                        List.of("weather", tag, "v2"),
                        "functionSignature",
                        RegistryFixtures.WEATHER_SCHEMA,
                        "implementation",
                        Map.of(
                                "language",
                                "python",
                                "code",
                                CODE,
                                "limits",
                                Map.of("wallMs", 8000),
                                "network",
                                Map.of("allow", List.of("api.weather.test:443")),
                                "secrets",
                                List.of("WEATHER_API_KEY"))))
                .when()
                .put("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .body("currentVersion", equalTo(2));
        String secretValue = "do-not-show-" + UUID.randomUUID();
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("value", secretValue))
                .when()
                .put("/api/v1/tools/" + tool + "/secrets/WEATHER_API_KEY")
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "read",
                        List.of("*"),
                        "invoke",
                        List.of("group:forecasters", "subject:" + owner),
                        "manage",
                        List.of()))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(200);
        for (String city : List.of("Oslo", "Bergen", "Tromso", "fail")) {
            given().auth()
                    .oauth2(token)
                    .contentType(ContentType.JSON)
                    .body(Map.of("arguments", Map.of("city", city)))
                    .when()
                    .post("/api/v1/tools/" + tool + "/invocations")
                    .then()
                    .statusCode(200);
        }
        // Someone outside the invoke list is refused: the audit log keeps the denial.
        given().auth()
                .oauth2(RegistryFixtures.developer("console-stranger"))
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", "Oslo")))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(403);
        // Usage is counted from the invocation events.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().auth()
                                .oauth2(token)
                                .when()
                                .get("/api/v1/tools/" + tool + "/usage")
                                .then()
                                .extract()
                                .<Integer>path("total.calls")
                        == 4);

        JsonNode seen = BrowserRun.run("console.e2e.mjs", SCREENSHOTS, root.toString(), token, tool, tag, secretValue);

        assertFalse(seen.path("dataViewWhileSignedOut").asBoolean(), "the signed-out page shows no data view");
        assertEquals("signed in as console-dev", seen.path("who").asText());
        assertEquals(1, seen.path("rowsForTag").asInt(), seen.toString());
        assertEquals("#/tools/" + tool, seen.path("hash").asText());
        // Neutralised: the override and the bell are visible code points, the markup is text.
        for (String field : List.of("description", "listDescription")) {
            String shown = seen.path(field).asText();
            assertTrue(shown.contains("<U+202E>") && shown.contains("<U+0007>") && shown.contains("<script>"), shown);
        }
        assertFalse(seen.path("rawOverrideInPage").asBoolean());
        assertEquals(0, seen.path("scriptsInData").asInt());
        assertFalse(seen.path("pwned").asBoolean());
        assertTrue(seen.path("dialog").isMissingNode());
        assertEquals(2, seen.path("versions").asInt());
        assertTrue(
                seen.path("diffAdded").toString().contains("8000")
                        && seen.path("diffAdded").toString().contains("v2"),
                seen.toString());
        assertTrue(seen.path("diffRemoved").toString().contains("5000"), seen.toString());
        assertTrue(seen.path("callPoints").toString().contains("calls=4"), seen.toString());
        assertTrue(seen.path("failureSeries").toString().contains("=1"), seen.toString());
        assertTrue(seen.path("latencyPoints").asInt() >= 3, seen.toString());
        assertTrue(seen.path("acl").asText().contains("group:forecasters"), seen.toString());
        assertEquals("[\"api.weather.test:443\"]", seen.path("network").toString());
        assertEquals("[\"WEATHER_API_KEY\"]", seen.path("secrets").toString());
        assertFalse(seen.path("secretValueInPage").asBoolean(), "a secret's value never reaches the page");
        assertTrue(seen.path("limits").asText().contains("8000"), seen.toString());
        assertEquals("[\"DENY\"]", seen.path("auditDecisions").toString());
        assertEquals("[\"console-stranger\"]", seen.path("auditActors").toString());
        JsonNode narrow = seen.path("narrow");
        assertTrue(
                narrow.path("scrollWidth").asInt() <= 800
                        && narrow.path("chartRight").asInt() <= 800,
                "the tool's page fits 800 px: " + narrow);
    }

    /** The console's pages allow nothing but their own code, cannot be framed or sniffed, and are always revalidated. */
    @Test
    void thePagesCarryTheSuiteSecurityAndCacheHeaders() {
        for (String path : List.of(
                "/", "/index.html", "/console/app.js", "/console/app.css", "/ui/console.js", "/ui/console.css")) {
            given().when()
                    .get(path)
                    .then()
                    .statusCode(200)
                    .header(
                            "Content-Security-Policy",
                            allOf(
                                    containsString("default-src 'none'"),
                                    containsString("script-src 'self'"),
                                    containsString("frame-ancestors 'none'")))
                    .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                    .header("X-Frame-Options", equalTo("DENY"))
                    .header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Cache-Control", equalTo("no-cache"));
        }
        String html = given().when()
                .get("/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .extract()
                .asString();
        assertTrue(html.contains("console/app.js") && !html.contains("http://") && !html.contains("https://"), html);
        given().when().get("/api/v1/tools").then().statusCode(401).header("X-Content-Type-Options", equalTo("nosniff"));
    }
}
