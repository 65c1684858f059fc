package ai.prometheus.memory.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class Bm25Test {

    // Documents as Postgres prints their tsvectors; the query as websearch_to_tsquery prints "dog or walk".
    private final TextSearch.Query query =
            TextSearch.parseQuery("'dog' | 'walk'").orElseThrow();

    @Test
    void repeatingAWordSaturatesInsteadOfMultiplying() {
        TextSearch.Document once = TextSearch.parseVector("'dog':1 'park':2 'sunni':3 'today':4");
        TextSearch.Document fourTimes = TextSearch.parseVector("'dog':1,2,3,4");
        TextSearch.Statistics statistics = statistics(once, fourTimes, filler(), filler());
        double single = query.bm25(once, statistics);
        double repeated = query.bm25(fourTimes, statistics);
        assertTrue(repeated > single, "more occurrences still count");
        assertTrue(repeated < 2 * single, "but far less than four times: " + repeated + " vs " + single);
    }

    @Test
    void aLongerDocumentWithTheSameWordsRanksLower() {
        TextSearch.Document shortOne = TextSearch.parseVector("'dog':1 'bark':2");
        TextSearch.Document longOne = TextSearch.parseVector(
                "'dog':1 'bark':2 'neighbour':3 'garden':4 'fenc':5 'night':6 'loud':7 'complain':8");
        TextSearch.Statistics statistics = statistics(shortOne, longOne, filler());
        assertTrue(query.bm25(shortOne, statistics) > query.bm25(longOne, statistics));
    }

    @Test
    void aRareWordOutweighsACommonOne() {
        TextSearch.Document common = TextSearch.parseVector("'dog':1 'bark':2");
        TextSearch.Document rare = TextSearch.parseVector("'walk':1 'bark':2");
        // Every document but one mentions a dog.
        TextSearch.Statistics statistics = statistics(
                common,
                rare,
                TextSearch.parseVector("'dog':1 'sleep':2"),
                TextSearch.parseVector("'dog':1 'eat':2"),
                TextSearch.parseVector("'dog':1 'run':2"));
        assertTrue(query.bm25(rare, statistics) > query.bm25(common, statistics));
        assertEquals(0, query.bm25(TextSearch.parseVector("'cat':1"), statistics), 1e-12);
    }

    private TextSearch.Statistics statistics(TextSearch.Document... documents) {
        TextSearch.Statistics statistics = new TextSearch.Statistics(query);
        for (TextSearch.Document document : List.of(documents)) {
            statistics.countDocument(document);
            statistics.countLexemes(document);
        }
        return statistics;
    }

    private static TextSearch.Document filler() {
        return TextSearch.parseVector("'meet':1 'moved':2 'friday':3");
    }
}
