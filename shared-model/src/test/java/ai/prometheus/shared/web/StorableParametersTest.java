package ai.prometheus.shared.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.problem.Problem;
import org.junit.jupiter.api.Test;

class StorableParametersTest {

    @Test
    void encodedNulSurrogatesAndBrokenEscapesAreRefusedNamingTheParameter() {
        Problem.FieldError nul = StorableParameters.refusal("name", "a%00b");
        assertEquals("name", nul.field());
        assertTrue(nul.reason().contains("NUL"));
        assertTrue(StorableParameters.refusal("q", "%ZZ").reason().contains("percent-encoding"));
        assertTrue(StorableParameters.refusal("q", "abc%").reason().contains("percent-encoding"));
        assertNull(StorableParameters.refusal("q", "caf%C3%A9%20ok"));
        assertNull(StorableParameters.refusal("q", "%F0%9F%98%80"));
    }
}
