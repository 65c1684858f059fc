package ai.prometheus.memory;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import ai.prometheus.shared.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The memory guild's REST API as a test drives it, on behalf of one caller. */
public final class MemoryApi {

    private final String token;

    private MemoryApi(String token) {
        this.token = token;
    }

    /** An agent with memory:read and memory:write, as the agent role grants. */
    public static MemoryApi agent(String subject) {
        return new MemoryApi(TestTokens.agent(subject, "memory:read memory:write"));
    }

    public static MemoryApi withToken(String token) {
        return new MemoryApi(token);
    }

    public RequestSpecification request() {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    public String createContext(String name, String parentId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (parentId != null) {
            body.put("parentContextId", parentId);
        }
        return request()
                .body(body)
                .post("/api/v1/contexts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    public String write(String contextId, String content) {
        return write(contextId, Map.of("content", content));
    }

    public String write(String contextId, Map<String, Object> memory) {
        Response response = request().body(memory).post("/api/v1/contexts/" + contextId + "/memories");
        response.then()
                .statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(201), org.hamcrest.Matchers.is(200)));
        return response.path("id");
    }

    public Response search(String contextId, Map<String, Object> body) {
        return request().body(body).post("/api/v1/contexts/" + contextId + "/search");
    }

    public List<String> searchIds(String contextId, String query, String mode) {
        return search(contextId, Map.of("query", query, "mode", mode))
                .then()
                .statusCode(200)
                .extract()
                .path("results.memory.id");
    }

    /** Waits until every memory the context sees has its embedding stored. */
    public void awaitEmbedded(String contextId) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<String> states = request()
                            .queryParam("size", 200)
                            .queryParam("includeSuperseded", true)
                            .get("/api/v1/contexts/" + contextId + "/memories")
                            .then()
                            .statusCode(200)
                            .extract()
                            .path("items.embedding");
                    return !states.isEmpty() && states.stream().allMatch("ready"::equals);
                });
    }

    /** Backs up the tree under {@code rootId} and waits until the backup completed; answers its id. */
    public String backup(String rootId) {
        String id = request()
                .body(Map.of("contextId", rootId))
                .post("/api/v1/backups")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !"running"
                        .equals(request()
                                .get("/api/v1/backups/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .path("status")));
        request().get("/api/v1/backups/" + id).then().body("status", org.hamcrest.Matchers.equalTo("completed"));
        return id;
    }

    /** Deletes a context with everything under it. */
    public void deleteTree(String contextId) {
        request()
                .queryParam("policy", "cascade")
                .delete("/api/v1/contexts/" + contextId)
                .then()
                .statusCode(204);
    }
}
