package ai.prometheus.shared.platform.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StorableTextTest {

    @Test
    void nulAndLoneSurrogatesAreRefusedPairsAreNot() {
        assertTrue(StorableText.problem("a\0b").contains("NUL"));
        assertTrue(StorableText.problem("a\uD800").contains("surrogate"));
        assertTrue(StorableText.problem("\uDC00a").contains("surrogate"));
        assertTrue(StorableText.problem("\uD800\uD800\uDC00").contains("surrogate"));
        assertNull(StorableText.problem("pair \uD83D\uDE00, tab\t, newline\n, é"));
        assertNull(StorableText.problem(null));
    }

    @Test
    void sanitizeReplacesOnlyWhatCannotBeStored() {
        assertEquals("a\uFFFDb\uFFFD\uD83D\uDE00", StorableText.sanitize("a\0b\uD800\uD83D\uDE00"));
        assertTrue(StorableText.storable(StorableText.sanitize("\uDC00\0\uD800")));
        assertEquals("plain", StorableText.sanitize("plain"));
        assertNull(StorableText.sanitize(null));
        assertFalse(StorableText.storable("x\0"));
    }
}
