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
 * "N days ago", "in May 2023", "May 2023", "in 2023". Relative phrases count from {@code asOf}
 * (UTC days, weeks starting Monday). Deliberately small: the first phrase found wins.
 */
public final class QueryDates {

    /** From inclusive, until exclusive. */
    public record Period(Instant from, Instant until) {
    }

    private static final Pattern MONTH_YEAR = Pattern.compile(
            "\\b(january|february|march|april|may|june|july|august|september|october|november|december)\\s+(\\d{4})\\b");
    private static final Pattern YEAR = Pattern.compile("\\bin\\s+(\\d{4})\\b");
    private static final Pattern DAYS_AGO = Pattern.compile("\\b(\\d{1,3})\\s+days?\\s+ago\\b");
    private static final Pattern LAST = Pattern.compile("\\blast\\s+(week|month|year)\\b");

    private QueryDates() {
    }

    public static Optional<Period> in(String query, Instant asOf) {
        String text = query.toLowerCase(Locale.ROOT);
        LocalDate today = LocalDate.ofInstant(asOf, ZoneOffset.UTC);
        Matcher m = MONTH_YEAR.matcher(text);
        if (m.find()) {
            YearMonth month = YearMonth.of(Integer.parseInt(m.group(2)), Month.valueOf(m.group(1).toUpperCase(Locale.ROOT)));
            return Optional.of(days(month.atDay(1), month.plusMonths(1).atDay(1)));
        }
        m = YEAR.matcher(text);
        if (m.find()) {
            Year year = Year.of(Integer.parseInt(m.group(1)));
            return Optional.of(days(year.atDay(1), year.plusYears(1).atDay(1)));
        }
        m = DAYS_AGO.matcher(text);
        if (m.find()) {
            LocalDate day = today.minusDays(Integer.parseInt(m.group(1)));
            return Optional.of(days(day, day.plusDays(1)));
        }
        m = LAST.matcher(text);
        if (m.find()) {
            return Optional.of(switch (m.group(1)) {
                case "week" -> {
                    LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1);
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

    private static Period days(LocalDate from, LocalDate until) {
        return new Period(from.atStartOfDay().toInstant(ZoneOffset.UTC), until.atStartOfDay().toInstant(ZoneOffset.UTC));
    }
}
