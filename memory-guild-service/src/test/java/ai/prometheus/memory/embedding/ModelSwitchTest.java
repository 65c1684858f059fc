package ai.prometheus.memory.embedding;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.Engines;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ModelSwitchTest {

    private final MemoryApi api = MemoryApi.agent("model-switch-" + UUID.randomUUID());

    @Inject
    EmbeddingWorker worker;

    @Inject
    Embedder embedder;

    @Test
    void memoriesOfAnotherModelAreReEmbeddedAndSearchAnswersMeanwhile() throws Exception {
        String context = api.createContext("switch", null);
        String cat = api.write(context, "My cat naps on the sunny windowsill every afternoon");
        api.write(context, "Quarterly revenue grew twelve percent after the pricing change");
        api.write(context, "The database backup job runs nightly at three");
        api.awaitEmbedded(context);

        // As after a restart with another memory.embedding.model: the stored vectors are another
        // model's, and the index reloads the context (its epoch moved).
        sql("update memory_guild.memories set embedding_model = 'a-retired-model' where context_id = ?::uuid", context);
        sql("update memory_guild.memory_contexts set reload_epoch = reload_epoch + 1 where id = ?::uuid", context);
        assertTrue(worker.reembedOtherModels().await().atMost(Duration.ofMinutes(1)) >= 3);

        // While they wait for new vectors the memories are found by their words, and the other
        // model's vectors are never compared with this model's query.
        api.search(context, Map.of("query", "cat windowsill"))
                .then()
                .statusCode(200)
                .body("results[0].memory.id", equalTo(cat));
        api.search(context, Map.of("query", "a kitten sleeping in warm sunlight", "mode", "semantic"))
                .then()
                .statusCode(200);

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> count(
                                "select count(*) from memory_guild.memories where context_id = ?::uuid"
                                        + " and not needs_embedding and embedding_model = '" + embedder.modelId() + "'",
                                context)
                        == 3);
        api.search(context, Map.of("query", "a kitten sleeping in warm sunlight", "mode", "semantic"))
                .then()
                .statusCode(200)
                .body("results[0].memory.id", equalTo(cat));
        assertEquals(
                0,
                count(
                        "select count(*) from memory_guild.memories where context_id = ?::uuid"
                                + " and embedding_model = 'a-retired-model'",
                        context));
    }

    @Test
    void anUnknownModelNameIsRefusedWithTheChoices() {
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> LocalModel.of("gpt-embedder"));
        assertTrue(refused.getMessage().contains("minilm, bge-small-en-v1.5, e5-small-v2"), refused.getMessage());
        assertEquals(LocalModel.E5_SMALL, LocalModel.of(" E5-Small-V2 "));
    }

    @Test
    void queriesAndPassagesCarryTheirModelsPrefixes() {
        assertEquals("query: where is the cat", LocalModel.E5_SMALL.query("where is the cat"));
        assertEquals("passage: the cat is home", LocalModel.E5_SMALL.passage("the cat is home"));
        assertTrue(LocalModel.BGE_SMALL.query("cat").startsWith("Represent this sentence"));
        assertEquals("cat", LocalModel.BGE_SMALL.passage("cat"));
        assertEquals("cat", LocalModel.MINILM.query("cat"));
    }

    private static void sql(String statement, String context) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement update = db.prepareStatement(statement)) {
            update.setString(1, context);
            update.executeUpdate();
        }
    }

    private static long count(String query, String context) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement select = db.prepareStatement(query)) {
            select.setString(1, context);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
