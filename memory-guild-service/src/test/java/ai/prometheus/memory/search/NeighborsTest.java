package ai.prometheus.memory.search;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import ai.prometheus.memory.MemoryApi;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class NeighborsTest {

    private final String subject = "neighbors-agent-" + UUID.randomUUID();
    private final MemoryApi api = MemoryApi.agent(subject);

    @Test
    void eachHitComesWithTheTurnsAroundItInOrderSkippingSupersededOnes() {
        String team = api.createContext("team", null);
        String chat = api.createContext("chat", team);
        api.write(team, "Team note written between the turns, in another context");
        api.write(chat, "Tom: Hey Maya, how was the weekend?");
        api.write(chat, Map.of("content", "Maya: draft answer, replaced", "key", "answer"));
        api.write(chat, Map.of("content", "Maya: I signed up for a pottery class on Thursdays.", "key", "answer"));
        String hit = api.write(chat, "Tom: Who teaches the class?");
        api.write(chat, "Maya: Ruth, a retired ceramicist.");
        api.write(chat, "Tom: Sounds lovely.");
        api.write(chat, "Maya: It is. Talk soon!");

        api.search(chat, Map.of("query", "who teaches", "mode", "lexical", "k", 1, "neighbors", 2))
                .then()
                .statusCode(200)
                .body("results[0].memory.id", equalTo(hit))
                // In time order; the superseded draft and the parent context's note are not neighbours.
                .body(
                        "results[0].neighbors.before.content",
                        contains(
                                "Tom: Hey Maya, how was the weekend?",
                                "Maya: I signed up for a pottery class on Thursdays."))
                .body(
                        "results[0].neighbors.after.content",
                        contains("Maya: Ruth, a retired ceramicist.", "Tom: Sounds lovely."))
                .body("results[0].neighbors.after[0].depth", equalTo(0));
        // With superseded memories asked for, the draft is the hit's previous turn.
        api.search(
                        chat,
                        Map.of(
                                "query",
                                "who teaches",
                                "mode",
                                "lexical",
                                "k",
                                1,
                                "neighbors",
                                1,
                                "filters",
                                Map.of("includeSuperseded", true)))
                .then()
                .statusCode(200)
                .body(
                        "results[0].neighbors.before.content",
                        contains("Maya: I signed up for a pottery class on Thursdays."));
        api.search(chat, Map.of("query", "who teaches", "mode", "lexical", "k", 1))
                .then()
                .statusCode(200)
                .body("results[0].neighbors", nullValue());
    }

    @Test
    void aHitInAnAncestorBringsItsOwnContextsNeighboursOnlyAndOnlyToThoseWhoMaySeeIt() {
        String team = api.createContext("team", null);
        String agent = api.createContext("agent", team);
        api.write(team, "Deploys happen on Tuesdays");
        String hit = api.write(team, "The release checklist lives in the wiki");
        api.write(agent, "My own note written right after, in the child");
        api.write(team, "Rollbacks need two approvals");

        api.search(agent, Map.of("query", "release checklist", "mode", "lexical", "k", 1, "neighbors", 1))
                .then()
                .statusCode(200)
                .body("results[0].memory.id", equalTo(hit))
                .body("results[0].depth", equalTo(1))
                .body("results[0].neighbors.before.content", contains("Deploys happen on Tuesdays"))
                .body("results[0].neighbors.after.content", contains("Rollbacks need two approvals"))
                .body("results[0].neighbors.after[0].depth", equalTo(1));
        // Someone without access to the context gets no hit and no neighbours from it.
        MemoryApi.agent("stranger-" + UUID.randomUUID())
                .search(agent, Map.of("query", "release checklist", "neighbors", 1))
                .then()
                .statusCode(404);
    }

    @Test
    void tooManyNeighboursIsABadRequestNamingTheField() {
        String context = api.createContext("bounds", null);
        api.search(context, Map.of("query", "anything", "neighbors", 6))
                .then()
                .statusCode(400)
                .body(org.hamcrest.Matchers.containsString("neighbors"));
    }
}
