package ai.prometheus.memory.context;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import ai.prometheus.memory.MemoryApi;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A partial update is a bare JSON object, so its fields are checked by name like any typed body. */
@QuarkusTest
class StrictPatchTest {

    private final MemoryApi api = MemoryApi.agent("strict-patch-" + UUID.randomUUID());

    @Test
    void aMisspeltFieldInAPartialUpdateIsRefusedNamingItAndChangesNothing() {
        String context = api.createContext("before", null);
        api.request()
                .body(Map.of("nmae", "after"))
                .patch("/api/v1/contexts/" + context)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("nmae"))
                .body("errors[0].reason", containsString("name"));
        api.request().get("/api/v1/contexts/" + context).then().statusCode(200).body("name", equalTo("before"));
        api.request()
                .body("{\"name\": \"a\", \"name\": \"b\"}")
                .patch("/api/v1/contexts/" + context)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("name"));
        api.request()
                .body(Map.of("name", "after"))
                .patch("/api/v1/contexts/" + context)
                .then()
                .statusCode(200)
                .body("name", equalTo("after"));
    }

    @Test
    void contextDataAndMetadataMustBeObjectsAndNullMeansEmpty() {
        for (String wrong : new String[] {"\"x\"", "[]", "1.5", "true", "99999999999999999999999"}) {
            api.request()
                    .body("{\"name\": \"typed\", \"contextData\": " + wrong + "}")
                    .post("/api/v1/contexts")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors[0].field", equalTo("contextData"));
        }
        String context = api.request()
                .body("{\"name\": \"nulls\", \"contextData\": null, \"metadata\": null}")
                .post("/api/v1/contexts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        api.request()
                .get("/api/v1/contexts/" + context)
                .then()
                .statusCode(200)
                .body("contextData.size()", equalTo(0))
                .body("metadata.size()", equalTo(0));
        api.request()
                .body("{\"contextData\": \"x\"}")
                .patch("/api/v1/contexts/" + context)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("contextData"));
    }

    @Test
    void aNullMetadataInAMemoryPatchClearsIt() {
        String context = api.createContext("memory patch", null);
        String memory = api.write(context, Map.of("content", "The invoice is paid", "metadata", Map.of("amount", 120)));
        api.request()
                .body("{\"metadata\": null}")
                .patch("/api/v1/contexts/" + context + "/memories/" + memory)
                .then()
                .statusCode(200)
                .body("metadata.size()", equalTo(0));
        api.request()
                .get("/api/v1/contexts/" + context + "/memories/" + memory)
                .then()
                .statusCode(200)
                .body("metadata.size()", equalTo(0))
                .body("content", equalTo("The invoice is paid"));
        api.request()
                .body("{\"metadata\": [1]}")
                .patch("/api/v1/contexts/" + context + "/memories/" + memory)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("metadata"));
    }
}
