package ai.prometheus.memory;

import ai.prometheus.shared.testing.OpenApiFuzzContract;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;

/** Generated hostile input for every operation of this service's OpenAPI document: never a 5xx. */
@QuarkusTest
class OpenApiFuzzTest extends OpenApiFuzzContract {

    /** A context with a memory, a share and a backup of it, for the operations below them. */
    @Override
    protected Map<String, String> knownPathValues() {
        MemoryApi admin = MemoryApi.withToken(TestTokens.admin());
        String context = admin.createContext("fuzz seed", null);
        String memory = admin.write(context, "The fuzz seed remembers one thing");
        String share = admin.request()
                .body(Map.of("granteeType", "agent", "grantee", "fuzz-reader", "access", "read"))
                .post("/api/v1/contexts/" + context + "/shares")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String backup = admin.request()
                .body(Map.of("contextId", context))
                .post("/api/v1/backups")
                .then()
                .statusCode(org.hamcrest.Matchers.lessThan(300))
                .extract()
                .path("id");
        return Map.of(
                "contexts/{id}",
                context,
                "memories/{memoryId}",
                memory,
                "shares/{shareId}",
                share,
                "backups/{id}",
                backup);
    }
}
