package ai.prometheus.shared.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    @ParameterizedTest(name = "''{0}'' ~ ''{1}'': {2}")
    @CsvSource(
            value = {
                "'', '', true",
                "'', a, false",
                "*, '', true",
                "*, anything, true",
                "a, a, true",
                "a, b, false",
                "a*, abc, true",
                "*c, abc, true",
                "*b*, abc, true",
                "a*c, ac, true",
                "a*c, abcd, false",
                "**, x, true",
                "java.lang.*Exception, java.lang.IllegalStateException, true",
                "java.lang.*Exception, java.lang.Error, false",
                "*.*, nodot, false",
            })
    void matches(String pattern, String text, boolean expected) {
        assertEquals(expected, Glob.matches(pattern, text));
    }

    /** Globs become SQL LIKE patterns in queries; LIKE's own wildcards must stay literal. */
    @Test
    void globStarsBecomePercentAndLikeWildcardsAreEscaped() {
        assertEquals("weather-%", Glob.toSqlLike("weather-*"));
        assertEquals("100\\%\\_done%", Glob.toSqlLike("100%_done*"));
        assertEquals("a\\\\b", Glob.toSqlLike("a\\b"));
        assertEquals("50\\% off*", Glob.escapeSqlLike("50% off*"));
    }
}
