package ai.prometheus.memory.search;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.PrometheusScrape;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Searches show in /q/metrics as a duration histogram by mode; the embedding backlog as a gauge. */
@QuarkusTest
class SearchMetricsTest {

    private final MemoryApi api = MemoryApi.agent("metrics-agent-" + UUID.randomUUID());

    @Test
    void searchesAreTimedByModeAndTheEmbeddingBacklogIsExported() {
        String context = api.createContext("metered", null);
        api.write(context, "The nightly backup finished in four minutes");
        PrometheusScrape before = scrape();
        for (String mode : new String[] {"lexical", "lexical", "hybrid", "semantic"}) {
            api.search(context, Map.of("query", "backup", "mode", mode)).then().statusCode(200);
        }

        PrometheusScrape after = scrape();
        String count = "prometheus_memory_search_duration_seconds_count";
        assertEquals(
                2,
                after.value(count, Map.of("mode", "lexical", "outcome", "ok"))
                        - before.value(count, Map.of("mode", "lexical", "outcome", "ok")));
        assertEquals(
                1, after.value(count, Map.of("mode", "semantic")) - before.value(count, Map.of("mode", "semantic")));
        after.assertHistogram("prometheus_memory_search_duration_seconds", Map.of("mode", "hybrid"));
        assertFalse(
                after.samples("prometheus_memory_embedding_backlog", Map.of()).isEmpty());
        after.assertCatalogued("memory-guild-service");
        assertTrue(after.assertSuiteConventions().contains("prometheus_memory_search_duration_seconds"));
    }

    private static PrometheusScrape scrape() {
        return PrometheusScrape.of(given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }
}
