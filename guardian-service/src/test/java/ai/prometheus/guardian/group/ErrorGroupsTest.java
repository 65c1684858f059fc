package ai.prometheus.guardian.group;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.prometheus.guardian.Db;
import ai.prometheus.guardian.ErrorEvents;
import ai.prometheus.guardian.Names;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ErrorGroupsTest {

    private static final String READER = TestTokens.withScope("reader", "errors:read");
    private static final String OPERATOR = TestTokens.withGroups("ops", "operator");

    private static String javaTrace(String pkg, int line) {
        return "java.lang.IllegalStateException: pool exhausted\n"
                + "\tat " + pkg + ".Pool.borrow(Pool.java:" + line + ")\n"
                + "\tat " + pkg + ".Store.save(Store.java:" + (line + 9) + ")\n"
                + "\tat io.vertx.core.impl.ContextImpl.emit(ContextImpl.java:342)\n";
    }

    @Test
    void theSameFailureInTwoServicesMakesTwoGroupsAndDifferentIdsMakeOne() {
        String pkg = Names.unique("ai.test.g");
        String a1 = ErrorEvents.publish(
                "sandbox-service",
                "java.lang.IllegalStateException",
                "pool exhausted after 31 waits for request 0b9a1c52-2f1e-4c57-9d3e-0f5b7c9a1e22",
                javaTrace(pkg, 40),
                "4bf92f3577b34da6a3ce929d0e0e4736",
                Map.of());
        String a2 = ErrorEvents.publish(
                "sandbox-service",
                "java.lang.IllegalStateException",
                "pool exhausted after 7 waits for request 7d2e8f10-7a3b-4c1d-8e9f-112233445566",
                javaTrace(pkg, 44),
                "5cf92f3577b34da6a3ce929d0e0e4737",
                Map.of());
        String b = ErrorEvents.publish(
                "memory-guild-service",
                "java.lang.IllegalStateException",
                "pool exhausted",
                javaTrace(pkg, 40),
                null,
                Map.of());

        UUID groupA1 = Db.awaitGroupOf(a1);
        UUID groupA2 = Db.awaitGroupOf(a2);
        UUID groupB = Db.awaitGroupOf(b);
        assertNotNull(groupA1);
        assertEquals(groupA1, groupA2, "same code path, different ids and numbers: one group");
        assertNotEquals(groupA1, groupB, "the same failure in another service is another issue");

        given().auth()
                .oauth2(READER)
                .when()
                .get("/api/v1/error-groups/" + groupA1)
                .then()
                .statusCode(200)
                .body("group.count", equalTo(2))
                .body("group.state", equalTo("open"))
                .body("group.service", equalTo("sandbox-service"))
                .body("group.services", contains("sandbox-service"))
                .body("group.fingerprintVersion", equalTo(2))
                .body("group.groupingBasis", containsString(pkg + ".Pool#borrow"))
                .body("group.last24h", hasSize(24))
                .body("group.last24h[23]", equalTo(2))
                .body("samples", hasSize(2))
                .body("samples[0].eventId", equalTo(a2))
                .body("traceIds", contains("5cf92f3577b34da6a3ce929d0e0e4737", "4bf92f3577b34da6a3ce929d0e0e4736"))
                .body("timeline.hourly.sum { it.count }", equalTo(2));

        given().auth()
                .oauth2(READER)
                .queryParam("groupId", groupA1.toString())
                .when()
                .get("/api/v1/errors")
                .then()
                .statusCode(200)
                .body("items.eventId", org.hamcrest.Matchers.containsInAnyOrder(a1, a2));
    }

    @Test
    void aNewEventOnAResolvedGroupMarksItRegressed() {
        String message = "quota of tenant " + Names.unique("t") + " exceeded";
        UUID group = Db.awaitGroupOf(
                ErrorEvents.publish("tool-registry-service", "QuotaExceeded", message, null, null, Map.of()));

        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(Map.of("state", "resolved", "note", "raised the quota"))
                .when()
                .patch("/api/v1/error-groups/" + group)
                .then()
                .statusCode(200)
                .body("state", equalTo("resolved"));

        Db.awaitGroupOf(ErrorEvents.publish("tool-registry-service", "QuotaExceeded", message, null, null, Map.of()));

        given().auth()
                .oauth2(READER)
                .when()
                .get("/api/v1/error-groups/" + group)
                .then()
                .statusCode(200)
                .body("group.state", equalTo("regressed"))
                .body("group.count", equalTo(2))
                .body("timeline.history.kind", contains("state", "regression"))
                .body("timeline.history[0].actor", equalTo("ops"))
                .body("timeline.history[0].note", equalTo("raised the quota"))
                .body("timeline.history[1].fromState", equalTo("resolved"))
                .body("timeline.history[1].toState", equalTo("regressed"));
        given().auth()
                .oauth2(READER)
                .queryParam("state", "regressed")
                .queryParam("size", 200)
                .when()
                .get("/api/v1/error-groups")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(group.toString()));
    }

    @Test
    void stateChangesNeedGuardianAdminAndOnlySettableStates() {
        UUID group = Db.awaitGroupOf(
                ErrorEvents.publish("sandbox-service", Names.unique("StateTest"), "state test", null, null, Map.of()));
        given().auth()
                .oauth2(READER)
                .contentType(ContentType.JSON)
                .body(Map.of("state", "acknowledged"))
                .when()
                .patch("/api/v1/error-groups/" + group)
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("guardian:admin"));
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(Map.of("state", "regressed"))
                .when()
                .patch("/api/v1/error-groups/" + group)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("state"));
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(Map.of("state", "closed"))
                .when()
                .patch("/api/v1/error-groups/" + group)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("state"));
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body("{}")
                .when()
                .patch("/api/v1/error-groups/" + group)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("state"));
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(Map.of("state", "ignored"))
                .when()
                .patch("/api/v1/error-groups/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(Map.of("state", "ignored"))
                .when()
                .patch("/api/v1/error-groups/" + group)
                .then()
                .statusCode(200)
                .body("state", equalTo("ignored"));
        assertEquals("ignored", Db.single("select state from guardian.error_groups where id = ?", group));
    }

    @Test
    void listingSortsByCountAndFiltersByToolAndState() {
        String tool = Names.unique("sorter-");
        String rare = ErrorEvents.toolFailure(tool, "timeout_wall", "killed after 5000 ms in " + tool);
        for (int i = 0; i < 3; i++) {
            ErrorEvents.toolFailure(tool, "runtime_error", "ZeroDivisionError in " + tool + " (call " + i + ")");
        }
        String last = ErrorEvents.toolFailure(tool, "runtime_error", "ZeroDivisionError in " + tool + " (call 9)");
        Db.awaitGroupOf(rare);
        UUID frequent = Db.awaitGroupOf(last);

        List<String> byCount = given().auth()
                .oauth2(READER)
                .queryParam("tool", tool)
                .queryParam("sort", "count")
                .when()
                .get("/api/v1/error-groups")
                .then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body("items[0].count", equalTo(4))
                .body("items[0].tools", contains(tool))
                .extract()
                .path("items.id");
        assertEquals(frequent.toString(), byCount.get(0));
        given().auth()
                .oauth2(READER)
                .queryParam("tool", tool)
                .queryParam("sort", "count")
                .queryParam("order", "asc")
                .when()
                .get("/api/v1/error-groups")
                .then()
                .statusCode(200)
                .body("items[0].count", equalTo(1));
        given().auth()
                .oauth2(READER)
                .queryParam("tool", tool)
                .queryParam("state", "acknowledged")
                .when()
                .get("/api/v1/error-groups")
                .then()
                .statusCode(200)
                .body("items", hasSize(0));

        given().auth()
                .oauth2(READER)
                .queryParam("hours", 1)
                .queryParam("limit", 100)
                .when()
                .get("/api/v1/error-groups/top-tools")
                .then()
                .statusCode(200)
                .body("find { it.tool == '" + tool + "' }.failures", equalTo(5))
                .body("find { it.tool == '" + tool + "' }.groups", equalTo(2));
    }

    @Test
    void badListingParametersAreNamed() {
        given().auth()
                .oauth2(READER)
                .queryParam("sort", "size")
                .when()
                .get("/api/v1/error-groups")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("sort"));
        given().auth()
                .oauth2(READER)
                .queryParam("state", "open,closed")
                .when()
                .get("/api/v1/error-groups")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("state"));
        given().auth()
                .oauth2(READER)
                .queryParam("order", "up")
                .when()
                .get("/api/v1/error-groups")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("order"));
        given().auth()
                .oauth2(READER)
                .queryParam("hours", 0)
                .when()
                .get("/api/v1/error-groups/top-tools")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("hours"));
        given().auth()
                .oauth2(READER)
                .when()
                .get("/api/v1/error-groups/nope")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("id"));
        given().when().get("/api/v1/error-groups").then().statusCode(401);
        given().auth()
                .oauth2(READER)
                .queryParam("size", 5)
                .when()
                .get("/api/v1/error-groups")
                .then()
                .statusCode(200)
                .body("size", equalTo(5))
                .body("items.size()", org.hamcrest.Matchers.lessThanOrEqualTo(5));
    }

    /** Reports from outside callers never make a tool look broken: they are counted apart. */
    @Test
    void topFailingToolsCountOnlyTrustedReportsAndListTheOthersApart() {
        String tool = Names.unique("ranked-");
        String last = ErrorEvents.toolFailure(tool, "runtime_error", "ValueError in " + tool);
        Db.awaitGroupOf(last);
        String outsider = TestTokens.agent("agent-outsider", "errors:write errors:read");
        String phantom = Names.unique("phantom-");
        for (String named : List.of(tool, phantom, phantom)) {
            given().auth()
                    .oauth2(outsider)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "service",
                            "outside-app",
                            "errorType",
                            "tool.invocation.runtime_error",
                            "errorMessage",
                            "it failed",
                            "attributes",
                            Map.of("tool", named)))
                    .when()
                    .post("/api/v1/errors")
                    .then()
                    .statusCode(201);
        }
        given().auth()
                .oauth2(READER)
                .queryParam("hours", 1)
                .queryParam("limit", 100)
                .when()
                .get("/api/v1/error-groups/top-tools")
                .then()
                .statusCode(200)
                .body("find { it.tool == '" + tool + "' }.failures", equalTo(1))
                .body("tool", not(hasItem(phantom)));
        given().auth()
                .oauth2(READER)
                .queryParam("hours", 1)
                .queryParam("limit", 100)
                .queryParam("trusted", false)
                .when()
                .get("/api/v1/error-groups/top-tools")
                .then()
                .statusCode(200)
                .body("find { it.tool == '" + phantom + "' }.failures", equalTo(2))
                .body("find { it.tool == '" + tool + "' }.failures", equalTo(1));
    }

    /** Grouping version 2 (the default) keys on the failing tool: one message from two tools is two groups. */
    @Test
    void oneMessageFromTwoToolsMakesTwoGroups() {
        String first = Names.unique("twin-a-");
        String second = Names.unique("twin-b-");
        UUID a = Db.awaitGroupOf(ErrorEvents.toolFailure(first, "runtime_error", "exit status 1"));
        UUID b = Db.awaitGroupOf(ErrorEvents.toolFailure(second, "runtime_error", "exit status 1"));
        assertNotEquals(a, b);
        assertEquals(
                2,
                ((Number) Db.single("select fingerprint_version from guardian.error_groups where id = ?", a))
                        .intValue());
    }
}
