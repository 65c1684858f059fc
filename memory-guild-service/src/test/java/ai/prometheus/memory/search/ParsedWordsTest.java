package ai.prometheus.memory.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParsedWordsTest {

    private final List<String> askedPostgres = new ArrayList<>();
    private final ParsedWords parsed = new ParsedWords(
            words -> {
                askedPostgres.add(words);
                return Uni.createFrom().item("'" + words + "'");
            },
            2);

    @Test
    void wordsAskedAgainAreNotParsedAgain() {
        assertEquals("'deploy'", parse("deploy"));
        assertEquals("'deploy'", parse("deploy"));
        assertEquals("'rollback'", parse("rollback"));
        assertEquals(List.of("deploy", "rollback"), askedPostgres);
    }

    @Test
    void theLeastRecentlyAskedWordsLeaveFirst() {
        parse("deploy");
        parse("rollback");
        parse("deploy");
        parse("outage"); // room for two: "rollback" leaves, "deploy" was asked since
        parse("deploy");
        parse("rollback");
        assertEquals(List.of("deploy", "rollback", "outage", "rollback"), askedPostgres);
    }

    private String parse(String words) {
        return parsed.parse(words).await().indefinitely();
    }
}
