package ai.prometheus.registry.permission;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ToolPermissionsTest {

    @Test
    void ownerReadsAndReplacesTheAclAndTheChangeIsAudited() {
        String tool = RegistryFixtures.registerWeatherTool("pat", "acl");
        given().auth()
                .oauth2(developer("pat"))
                .when()
                .get("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(200)
                .body("read", equalTo(List.of("*")))
                .body("manage", equalTo(List.of()));
        given().auth()
                .oauth2(developer("pat"))
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "read", List.of("*"), "invoke", List.of("group:agents"), "manage", List.of("subject:quinn")))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(200)
                .body("invoke", equalTo(List.of("group:agents")));
        given().auth()
                .oauth2(TestTokens.withScope("auditor", "audit:read"))
                .queryParam("tool", tool)
                .queryParam("action", "tool.permissions")
                .when()
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].details.after.manage", equalTo(List.of("subject:quinn")))
                .body("items[0].details.before.invoke", equalTo(List.of("*")));
    }

    @Test
    void theManageListWidensWhoMayChangeATool() {
        String tool = RegistryFixtures.registerWeatherTool("pat", "widen");
        Map<String, Object> update = Map.of(
                "functionSignature",
                RegistryFixtures.WEATHER_SCHEMA,
                "implementation",
                Map.of("language", "python", "code", "print(2)"));
        given().auth()
                .oauth2(developer("quinn"))
                .contentType(ContentType.JSON)
                .body(update)
                .when()
                .put("/api/v1/tools/" + tool)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(developer("pat"))
                .contentType(ContentType.JSON)
                .body(Map.of("read", List.of("*"), "invoke", List.of("*"), "manage", List.of("subject:quinn")))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(developer("quinn"))
                .contentType(ContentType.JSON)
                .body(update)
                .when()
                .put("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .body("currentVersion", equalTo(2));
        // A group member of the manage list without tools:write still may not change it.
        String groupMember = TestTokens.builder("rita")
                .claim("scope", "tools:read")
                .groups(Set.of("maintainers"))
                .sign(TestTokens.key());
        given().auth()
                .oauth2(developer("pat"))
                .contentType(ContentType.JSON)
                .body(Map.of("read", List.of("*"), "invoke", List.of("*"), "manage", List.of("group:maintainers")))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(groupMember)
                .contentType(ContentType.JSON)
                .body(update)
                .when()
                .put("/api/v1/tools/" + tool)
                .then()
                .statusCode(403);
    }

    @Test
    void nonManagersCannotSeeOrChangeTheAcl() {
        String tool = RegistryFixtures.registerWeatherTool("pat", "hidden");
        given().auth()
                .oauth2(developer("stranger"))
                .when()
                .get("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(developer("stranger"))
                .contentType(ContentType.JSON)
                .body(Map.of("read", List.of("subject:stranger")))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(developer("stranger"))
                .when()
                .get("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .body("permissions", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void malformedAclEntriesNameTheirPosition() {
        String tool = RegistryFixtures.registerWeatherTool("pat", "badacl");
        given().auth()
                .oauth2(developer("pat"))
                .contentType(ContentType.JSON)
                .body(Map.of("read", List.of("*", "everyone"), "invoke", List.of("group:")))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("read[1]"))
                .body("errors.field", hasItem("invoke[0]"));
    }
}
