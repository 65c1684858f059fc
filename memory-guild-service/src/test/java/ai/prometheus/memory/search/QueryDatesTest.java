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
        assertEquals(
                QueryDates.in("last month", Instant.parse("2026-01-15T00:00:00Z"))
                        .orElseThrow()
                        .from(),
                Instant.parse("2025-12-01T00:00:00Z"),
                "across a year boundary");
    }

    @Test
    void numberWordsCountDaysWeeksAndMonthsAgo() {
        assertPeriod("the call three days ago", "2026-11-30", "2026-12-01");
        assertPeriod("what did Tom say two days ago", "2026-12-01", "2026-12-02");
        assertPeriod("a day ago", "2026-12-02", "2026-12-03");
        assertPeriod("the outage two weeks ago", "2026-11-16", "2026-11-23");
        assertPeriod("invoices one month ago", "2026-11-01", "2026-12-01");
        assertPeriod("12 days ago", "2026-11-21", "2026-11-22");
    }

    @Test
    void aPeriodRelativeToAnEventNamesTheEventAndCountsFromItsDay() {
        Instant trip = Instant.parse("2023-05-10T18:30:00Z");
        QueryDates.EventRelation before = QueryDates.relativeToEvent("What did Maya bake two days before the trip?")
                .orElseThrow();
        assertEquals("the trip", before.event());
        assertEquals(
                new QueryDates.Period(Instant.parse("2023-05-08T00:00:00Z"), Instant.parse("2023-05-09T00:00:00Z")),
                before.around(trip));
        QueryDates.EventRelation after = QueryDates.relativeToEvent(
                        "what happened the week after the conference in Berlin")
                .orElseThrow();
        assertEquals("the conference in berlin", after.event());
        assertEquals(
                new QueryDates.Period(Instant.parse("2023-05-11T00:00:00Z"), Instant.parse("2023-05-18T00:00:00Z")),
                after.around(trip));
        assertEquals(
                new QueryDates.Period(Instant.parse("2023-05-09T00:00:00Z"), Instant.parse("2023-05-10T00:00:00Z")),
                QueryDates.relativeToEvent("the day before the move")
                        .orElseThrow()
                        .around(trip));
        assertEquals(
                new QueryDates.Period(Instant.parse("2023-06-01T00:00:00Z"), Instant.parse("2023-07-01T00:00:00Z")),
                QueryDates.relativeToEvent("a month after moving in")
                        .orElseThrow()
                        .around(Instant.parse("2023-05-31T08:00:00Z")),
                "a month after: the month that follows the event's day");
        assertEquals(
                new QueryDates.Period(Instant.parse("2023-04-10T00:00:00Z"), Instant.parse("2023-05-10T00:00:00Z")),
                QueryDates.relativeToEvent("the month before the trip")
                        .orElseThrow()
                        .around(trip));
        assertEquals(
                "the wedding",
                QueryDates.relativeToEvent("3 days after the wedding when did they leave")
                        .orElseThrow()
                        .event());
    }

    @Test
    void dateWordsAreNotEvents() {
        assertTrue(QueryDates.relativeToEvent("the day before yesterday").isEmpty());
        assertTrue(QueryDates.relativeToEvent("who went hiking last week").isEmpty());
        assertTrue(QueryDates.relativeToEvent("the days before").isEmpty());
    }

    @Test
    void queriesWithoutADateHaveNoPeriod() {
        assertTrue(
                QueryDates.in("who prefers which programming language", AS_OF).isEmpty());
        assertTrue(QueryDates.in("maybe 2023 is a number, not a period", AS_OF).isEmpty());
        assertTrue(QueryDates.in("mayday", AS_OF).isEmpty());
    }

    private static void assertPeriod(String query, String from, String until) {
        QueryDates.Period period =
                QueryDates.in(query, AS_OF).orElseThrow(() -> new AssertionError("no period in " + query));
        assertEquals(Instant.parse(from + "T00:00:00Z"), period.from(), query);
        assertEquals(Instant.parse(until + "T00:00:00Z"), period.until(), query);
    }
}
