package ai.prometheus.shared.platform.web;

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

    @Test
    void theRawQueryIsCheckedPairByPair() {
        assertNull(StorableParameters.firstRefusedQueryParameter("page=1&size=5&q=caf%C3%A9"));
        assertNull(StorableParameters.firstRefusedQueryParameter(null));
        assertEquals(
                "filter",
                StorableParameters.firstRefusedQueryParameter("size=5&filter=a%00b")
                        .field());
        assertEquals(
                "filter",
                StorableParameters.firstRefusedQueryParameter("size=5&filter=%ZZ")
                        .field());
        Problem.FieldError name = StorableParameters.firstRefusedQueryParameter("a%00=1");
        assertTrue(
                name.reason().startsWith("the parameter name") && name.field().indexOf('\0') < 0, name.toString());
    }
}
