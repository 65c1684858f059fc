package ai.prometheus.guardian.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LikePatternTest {

    /** Rule globs become SQL LIKE patterns in the guard's count; LIKE's own wildcards must stay literal. */
    @Test
    void globStarsBecomePercentAndLikeWildcardsAreEscaped() {
        assertEquals("weather-%", ErrorLogRepository.likePattern("weather-*"));
        assertEquals("100\\%\\_done%", ErrorLogRepository.likePattern("100%_done*"));
        assertEquals("a\\\\b", ErrorLogRepository.likePattern("a\\b"));
    }
}
