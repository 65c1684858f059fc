package ai.prometheus.memory.search;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The period a query speaks of, if it names one: "yesterday", "today", "last week/month/year",
 * "N days/weeks/months ago" (N in digits or words), "in May 2023", "May 2023", "in 2023".
 * Relative phrases count from {@code asOf} (UTC days, weeks starting Monday). A period relative
 * to an event ("two days before the trip", "the week after the conference") is read by
 * {@link #relativeToEvent}; the caller finds the event. Deliberately small: the first phrase
 * found wins.
 */
public final class QueryDates {

    /** From inclusive, until exclusive. */
    public record Period(Instant from, Instant until) {}

    private static final Pattern MONTH_YEAR = Pattern.compile(
            "\\b(january|february|march|april|may|june|july|august|september|october|november|december)\\s+(\\d{4})\\b");
    private static final Pattern YEAR = Pattern.compile("\\bin\\s+(\\d{4})\\b");
    private static final String NUMBER =
            "(\\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)";
    private static final Pattern AGO = Pattern.compile("\\b" + NUMBER + "\\s+(day|week|month)s?\\s+ago\\b");
    // "two days before the trip", "the week after the conference", "a month after moving": the
    // event is the words that follow, up to punctuation or a word that starts another clause.
    private static final Pattern EVENT =
            Pattern.compile("\\b(?:" + NUMBER + "|the)\\s+(day|week|month)s?\\s+(before|after)\\s+"
                    + "((?:(?!(?:and|but|when|where|what|who|did|does|was|were|is)\\b)[\\p{L}\\p{N}'-]+\\s*){1,5})");
    private static final java.util.Set<String> DATE_WORDS =
            java.util.Set.of("yesterday", "today", "tomorrow", "last", "next", "this");
    private static final Pattern LAST = Pattern.compile("\\blast\\s+(week|month|year)\\b");

    private QueryDates() {}

    public static Optional<Period> in(String query, Instant asOf) {
        String text = query.toLowerCase(Locale.ROOT);
        LocalDate today = LocalDate.ofInstant(asOf, ZoneOffset.UTC);
        Matcher m = MONTH_YEAR.matcher(text);
        if (m.find()) {
            YearMonth month = YearMonth.of(
                    Integer.parseInt(m.group(2)), Month.valueOf(m.group(1).toUpperCase(Locale.ROOT)));
            return Optional.of(days(month.atDay(1), month.plusMonths(1).atDay(1)));
        }
        m = YEAR.matcher(text);
        if (m.find()) {
            Year year = Year.of(Integer.parseInt(m.group(1)));
            return Optional.of(days(year.atDay(1), year.plusYears(1).atDay(1)));
        }
        m = AGO.matcher(text);
        if (m.find()) {
            int n = number(m.group(1));
            return Optional.of(
                    switch (m.group(2)) {
                        case "day" -> days(today.minusDays(n), today.minusDays(n - 1L));
                        case "week" -> {
                            LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                                    .minusWeeks(n);
                            yield days(monday, monday.plusWeeks(1));
                        }
                        default -> {
                            YearMonth month = YearMonth.from(today).minusMonths(n);
                            yield days(month.atDay(1), month.plusMonths(1).atDay(1));
                        }
                    });
        }
        m = LAST.matcher(text);
        if (m.find()) {
            return Optional.of(
                    switch (m.group(1)) {
                        case "week" -> {
                            LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                                    .minusWeeks(1);
                            yield days(monday, monday.plusWeeks(1));
                        }
                        case "month" -> {
                            YearMonth month = YearMonth.from(today).minusMonths(1);
                            yield days(month.atDay(1), month.plusMonths(1).atDay(1));
                        }
                        default -> days(LocalDate.of(today.getYear() - 1, 1, 1), LocalDate.of(today.getYear(), 1, 1));
                    });
        }
        if (Pattern.compile("\\byesterday\\b").matcher(text).find()) {
            return Optional.of(days(today.minusDays(1), today));
        }
        if (Pattern.compile("\\btoday\\b").matcher(text).find()) {
            return Optional.of(days(today, today.plusDays(1)));
        }
        return Optional.empty();
    }

    /**
     * A period named relative to an event: {@code amount} days, weeks or months before or after
     * it. "Two days before" is the one day two days earlier; "the week after" the seven days
     * that follow the event's day.
     *
     * @param event the words naming the event, for the caller to find it among the memories
     */
    public record EventRelation(int amount, java.time.temporal.ChronoUnit unit, boolean after, String event) {

        /** The period, given when the event happened (its memory's {@code occurredAt}). */
        public Period around(Instant anchor) {
            LocalDate day = LocalDate.ofInstant(anchor, ZoneOffset.UTC);
            if (after) {
                LocalDate start = day.plusDays(1).plus(amount - 1L, unit);
                return days(start, start.plus(1, unit));
            }
            LocalDate start = day.minus(amount, unit);
            return days(start, start.plus(1, unit));
        }
    }

    /** The event-relative period a query names, if any (dates such as "the day before yesterday" are not events). */
    public static Optional<EventRelation> relativeToEvent(String query) {
        Matcher m = EVENT.matcher(query.toLowerCase(Locale.ROOT));
        if (!m.find()) {
            return Optional.empty();
        }
        String event = m.group(4).trim();
        if (event.isEmpty() || DATE_WORDS.contains(event.split("\\s+")[0])) {
            return Optional.empty();
        }
        int amount = m.group(1) == null ? 1 : number(m.group(1));
        java.time.temporal.ChronoUnit unit = switch (m.group(2)) {
            case "day" -> java.time.temporal.ChronoUnit.DAYS;
            case "week" -> java.time.temporal.ChronoUnit.WEEKS;
            default -> java.time.temporal.ChronoUnit.MONTHS;
        };
        return Optional.of(new EventRelation(amount, unit, m.group(3).equals("after"), event));
    }

    private static int number(String word) {
        return switch (word) {
            case "a", "an", "one" -> 1;
            case "two" -> 2;
            case "three" -> 3;
            case "four" -> 4;
            case "five" -> 5;
            case "six" -> 6;
            case "seven" -> 7;
            case "eight" -> 8;
            case "nine" -> 9;
            case "ten" -> 10;
            case "eleven" -> 11;
            case "twelve" -> 12;
            default -> Integer.parseInt(word);
        };
    }

    private static Period days(LocalDate from, LocalDate until) {
        return new Period(
                from.atStartOfDay().toInstant(ZoneOffset.UTC),
                until.atStartOfDay().toInstant(ZoneOffset.UTC));
    }
}
