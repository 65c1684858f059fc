package ai.prometheus.memory.embedding;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Contextual embedding chosen per context: honoured by the worker, changeable, kept by backups. */
@QuarkusTest
class ContextualEmbeddingTest {

    private static final String QUESTION = "Tom: Who teaches the pottery class on Thursdays?";
    private static final String REPLY = "Maya: Ruth, a retired ceramicist.";

    private final MemoryApi owner = MemoryApi.agent("contextual-owner-" + UUID.randomUUID());
    private final MemoryApi admin =
            MemoryApi.withToken(TestTokens.withScope("contextual-admin", "memory:read memory:write memory:admin"));

    @Inject
    Embedder embedder;

    @Test
    void aContextThatAsksForItEmbedsEachMemoryWithTheOneBeforeIt() throws Exception {
        String chat = owner.request()
                .body(Map.of("name", "chat", "contextualEmbedding", true))
                .post("/api/v1/contexts")
                .then()
                .statusCode(201)
                .body("contextualEmbedding", equalTo(true))
                .extract()
                .path("id");
        String plain = owner.createContext("plain", null);
        owner.request()
                .get("/api/v1/contexts/" + plain)
                .then()
                .statusCode(200)
                .body("contextualEmbedding", nullValue());
        owner.write(chat, QUESTION);
        String reply = owner.write(chat, REPLY);
        owner.write(plain, QUESTION);
        String plainReply = owner.write(plain, REPLY);
        owner.awaitEmbedded(chat);
        owner.awaitEmbedded(plain);

        float[] withQuestion =
                embedder.embedPassages(List.of(QUESTION + "\n" + REPLY)).get(0);
        float[] alone = embedder.embedPassages(List.of(REPLY)).get(0);
        assertSame(withQuestion, stored(reply), "the reply in the contextual context is embedded after the question");
        assertSame(alone, stored(plainReply), "the service default (off) embeds the reply alone");

        // Turned off, the next memory is embedded alone; a malformed value names the field.
        owner.request()
                .body(Map.of("contextualEmbedding", "yes"))
                .patch("/api/v1/contexts/" + chat)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("contextualEmbedding"));
        owner.request()
                .body(Map.of("contextualEmbedding", false))
                .patch("/api/v1/contexts/" + chat)
                .then()
                .statusCode(200)
                .body("contextualEmbedding", equalTo(false));
        String later = owner.write(chat, "Maya: She also runs a glazing workshop.");
        owner.awaitEmbedded(chat);
        assertSame(
                embedder.embedPassages(List.of("Maya: She also runs a glazing workshop."))
                        .get(0),
                stored(later),
                "embedded alone after the context turned it off");

        // The choice is context state: a backup keeps it and a restore brings it back.
        owner.request()
                .body(Map.of("contextualEmbedding", true))
                .patch("/api/v1/contexts/" + chat)
                .then()
                .statusCode(200);
        String backup = owner.request()
                .body(Map.of("contextId", chat))
                .post("/api/v1/backups")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !"running"
                        .equals(owner.request()
                                .get("/api/v1/backups/" + backup)
                                .then()
                                .statusCode(200)
                                .extract()
                                .path("status")));
        owner.request()
                .queryParam("policy", "cascade")
                .delete("/api/v1/contexts/" + chat)
                .then()
                .statusCode(204);
        admin.request().post("/api/v1/backups/" + backup + "/restore").then().statusCode(200);
        owner.request()
                .get("/api/v1/contexts/" + chat)
                .then()
                .statusCode(200)
                .body("contextualEmbedding", equalTo(true));
    }

    private static void assertSame(float[] expected, float[] actual, String message) {
        double dot = 0;
        for (int i = 0; i < expected.length; i++) {
            dot += expected[i] * actual[i];
        }
        assertTrue(dot > 0.9999, message + " (cosine " + dot + ")");
    }

    private static float[] stored(String memoryId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement select =
                        db.prepareStatement("select embedding from memory_guild.memories where id = ?::uuid")) {
            select.setString(1, memoryId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return Vectors.fromBytes(rs.getBytes(1));
            }
        }
    }
}
