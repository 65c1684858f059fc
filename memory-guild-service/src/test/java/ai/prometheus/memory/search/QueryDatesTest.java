package ai.prometheus.memory.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class QueryDatesTest {

    // A Thursday.
    private static final Instant AS_OF = Instant.parse("2026-12-03T14:00:00Z");

    @Test
    void absoluteMonthsAndYears() {
        assertPeriod("what broke in May 2023", "2023-05-01", "2023-06-01");
        assertPeriod("December 2022 deploys", "2022-12-01", "2023-01-01");
        assertPeriod("incidents in 2021", "2021-01-01", "2022-01-01");
    }

    @Test
    void relativePhrasesCountFromAsOf() {
        assertPeriod("what did we decide yesterday", "2026-12-02", "2026-12-03");
        assertPeriod("today's standup", "2026-12-03", "2026-12-04");
        assertPeriod("errors last week", "2026-11-23", "2026-11-30");
        assertPeriod("last month's invoices", "2026-11-01", "2026-12-01");
        assertPeriod("the release last year", "2025-01-01", "2026-01-01");
        assertPeriod("the call 3 days ago", "2026-11-30", "2026-12-01");
        assertEquals(QueryDates.in("last month", Instant.parse("2026-01-15T00:00:00Z")).orElseThrow().from(),
                Instant.parse("2025-12-01T00:00:00Z"), "across a year boundary");
    }

    @Test
    void queriesWithoutADateHaveNoPeriod() {
        assertTrue(QueryDates.in("who prefers which programming language", AS_OF).isEmpty());
        assertTrue(QueryDates.in("maybe 2023 is a number, not a period", AS_OF).isEmpty());
        assertTrue(QueryDates.in("mayday", AS_OF).isEmpty());
    }

    private static void assertPeriod(String query, String from, String until) {
        QueryDates.Period period = QueryDates.in(query, AS_OF).orElseThrow(() -> new AssertionError("no period in " + query));
        assertEquals(Instant.parse(from + "T00:00:00Z"), period.from(), query);
        assertEquals(Instant.parse(until + "T00:00:00Z"), period.until(), query);
    }
}
