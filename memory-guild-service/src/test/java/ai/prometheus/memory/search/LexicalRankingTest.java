package ai.prometheus.memory.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.memory.context.Coordinator;
import ai.prometheus.memory.context.ResolvedScope;
import ai.prometheus.memory.context.Scope;
import ai.prometheus.memory.context.Viewer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The service matches full-text queries on its cached copy of the stored tsvectors and ranks them
 * by BM25; this checks it finds exactly what Postgres finds across a lineage with keys, shadowing,
 * superseded memories and filters.
 */
@QuarkusTest
class LexicalRankingTest {

    private static final List<String> CORPUS = List.of(
            "Invoice INV-2024-00042 from Acme was paid on the 3rd",
            "Invoice INV-2024-00043 from Globex is still open, paid invoices are archived",
            "Meeting with Dana about the pricing change moved to Friday at 10:00",
            "The billing service failed with error E4711 because of a deadlock after 3 retries",
            "Deploy of billing version 4.2.1 to production took 12 minutes",
            "Dana prefers Rust for backend work; Dana's reviews are thorough",
            "The pricing change needs more review before the production change planned for week 7",
            "Ticket OPS-311: stale cache in the search component, reported by Lee",
            "Customers paid late: invoice, invoice, invoice reminders went out",
            "user@example.com asked for a 15% discount on the pricing change",
            "Backups run nightly; the backup of billing failed twice",
            "Standup moved to ten o'clock");

    private static final List<String> QUERIES = List.of(
            "invoice",
            "paid invoices",
            "INV-2024-00042",
            "pricing change",
            "billing failed deadlock",
            "Dana",
            "production deploy minutes",
            "10:00",
            "user@example.com",
            "E4711",
            "backup",
            "stale cache search",
            "the",
            "rust backend review",
            "customers paid late invoice reminders",
            "o'clock",
            "week 7 production change",
            "nothing matches this");

    @Inject
    Librarian librarian;

    @Inject
    Coordinator coordinator;

    @Inject
    VectorIndex index;

    private final String subject = "lexical-agent-" + UUID.randomUUID();
    private final MemoryApi api = MemoryApi.agent(subject);

    @Test
    void theServiceFindsExactlyWhatPostgresFindsAndRanksByBm25() {
        String team = api.createContext("team", null);
        String agent = api.createContext("agent", team);
        for (int i = 0; i < CORPUS.size(); i++) {
            String content = CORPUS.get(i);
            if (i % 3 == 0) {
                api.write(team, Map.of("content", content, "kind", "fact"));
            } else {
                api.write(agent, Map.of("content", content, "kind", i % 2 == 0 ? "note" : "episode"));
            }
        }
        // Keys: the agent's standup shadows the team's; the team's first key is superseded.
        api.write(team, Map.of("content", "Standup is at nine for the billing team", "key", "standup"));
        api.write(team, Map.of("content", "Standup is at half past nine for the billing team", "key", "standup"));
        api.write(agent, Map.of("content", "Standup is at ten for me, billing", "key", "standup"));

        ResolvedScope scope = coordinator
                .scope(Viewer.ofSubject(subject), UUID.fromString(agent), Scope.LINEAGE)
                .await()
                .atMost(Duration.ofSeconds(10));
        List<SearchRequest.Filters> filters = List.of(
                new SearchRequest.Filters(null, null, null, null, null, null, null, null),
                new SearchRequest.Filters("note", null, null, null, null, null, null, null),
                new SearchRequest.Filters(null, null, null, null, null, null, null, true));
        VectorIndex.Loaded loaded = index.load(scope.entries()).await().atMost(Duration.ofSeconds(10));
        int compared = 0;
        for (SearchRequest.Filters filter : filters) {
            SearchCriteria criteria = SearchCriteria.of(filter);
            VectorIndex.Filter indexFilter =
                    librarian.filter(scope, criteria).await().atMost(Duration.ofSeconds(10));
            for (String query : QUERIES) {
                String words = Librarian.anyWord(query);
                String parsed = librarian.parse(words).await().atMost(Duration.ofSeconds(10));
                assertTrue(TextSearch.parseQuery(parsed).isPresent(), "evaluated in the service: " + parsed);
                List<RankFusion.Ranked> inService = librarian
                        .lexical(parsed, words, scope, criteria, indexFilter, loaded, 50)
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .hits();
                List<RankFusion.Ranked> inPostgres = librarian
                        .lexicalInPostgres(words, scope, criteria, 50)
                        .await()
                        .atMost(Duration.ofSeconds(10));
                assertSame(query + " (" + parsed + ", " + filter + ")", inPostgres, inService);
                compared += inPostgres.size();
            }
        }
        assertTrue(compared > 40, "the queries found memories to compare: " + compared);
    }

    private static void assertSame(String what, List<RankFusion.Ranked> expected, List<RankFusion.Ranked> actual) {
        assertEquals(ranks(expected).keySet(), ranks(actual).keySet(), "the same memories for " + what);
        for (int i = 1; i < actual.size(); i++) {
            assertTrue(actual.get(i - 1).score() >= actual.get(i).score(), "best BM25 first for " + what);
            assertTrue(actual.get(i).score() > 0, "every match scores for " + what);
        }
    }

    private static Map<UUID, Double> ranks(List<RankFusion.Ranked> hits) {
        Map<UUID, Double> ranks = new HashMap<>();
        hits.forEach(hit -> ranks.put(hit.id(), hit.score()));
        return ranks;
    }

    @Test
    void aMemoryChangedInPlaceIsFoundByItsNewWordsOnly() {
        String context = api.createContext("edits", null);
        String memory = api.write(context, "The quarterly offsite is in Porto");
        api.write(context, "Travel budget approved for the offsite");
        assertEquals(List.of(memory), api.searchIds(context, "Porto", "lexical"));
        api.request()
                .body(Map.of("content", "The quarterly offsite moved to Valencia"))
                .patch("/api/v1/contexts/" + context + "/memories/" + memory)
                .then()
                .statusCode(200);
        assertEquals(List.of(), api.searchIds(context, "Porto", "lexical"));
        assertEquals(List.of(memory), api.searchIds(context, "Valencia", "lexical"));
    }

    @Test
    void queriesTheServiceCannotEvaluateExactlyGoToPostgres() {
        assertFalse(TextSearch.parseQuery("'pric':* & 'chang'").isPresent(), "prefix");
        assertFalse(TextSearch.parseQuery("'pric':A | 'chang'").isPresent(), "weight restriction");
        assertFalse(TextSearch.parseQuery("'a' <-> ( 'b' <-> 'c' )").isPresent(), "right-nested phrase");
        assertTrue(TextSearch.parseQuery("'inv' <-> '-2024' <-> '-00042' | !'paid' & 'o''clock'")
                .isPresent());
    }
}
