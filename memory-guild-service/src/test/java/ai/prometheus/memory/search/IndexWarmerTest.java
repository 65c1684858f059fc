package ai.prometheus.memory.search;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;

import ai.prometheus.memory.MemoryApi;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class IndexWarmerTest {

    private final MemoryApi api = MemoryApi.agent("warmer-agent-" + UUID.randomUUID());

    @Inject
    VectorIndex index;

    @Test
    void aContextIsLoadedAndFollowedBeforeItsFirstSearchAndASearchStillSeesAWriteAtOnce() {
        String context = api.createContext("warm", null);
        UUID id = UUID.fromString(context);
        api.write(context, "The staging database moved to the new cluster");
        String removed = api.write(context, "Lunch is at noon on Fridays");
        api.write(context, "The on-call rota changes every Monday");

        // Nobody searched this context: the warmer loaded it.
        await().atMost(Duration.ofSeconds(15)).until(() -> index.cachedSize(id) == 3);

        // A removal moves the context's epoch: the warmer rebuilds the copy without it.
        api.request()
                .delete("/api/v1/contexts/" + context + "/memories/" + removed)
                .then()
                .statusCode(204);
        await().atMost(Duration.ofSeconds(15)).until(() -> index.cachedSize(id) == 2);

        // A search does not wait for the warmer: it reads what changed since the cached version.
        String fresh = api.write(context, "Zebras were seen near the loading dock");
        assertThat(api.searchIds(context, "zebras loading dock", "lexical"), hasItem(fresh));
    }
}
