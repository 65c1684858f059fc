package ai.prometheus.shared.platform.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
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

    @Test
    void firstRefusalNamesTheFirstUnstorableNameTextOrNumberInATree() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertNull(StorableText.firstRefusal(json.readTree("{\"a\": [1, 2.5, \"x\", {\"b\": null}]}"), "params"));
        var text = StorableText.firstRefusal(json.readTree("{\"a\": [1, {\"b\": \"x\\u0000\"}]}"), "params");
        assertEquals("params.a[1].b", text.field());
        assertTrue(text.reason().contains("NUL"));
        var name = StorableText.firstRefusal(json.readTree("{\"ok\": 1, \"\\ud800\": 1}"), "params");
        assertTrue(name.reason().contains("surrogate"), name.toString());
        var number = StorableText.firstRefusal(json.readTree("{\"n\": 1e999999}"), "params");
        assertEquals("params.n", number.field());
        assertTrue(number.reason().contains("out of range"));
    }
}
