package ai.prometheus.registry.discovery;

import static ai.prometheus.registry.RegistryFixtures.definition;
import static ai.prometheus.registry.RegistryFixtures.developer;
import static ai.prometheus.registry.RegistryFixtures.register;
import static ai.prometheus.registry.RegistryFixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscoveryTest {

    /** A tag unique to this class's tools, so the assertions see only them. */
    private final String tag = "disc-" + UUID.randomUUID().toString().substring(0, 8);

    private String weather;
    private String currency;
    private String secret;
    private String prodDb;

    // Per-class state built on first use: RestAssured only knows the test port once a test runs.
    @BeforeEach
    void registerTools() {
        if (weather != null) {
            return;
        }
        weather = uniqueName("get_weather");
        register(
                        developer("ann"),
                        definition(
                                weather,
                                "Current weather and forecast for a city",
                                List.of(tag, "weather"),
                                "print(1)"))
                .statusCode(201);
        currency = uniqueName("convert_currency");
        register(
                        developer("ann"),
                        definition(
                                currency,
                                "Converts an amount between currencies at today's rate",
                                List.of(tag, "finance"),
                                "print(1)"))
                .statusCode(201);
        prodDb = uniqueName("query") + "-prod";
        register(
                        developer("bob"),
                        definition(
                                prodDb,
                                "Runs read-only SQL on the production replica",
                                List.of(tag, "finance", "sql"),
                                "print(1)"))
                .statusCode(201);
        secret = uniqueName("payroll");
        register(
                        developer("bob"),
                        definition(secret, "Payroll exports, for HR only", List.of(tag, "finance"), "print(1)"))
                .statusCode(201);
        given().auth()
                .oauth2(developer("bob"))
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "read",
                        List.of("group:hr", "subject:carol"),
                        "invoke",
                        List.of("group:hr"),
                        "manage",
                        List.of()))
                .when()
                .put("/api/v1/tools/" + secret + "/permissions")
                .then()
                .statusCode(200);
    }

    private List<String> names(String token, Map<String, Object> query) {
        return given().auth()
                .oauth2(token)
                .queryParams(query)
                .queryParam("tag", tag)
                .queryParam("size", 200)
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .extract()
                .path("items.name");
    }

    @Test
    void listsOnlyWhatTheCallerMayRead() {
        String reader = TestTokens.withScope("dan", "tools:read");
        List<String> visible = names(reader, Map.of());
        assertTrue(visible.containsAll(List.of(weather, currency, prodDb)), visible.toString());
        assertTrue(!visible.contains(secret), "the ACL hides the payroll tool from dan");

        assertTrue(
                names(
                                TestTokens.builder("hr-person")
                                        .claim("scope", "tools:read")
                                        .groups(java.util.Set.of("hr"))
                                        .sign(TestTokens.key()),
                                Map.of())
                        .contains(secret),
                "group hr is in the read list");
        assertTrue(
                names(TestTokens.withScope("carol", "tools:read"), Map.of()).contains(secret),
                "carol is listed by subject");
        assertTrue(names(developer("bob"), Map.of()).contains(secret), "the owner always sees it");
        assertTrue(names(TestTokens.admin(), Map.of()).contains(secret), "admin sees everything");
    }

    @Test
    void targetedGrantsNarrowTheListing() {
        String narrow = TestTokens.withScope("erin", "tools:read:" + weather.substring(0, 8) + "*");
        assertEquals(List.of(weather), names(narrow, Map.of()));
        String prodOnly = TestTokens.withScope("erin", "tools:read:*-prod");
        assertEquals(List.of(prodDb), names(prodOnly, Map.of()));
    }

    @Test
    void listingWithoutAnyReadGrantIsForbidden() {
        given().auth()
                .oauth2(TestTokens.withScope("x", "memory:read"))
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().when().get("/api/v1/tools").then().statusCode(401);
    }

    @Test
    void aQueryOfSeveralWordsMatchesAnyOfThemAsTypedOrStemmed() {
        String reader = TestTokens.withScope("dan", "tools:read");
        // "forecasting" through its English stem (the description's "forecast"), "convert" as typed (a name part).
        assertTrue(names(reader, Map.of("q", "forecasting convert")).containsAll(List.of(weather, currency)));
        // An English stop word still counts as typed: "for" is a prefix of "forecast".
        assertTrue(names(reader, Map.of("q", "for")).contains(weather));
        assertEquals(weather, names(reader, Map.of("q", "weather forecasts")).get(0));
    }

    @Test
    void textSearchRanksAndMatchesNameParts() {
        String reader = TestTokens.withScope("dan", "tools:read");
        List<String> found = names(reader, Map.of("q", "weather"));
        assertEquals(weather, found.get(0), "the tool named for the query ranks first: " + found);
        assertTrue(names(reader, Map.of("q", "currencies")).contains(currency), "stemmed description words match");
        assertTrue(names(reader, Map.of("q", "convert")).contains(currency), "a part of a snake_case name matches");
        assertTrue(names(reader, Map.of("q", "finance")).containsAll(List.of(currency, prodDb)), "tags match");
        assertTrue(names(reader, Map.of("q", "forec")).contains(weather), "prefixes match while typing");
        assertTrue(names(reader, Map.of("q", "zyxwvut")).isEmpty());
        given().auth()
                .oauth2(reader)
                .queryParam("q", "weather")
                .queryParam("tag", tag)
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .body("items[0].score", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void eachListedToolCarriesItsSignatureAsJson() {
        given().auth()
                .oauth2(TestTokens.withScope("dan", "tools:read"))
                .queryParam("tag", tag)
                .queryParam("q", "weather")
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .body("items[0].name", equalTo(weather))
                .body("items[0].functionSignature.type", equalTo("object"))
                .body("items[0].functionSignature", hasKey("properties"));
    }

    @Test
    void aListingSeesAnAclChangeAtOnce() {
        // A tag of its own: the other tests count this class's tools.
        String flipTag = "flip-" + UUID.randomUUID().toString().substring(0, 8);
        String tool = uniqueName("acl_flip");
        register(developer("ann"), definition(tool, "Flips", List.of(flipTag), "print(1)"))
                .statusCode(201);
        String reader = TestTokens.withScope("erin", "tools:read");
        assertEquals(List.of(tool), listed(reader, flipTag));
        assertEquals(List.of(tool), listed(reader, flipTag), "the same listing again, from the cache");
        given().auth()
                .oauth2(developer("ann"))
                .contentType(ContentType.JSON)
                .body(Map.of("read", List.of("subject:frank"), "invoke", List.of(), "manage", List.of()))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(200);
        assertEquals(List.of(), listed(reader, flipTag), "the changed ACL hides it at once");
        assertEquals(List.of(tool), listed(TestTokens.withScope("frank", "tools:read"), flipTag));
    }

    private static List<String> listed(String token, String tag) {
        return given().auth()
                .oauth2(token)
                .queryParam("tag", tag)
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .extract()
                .path("items.name");
    }

    @Test
    void filtersByTagOwnerAndStatusAndPages() {
        String reader = TestTokens.withScope("dan", "tools:read");
        assertEquals(List.of(currency, prodDb).stream().sorted().toList(), names(reader, Map.of("tag", "finance")));
        assertEquals(List.of(prodDb), names(reader, Map.of("owner", "bob")));
        given().auth()
                .oauth2(reader)
                .queryParam("tag", tag)
                .queryParam("size", 2)
                .queryParam("page", 0)
                .queryParam("sort", "name")
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body("hasMore", equalTo(true));
        given().auth()
                .oauth2(reader)
                .queryParam("tag", tag)
                .queryParam("size", 2)
                .queryParam("page", 1)
                .queryParam("sort", "name")
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .body("hasMore", equalTo(false));
        given().auth()
                .oauth2(reader)
                .queryParam("tag", tag)
                .queryParam("sort", "-created")
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .body("items[0].name", equalTo(prodDb));
        given().auth()
                .oauth2(reader)
                .queryParam("sort", "popularity")
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("sort"));
        given().auth()
                .oauth2(reader)
                .queryParam("status", "GONE")
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("status"));
    }

    @Test
    void openAiExportListsInvocableToolsAsFunctions() {
        String agent = TestTokens.agent("agent-7", "tools:read tools:invoke");
        given().auth()
                .oauth2(agent)
                .queryParam("format", "openai")
                .queryParam("tag", tag)
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .body("format", equalTo("openai"))
                .body("hasMore", equalTo(false))
                .body("size", equalTo(200))
                .body("items.type", everyItem(equalTo("function")))
                .body("items.function.name", hasItems(weather, currency, prodDb))
                .body("items.function.name", not(hasItem(secret)))
                .body(
                        "items.find { it.function.name == '" + weather + "' }.function.parameters.required",
                        equalTo(List.of("city")))
                .body(
                        "items.find { it.function.name == '" + weather + "' }.function.description",
                        equalTo("Current weather and forecast for a city"))
                .body("items.find { it.function.name == '" + weather + "' }.function", not(hasKey("strict")));
        given().auth()
                .oauth2(agent)
                .queryParam("format", "yaml")
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("format"));
        given().auth()
                .oauth2(agent)
                .queryParam("format", "anthropic")
                .queryParam("strict", true)
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("strict"));
    }

    @Test
    void anthropicExportHasNameDescriptionAndInputSchema() {
        String agent = TestTokens.agent("agent-8", "tools:read tools:invoke");
        given().auth()
                .oauth2(agent)
                .queryParam("format", "anthropic")
                .queryParam("tag", tag)
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .body("items.name", hasItems(weather, currency, prodDb))
                .body("items.name", not(hasItem(secret)))
                .body(
                        "items.find { it.name == '" + weather + "' }.input_schema.properties.city.type",
                        equalTo("string"))
                .body(
                        "items.find { it.name == '" + weather + "' }.description",
                        equalTo("Current weather and forecast for a city"));
    }

    /** Strict mode: parameters rewritten by OpenAI's rules; a schema it cannot express is named, not dropped. */
    @Test
    void strictOpenAiExportRewritesSchemasAndNamesWhatItCannotCarry() throws Exception {
        String strictTag = "strict-" + UUID.randomUUID().toString().substring(0, 8);
        String plain = uniqueName("forecast");
        register(developer("ann"), definition(plain, "Forecast", List.of(strictTag), "print(1)"))
                .statusCode(201);
        String map = uniqueName("merge_labels");
        Map<String, Object> mapSchema = Map.of(
                "type",
                "object",
                "properties",
                Map.of("labels", Map.of("type", "object", "additionalProperties", Map.of("type", "string"))));
        Map<String, Object> definition =
                new java.util.HashMap<>(definition(map, "Merges labels", List.of(strictTag), "print(1)"));
        definition.put("functionSignature", mapSchema);
        register(developer("ann"), definition).statusCode(201);

        io.restassured.response.ExtractableResponse<?> export = given().auth()
                .oauth2(developer("ann"))
                .queryParam("format", "openai")
                .queryParam("strict", true)
                .queryParam("tag", strictTag)
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .extract();
        assertEquals(List.of(plain), export.path("items.function.name"));
        assertEquals(true, export.path("items[0].function.strict"));
        com.fasterxml.jackson.databind.JsonNode parameters = new com.fasterxml.jackson.databind.ObjectMapper()
                .valueToTree(export.path("items[0].function.parameters"));
        assertEquals(
                List.of(), ai.prometheus.registry.export.OpenAiStrictRules.check(parameters), parameters.toString());
        assertEquals(List.of(map), export.path("skipped.name"));
        String reason = export.path("skipped[0].reason");
        assertTrue(reason.contains("$.properties.labels: is a free-form map"), reason);
    }

    /** More tools than a page: following hasMore yields every one, once. */
    @Test
    void anExportPagesExplicitlyAndLosesNothing() {
        String pageTag = "page-" + UUID.randomUUID().toString().substring(0, 8);
        java.util.Set<String> registered = new java.util.TreeSet<>();
        for (int i = 0; i < 5; i++) {
            String name = uniqueName("paged");
            register(developer("ann"), definition(name, "Paged tool " + i, List.of(pageTag), "print(1)"))
                    .statusCode(201);
            registered.add(name);
        }
        List<String> seen = new java.util.ArrayList<>();
        boolean hasMore = true;
        for (int page = 0; hasMore; page++) {
            io.restassured.response.ExtractableResponse<?> answer = given().auth()
                    .oauth2(developer("ann"))
                    .queryParam("format", "openai")
                    .queryParam("tag", pageTag)
                    .queryParam("sort", "name")
                    .queryParam("size", 2)
                    .queryParam("page", page)
                    .when()
                    .get("/api/v1/tools")
                    .then()
                    .statusCode(200)
                    .extract();
            List<String> names = answer.path("items.function.name");
            assertTrue(names.size() <= 2, names.toString());
            seen.addAll(names);
            hasMore = answer.path("hasMore");
            assertTrue(page < 5, "paging never ended");
        }
        assertEquals(List.copyOf(registered), seen);
    }
}
