package ai.prometheus.memory.search;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SearchTest {

    private final MemoryApi api = MemoryApi.agent("search-agent-" + UUID.randomUUID());

    @Test
    void semanticSearchFindsAMemoryThatSharesNoWordWithTheQuery() {
        String context = api.createContext("pets", null);
        String cat = api.write(context, "My cat naps on the sunny windowsill every afternoon");
        api.write(context, "Quarterly revenue grew twelve percent after the pricing change");
        api.write(context, "The database backup job runs nightly at three");
        api.write(context, "Flights to Lisbon are cheapest on Tuesdays");
        api.awaitEmbedded(context);

        String query = "a kitten sleeping in warm sunlight";
        assertTrue(wordsOf(query).stream()
                .noneMatch(wordsOf("My cat naps on the sunny windowsill every afternoon")::contains));
        api.search(context, Map.of("query", query, "mode", "semantic"))
                .then()
                .statusCode(200)
                .body("results[0].memory.id", equalTo(cat))
                .body("results[0].score.similarity", greaterThan(0.2f))
                .body("results[0].score.lexicalRank", org.hamcrest.Matchers.nullValue());
        // Lexically there is nothing to find; hybrid still ranks the cat first.
        assertEquals(List.of(), api.searchIds(context, query, "lexical"));
        assertEquals(cat, api.searchIds(context, query, "hybrid").get(0));
    }

    @Test
    void lexicalSearchFindsAnExactIdentifier() {
        String context = api.createContext("invoices", null);
        String invoice = api.write(context, "Invoice INV-2024-00042 from Acme was paid on the 3rd");
        api.write(context, "Invoice INV-2024-00043 from Globex is still open");
        api.write(context, "Invoices are paid within thirty days of receipt");
        api.write(context, "The error code E4711 means the disk is full");

        // Lexical search works as soon as the write commits, embeddings or not.
        api.search(context, Map.of("query", "INV-2024-00042", "mode", "lexical"))
                .then()
                .statusCode(200)
                .body("results.memory.id", contains(invoice))
                .body("results[0].score.lexicalRank", equalTo(1));
        api.awaitEmbedded(context);
        api.search(context, Map.of("query", "INV-2024-00042"))
                .then()
                .statusCode(200)
                .body("mode", equalTo("hybrid"))
                .body("results[0].memory.id", equalTo(invoice))
                .body("results[0].score.lexicalRank", equalTo(1))
                .body("results[0].score.semanticRank", notNullValue());
        api.search(context, Map.of("query", "E4711", "mode", "lexical"))
                .then()
                .statusCode(200)
                .body("results.memory.content", contains("The error code E4711 means the disk is full"));
    }

    @Test
    void resultsCarryScorePartsContextAndDepthAndChildKeysShadowAncestors() {
        String team = api.createContext("team", null);
        String agent = api.createContext("agent", team);
        String teamNote = api.write(team, "Deployments happen through the blue-green pipeline");
        api.write(team, Map.of("content", "Standup is at nine", "key", "standup"));
        String ownStandup = api.write(agent, Map.of("content", "Standup is at ten for me", "key", "standup"));
        api.awaitEmbedded(agent);

        var response = api.search(agent, Map.of("query", "when is standup and how do deployments happen", "k", 10));
        response.then()
                .statusCode(200)
                .body("scope", equalTo("lineage"))
                .body("lineage.contextId", contains(agent, team))
                .body("results.memory.content", not(hasItem("Standup is at nine")))
                .body("results.find { it.memory.id == '" + teamNote + "' }.contextId", equalTo(team))
                .body("results.find { it.memory.id == '" + teamNote + "' }.depth", equalTo(1))
                .body("results.find { it.memory.id == '" + ownStandup + "' }.depth", equalTo(0))
                .body("results.score.fused", everyItem(notNullValue()))
                .body("results.score.recency", everyItem(greaterThan(0.9f)));
        // scope=context leaves the ancestors out.
        api.search(agent, Map.of("query", "deployments pipeline", "scope", "context"))
                .then()
                .statusCode(200)
                .body("results.memory.id", not(hasItem(teamNote)));
    }

    @Test
    void filtersNarrowByKindMetadataAndTime() {
        String context = api.createContext("filters", null);
        String weather = api.write(
                context,
                Map.of(
                        "content",
                        "Called the weather tool for Paris",
                        "kind",
                        "episode",
                        "metadata",
                        Map.of("tool", "weather")));
        api.write(
                context,
                Map.of(
                        "content",
                        "Called the stocks tool for ACME",
                        "kind",
                        "episode",
                        "metadata",
                        Map.of("tool", "stocks")));
        api.write(context, Map.of("content", "Paris weather is usually mild", "kind", "fact"));
        api.awaitEmbedded(context);
        for (String mode : List.of("hybrid", "semantic", "lexical")) {
            api.search(
                            context,
                            Map.of(
                                    "query",
                                    "weather tool Paris",
                                    "mode",
                                    mode,
                                    "filters",
                                    Map.of("kind", "episode", "metadata", Map.of("tool", "weather"))))
                    .then()
                    .statusCode(200)
                    .body("results.memory.id", contains(weather));
            api.search(
                            context,
                            Map.of(
                                    "query",
                                    "weather tool Paris",
                                    "mode",
                                    mode,
                                    "filters",
                                    Map.of("createdBefore", "2000-01-01T00:00:00Z")))
                    .then()
                    .statusCode(200)
                    .body("results", org.hamcrest.Matchers.hasSize(0));
        }
    }

    @Test
    void aChangeCommittedByAnotherReplicaIsSeenByTheNextSearch() throws Exception {
        String context = api.createContext("replicas", null);
        String kept = api.write(context, "The staging database is restored from snapshots every Sunday");
        String removed = api.write(context, "The staging database lives in the Frankfurt region");
        api.awaitEmbedded(context);
        assertEquals(
                Set.of(kept, removed),
                new HashSet<>(api.searchIds(context, "where is the staging database", "semantic")));

        // Another replica supersedes a memory: it commits the row and the context's version, as
        // every writer does, and tells this replica nothing.
        try (java.sql.Connection db = ai.prometheus.shared.testing.Engines.jdbc()) {
            db.setAutoCommit(false);
            long version;
            try (var bump =
                    db.prepareStatement("update memory_guild.memory_contexts set memory_version = memory_version + 1"
                            + " where id = ? returning memory_version")) {
                bump.setObject(1, UUID.fromString(context));
                try (var rs = bump.executeQuery()) {
                    rs.next();
                    version = rs.getLong(1);
                }
            }
            try (var supersede = db.prepareStatement(
                    "update memory_guild.memories set superseded_at = now()," + " change_version = ? where id = ?")) {
                supersede.setLong(1, version);
                supersede.setObject(2, UUID.fromString(removed));
                supersede.executeUpdate();
            }
            db.commit();
        }
        assertEquals(List.of(kept), api.searchIds(context, "where is the staging database", "semantic"));

        // ...and a removal elsewhere (the epoch moves) makes this replica rebuild its copy.
        try (java.sql.Connection db = ai.prometheus.shared.testing.Engines.jdbc();
                var delete = db.prepareStatement("delete from memory_guild.memories where id = ?");
                var epoch = db.prepareStatement(
                        "update memory_guild.memory_contexts set memory_version = memory_version + 1,"
                                + " reload_epoch = reload_epoch + 1 where id = ?")) {
            db.setAutoCommit(false);
            delete.setObject(1, UUID.fromString(kept));
            delete.executeUpdate();
            epoch.setObject(1, UUID.fromString(context));
            epoch.executeUpdate();
            db.commit();
        }
        assertEquals(List.of(), api.searchIds(context, "where is the staging database", "semantic"));
    }

    @Test
    void badSearchesAreRejectedNamingTheField() {
        String context = api.createContext("bad", null);
        api.search(context, Map.of("query", "")).then().statusCode(400).body("errors[0].field", equalTo("query"));
        api.search(context, Map.of("query", "x", "mode", "fuzzy"))
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("mode"));
        api.search(context, Map.of("query", "x", "k", 0)).then().statusCode(400).body("errors[0].field", equalTo("k"));
        api.search(context, Map.of("query", "x", "k", 500))
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("k"));
        api.search(context, Map.of("query", "x", "scope", "everything"))
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("scope"));
        api.search(context, Map.of("query", "x", "filters", Map.of("metadata", List.of(1))))
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("filters.metadata"));
        assertFalse(
                api.search(UUID.randomUUID().toString(), Map.of("query", "x")).statusCode() == 200);
    }

    private static Set<String> wordsOf(String text) {
        return new HashSet<>(Arrays.asList(text.toLowerCase(Locale.ROOT).split("\\W+")));
    }
}
