package ai.prometheus.registry.tool;

import static ai.prometheus.registry.RegistryFixtures.definition;
import static ai.prometheus.registry.RegistryFixtures.developer;
import static ai.prometheus.registry.RegistryFixtures.register;
import static ai.prometheus.registry.RegistryFixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ToolLifecycleTest {

    @Test
    void registerAnswers201WithVersionOneAndFingerprint() {
        String name = uniqueName("weather");
        register(
                        developer("dora"),
                        definition(
                                name,
                                "Weather forecast",
                                List.of("Weather", "forecast", "weather"),
                                RegistryFixtures.ECHO_PYTHON))
                .statusCode(201)
                .header("Location", containsString("/api/v1/tools/" + name))
                .body("name", equalTo(name))
                .body("owner", equalTo("dora"))
                .body("status", equalTo("ACTIVE"))
                .body("currentVersion", equalTo(1))
                .body("fingerprint", startsWith("sha256:"))
                .body("tags", equalTo(List.of("weather", "forecast")))
                .body("implementation.language", equalTo("python"))
                .body("versions", hasSize(1))
                .body("permissions.read", equalTo(List.of("*")));
    }

    @Test
    void invalidSchemaIsRejectedWithThePathOfTheProblem() {
        Map<String, Object> body = new HashMap<>(definition(uniqueName("bad"), "d", List.of(), "print(1)"));
        body.put(
                "functionSignature",
                Map.of("type", "object", "properties", Map.of("city", Map.of("type", "strin")), "required", "city"));
        register(developer("dora"), body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("functionSignature.properties.city.type"))
                .body("errors.field", hasItem("functionSignature.required"));
    }

    @Test
    void signatureMustDescribeAnObjectAndStayLocal() {
        Map<String, Object> body = new HashMap<>(definition(uniqueName("bad"), "d", List.of(), "print(1)"));
        body.put(
                "functionSignature",
                Map.of("type", "array", "items", Map.of("$ref", "https://evil.example/schema.json")));
        register(developer("dora"), body)
                .statusCode(400)
                .body("errors.field", hasItem("functionSignature.type"))
                .body("errors.field", hasItem("functionSignature.items.$ref"));
        body.remove("functionSignature");
        register(developer("dora"), body).statusCode(400).body("errors.field", hasItem("functionSignature"));
    }

    @Test
    void aSignatureWhoseReferencesLoopInPlaceIsRefusedNamingTheCycleWhileRecursionThroughPropertiesIsFine() {
        Map<String, Object> body = new HashMap<>(definition(uniqueName("cyclic"), "d", List.of(), "print(1)"));
        body.put(
                "functionSignature",
                Map.of(
                        "type",
                        "object",
                        "properties",
                        Map.of("x", Map.of("$ref", "#/$defs/a")),
                        "$defs",
                        Map.of("a", Map.of("$ref", "#/$defs/b"), "b", Map.of("$ref", "#/$defs/a"))));
        register(developer("dora"), body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(startsWith("functionSignature.$defs.")))
                .body("errors[0].reason", containsString("functionSignature.$defs.a.$ref"))
                .body("errors[0].reason", containsString("functionSignature.$defs.b.$ref"));

        String tree = uniqueName("tree");
        Map<String, Object> recursive = new HashMap<>(definition(tree, "d", List.of(), "print('{}')"));
        recursive.put(
                "functionSignature",
                Map.of(
                        "type",
                        "object",
                        "properties",
                        Map.of("child", Map.of("$ref", "#"), "name", Map.of("type", "string"))));
        register(developer("dora"), recursive).statusCode(201);
        given().auth()
                .oauth2(developer("dora"))
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("child", Map.of("child", Map.of("name", 7)))))
                .when()
                .post("/api/v1/tools/" + tree + "/invocations")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("arguments.child.child.name"));
        String deep = "{\"child\": ".repeat(950) + "{}" + "}".repeat(950);
        given().auth()
                .oauth2(developer("dora"))
                .contentType(ContentType.JSON)
                .body("{\"arguments\": " + deep + "}")
                .when()
                .post("/api/v1/tools/" + tree + "/invocations")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("arguments"));
    }

    @Test
    void namesMustBeUsableAsFunctionNames() {
        for (String bad : List.of("has space", "1starts-with-digit", "x".repeat(65), "semi;colon", "ünicode")) {
            register(developer("dora"), definition(bad, "d", List.of(), "print(1)"))
                    .statusCode(400)
                    .body("errors[0].field", equalTo("name"));
        }
    }

    @Test
    void unsupportedLanguageAndMissingCodeNameTheirFields() {
        Map<String, Object> body = new HashMap<>(definition(uniqueName("lang"), "d", List.of(), "print(1)"));
        body.put("implementation", Map.of("language", "cobol", "code", "DISPLAY 'HI'."));
        register(developer("dora"), body).statusCode(400).body("errors.field", hasItem("implementation.language"));
        body.put("implementation", Map.of("language", "python", "code", "", "limits", Map.of("memoryMb", -1)));
        register(developer("dora"), body)
                .statusCode(400)
                .body("errors.field", hasItem("implementation.code"))
                .body("errors.field", hasItem("implementation.limits.memoryMb"));
    }

    @Test
    void oneAnswerNamesEveryFieldProblemOfTheBody() {
        Map<String, Object> body = new HashMap<>(definition("1bad name", "d", List.of(), "print(1)"));
        body.put("implementation", Map.of("language", "cobol", "code", ""));
        register(developer("dora"), body)
                .statusCode(400)
                .body("errors.field", containsInAnyOrder("implementation.code", "implementation.language", "name"))
                .body(
                        "errors.find { it.field == 'implementation.language' }.reason",
                        equalTo("must be one of bash, node, python"))
                .body(
                        "errors.find { it.field == 'name' }.reason",
                        equalTo("must start with a letter and contain only letters, digits, '_' and '-'"));
    }

    @Test
    void malformedJsonAndWrongTypesAreProblems() {
        given().auth()
                .oauth2(developer("dora"))
                .contentType(ContentType.JSON)
                .body("{\"name\": ")
                .when()
                .post("/api/v1/tools")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(developer("dora"))
                .contentType(ContentType.JSON)
                .body(
                        "{\"name\": \"x\", \"tags\": \"not-a-list\", \"implementation\": {\"language\":\"python\",\"code\":\"1\"}}")
                .when()
                .post("/api/v1/tools")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("tags"))
                .body("errors[0].reason", equalTo("expected an array"));
    }

    @Test
    void duplicateNameIsAConflict() {
        String name = RegistryFixtures.registerWeatherTool("dora", "dup");
        register(developer("eve"), definition(name, "mine now", List.of(), "print(1)"))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString(name));
    }

    @Test
    void registeringNeedsToolsWrite() {
        register(
                        TestTokens.withScope("reader", "tools:read"),
                        definition(uniqueName("nope"), "d", List.of(), "print(1)"))
                .statusCode(403)
                .body("detail", containsString("tools:write"));
        given().contentType(ContentType.JSON)
                .body(definition(uniqueName("anon"), "d", List.of(), "print(1)"))
                .when()
                .post("/api/v1/tools")
                .then()
                .statusCode(401);
    }

    @Test
    void updateMakesANewImmutableVersionAndIdenticalUpdateDoesNot() {
        String name = RegistryFixtures.registerWeatherTool("olga", "upd");
        String v1 = given().auth()
                .oauth2(developer("olga"))
                .when()
                .get("/api/v1/tools/" + name)
                .then()
                .statusCode(200)
                .extract()
                .path("fingerprint");

        Map<String, Object> update = Map.of(
                "description",
                "Weather forecast, now with rain",
                "tags",
                List.of("weather"),
                "functionSignature",
                RegistryFixtures.WEATHER_SCHEMA,
                "implementation",
                Map.of("language", "python", "code", "print('{\"rain\": true}')"));
        String v2 = given().auth()
                .oauth2(developer("olga"))
                .contentType(ContentType.JSON)
                .body(update)
                .when()
                .put("/api/v1/tools/" + name)
                .then()
                .statusCode(200)
                .body("currentVersion", equalTo(2))
                .body("versions", hasSize(2))
                .body("description", equalTo("Weather forecast, now with rain"))
                .extract()
                .path("fingerprint");
        assertNotEquals(v1, v2);

        given().auth()
                .oauth2(developer("olga"))
                .contentType(ContentType.JSON)
                .body(update)
                .when()
                .put("/api/v1/tools/" + name)
                .then()
                .statusCode(200)
                .body("currentVersion", equalTo(2));

        given().auth()
                .oauth2(developer("olga"))
                .when()
                .get("/api/v1/tools/" + name + "/versions/1")
                .then()
                .statusCode(200)
                .body("fingerprint", equalTo(v1))
                .body("description", equalTo("Weather forecast for a city"))
                .body("implementation.code", containsString("forecast"));
    }

    @Test
    void onlyManagersMayUpdateAndDenialsAreAudited() {
        String name = RegistryFixtures.registerWeatherTool("olga", "guard");
        Map<String, Object> update = Map.of(
                "functionSignature",
                RegistryFixtures.WEATHER_SCHEMA,
                "implementation",
                Map.of("language", "python", "code", "print('pwned')"));
        given().auth()
                .oauth2(developer("mallory"))
                .contentType(ContentType.JSON)
                .body(update)
                .when()
                .put("/api/v1/tools/" + name)
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(TestTokens.withGroups("ops", "operator"))
                .contentType(ContentType.JSON)
                .body(update)
                .when()
                .put("/api/v1/tools/" + name)
                .then()
                .statusCode(200)
                .body("currentVersion", equalTo(2));

        given().auth()
                .oauth2(TestTokens.withScope("auditor", "audit:read"))
                .queryParam("tool", name)
                .queryParam("action", "tool.update")
                .when()
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("items.findAll { it.decision == 'DENY' }.actor", equalTo(List.of("mallory")))
                .body("items.findAll { it.decision == 'ALLOW' }.actor", equalTo(List.of("ops")));
    }

    @Test
    void aRegistrationRefusedForLackOfToolsWriteIsAudited() {
        String actor = "reader-" + java.util.UUID.randomUUID();
        given().auth()
                .oauth2(TestTokens.withScope(actor, "tools:read"))
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        RegistryFixtures.uniqueName("nope"),
                        "description",
                        "x",
                        "functionSignature",
                        RegistryFixtures.WEATHER_SCHEMA,
                        "implementation",
                        Map.of("language", "python", "code", "print(1)")))
                .when()
                .post("/api/v1/tools")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(TestTokens.withScope("auditor", "audit:read"))
                .queryParam("actor", actor)
                .queryParam("action", "tool.register")
                .when()
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("items", org.hamcrest.Matchers.hasSize(1))
                .body("items[0].decision", equalTo("DENY"))
                .body("items[0].reason", org.hamcrest.Matchers.containsString("tools:write"));
    }

    @Test
    void deleteDeregistersButKeepsHistory() throws Exception {
        String name = RegistryFixtures.registerWeatherTool("olga", "del");
        given().auth()
                .oauth2(developer("mallory"))
                .when()
                .delete("/api/v1/tools/" + name)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(developer("olga"))
                .when()
                .delete("/api/v1/tools/" + name)
                .then()
                .statusCode(204);

        given().auth()
                .oauth2(developer("olga"))
                .when()
                .get("/api/v1/tools/" + name)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(developer("olga"))
                .queryParam("includeDeleted", true)
                .when()
                .get("/api/v1/tools/" + name)
                .then()
                .statusCode(200)
                .body("status", equalTo("DELETED"))
                .body("versions", hasSize(1));
        given().auth()
                .oauth2(developer("olga"))
                .queryParam("status", "DELETED")
                .queryParam("owner", "olga")
                .queryParam("size", 200)
                .when()
                .get("/api/v1/tools")
                .then()
                .statusCode(200)
                .body("items.name", hasItem(name));
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement("select count(*) from tool_registry.tool_versions v"
                        + " join tool_registry.tool_registry t on t.id = v.tool_id where t.name = ?")) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1), "versions survive deletion");
            }
        }
        // The name is free again; the old history stays with the deleted tool.
        RegistryFixtures.register(developer("pete"), definition(name, "new tool, same name", List.of(), "print(2)"))
                .statusCode(201)
                .body("owner", equalTo("pete"))
                .body("currentVersion", equalTo(1));
    }

    @Test
    void unknownToolIs404Problem() {
        given().auth()
                .oauth2(developer("olga"))
                .when()
                .get("/api/v1/tools/no_such_tool_anywhere")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("no_such_tool"));
        given().auth()
                .oauth2(developer("olga"))
                .when()
                .get("/api/v1/tools/no_such_tool_anywhere/versions/1")
                .then()
                .statusCode(404);
    }

    @Test
    void disablingNeedsAReasonShownLaterAndDeletedIsNotAStatus() {
        String name = RegistryFixtures.registerWeatherTool("olga", "stat");
        given().auth()
                .oauth2(developer("olga"))
                .contentType(ContentType.JSON)
                .body(Map.of("status", "DISABLED", "reason", "maintenance until noon"))
                .when()
                .put("/api/v1/tools/" + name + "/status")
                .then()
                .statusCode(200)
                .body("status", equalTo("DISABLED"))
                .body("statusReason", equalTo("maintenance until noon"));
        given().auth()
                .oauth2(developer("olga"))
                .contentType(ContentType.JSON)
                .body(Map.of("status", "DELETED"))
                .when()
                .put("/api/v1/tools/" + name + "/status")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("status"));
        given().auth()
                .oauth2(developer("olga"))
                .contentType(ContentType.JSON)
                .body(Map.of("status", "PAUSED"))
                .when()
                .put("/api/v1/tools/" + name + "/status")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("status"));
        given().auth()
                .oauth2(developer("olga"))
                .contentType(ContentType.JSON)
                .body(Map.of("status", "ACTIVE"))
                .when()
                .put("/api/v1/tools/" + name + "/status")
                .then()
                .statusCode(200)
                .body("status", equalTo("ACTIVE"))
                .body("statusReason", nullValue());
    }
}
