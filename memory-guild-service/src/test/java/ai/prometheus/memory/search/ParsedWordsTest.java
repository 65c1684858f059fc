package ai.prometheus.memory.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParsedWordsTest {

    private static final int CAPACITY = 4;

    private final List<String> askedPostgres = new ArrayList<>();
    private final ParsedWords parsed = new ParsedWords(
            words -> {
                askedPostgres.add(words);
                return Uni.createFrom().item("'" + words + "'");
            },
            CAPACITY);

    @Test
    void wordsAskedAgainAreNotParsedAgain() {
        assertEquals("'deploy'", parse("deploy"));
        assertEquals("'deploy'", parse("deploy"));
        assertEquals("'rollback'", parse("rollback"));
        assertEquals(List.of("deploy", "rollback"), askedPostgres);
    }

    @Test
    void keepsNoMoreThanItsCapacity() {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 20; i++) {
                assertEquals("'word" + i + "'", parse("word" + i));
            }
        }
        // At most CAPACITY of the 20 words were still kept for the second round.
        assertTrue(askedPostgres.size() >= 40 - CAPACITY, "asked " + askedPostgres.size());
    }

    @Test
    void wordsAskedOftenOutliveAStreamOfOneOffQueries() {
        parse("rollback");
        parse("outage");
        parse("latency");
        for (int i = 0; i < 5; i++) {
            parse("deploy");
        }
        for (int i = 0; i < 50; i++) {
            parse("one-off " + i);
        }
        parse("deploy"); // a least-recently-used list of 4 would have dropped it after 4 one-offs
        assertEquals(1, askedPostgres.stream().filter("deploy"::equals).count());
    }

    private String parse(String words) {
        return parsed.parse(words).await().indefinitely();
    }
}
