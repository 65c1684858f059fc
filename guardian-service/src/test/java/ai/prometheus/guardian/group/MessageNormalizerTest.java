package ai.prometheus.guardian.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MessageNormalizerTest {

    @Test
    void replacesEachKindOfVariablePart() {
        assertEquals("user <n> not found", MessageNormalizer.normalize("user 42 not found"));
        assertEquals(
                "invocation <uuid> failed",
                MessageNormalizer.normalize("invocation 0b9a1c52-2f1e-4c57-9d3e-0f5b7c9a1e22 failed"));
        assertEquals(
                "GET <url> answered <n>",
                MessageNormalizer.normalize("GET https://api.example/v1/items?id=7 answered 503"));
        assertEquals("connect to <ip> refused", MessageNormalizer.normalize("connect to 10.0.4.17:5432 refused"));
        assertEquals(
                "connect to <ip> refused", MessageNormalizer.normalize("connect to fe80::1ff:fe23:4567:890a refused"));
        assertEquals("mail to <email> bounced", MessageNormalizer.normalize("mail to ops+alerts@example.org bounced"));
        assertEquals("object <hex> at <hex>", MessageNormalizer.normalize("object 9f86d081884c7d65 at 0x7ffee4b1c9a0"));
        assertEquals(
                "key <str> missing from <str>",
                MessageNormalizer.normalize("key 'timeout' missing from \"settings.yaml\""));
        assertEquals("expired at <time>", MessageNormalizer.normalize("expired at 2026-11-24T06:35:20.123Z"));
        assertEquals("a b", MessageNormalizer.normalize("  a \n\t b  "));
    }

    @Test
    void wordsStayWordsSoDifferentErrorsStayApart() {
        assertNotEquals(
                MessageNormalizer.normalize("connection reset"), MessageNormalizer.normalize("connection refused"));
        assertEquals("deadbeef is a word", MessageNormalizer.normalize("deadbeef is a word"));
    }

    @Test
    void nullEmptyAndHugeMessagesAreSafe() {
        assertEquals("", MessageNormalizer.normalize(null));
        assertEquals("", MessageNormalizer.normalize(""));
        String huge = "x".repeat(100_000);
        assertEquals(
                MessageNormalizer.MAX_LENGTH, MessageNormalizer.normalize(huge).length());
        // Long runs of quotes and digits are handled without catastrophic backtracking.
        assertTrue(MessageNormalizer.normalize("'".repeat(50_000) + "1".repeat(50_000))
                        .length()
                <= MessageNormalizer.MAX_LENGTH);
    }
}
