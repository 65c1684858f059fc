package ai.prometheus.shared.platform.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The URI check RequestLimits takes over from Quarkus (see UriValidationHandover). */
class RequestLimitsTest {

    @Test
    void anUnparsableUriNamesThePartAtFault() {
        assertNull(RequestLimits.unparsableUri("/api/v1/tools?q=caf%C3%A9&size=5"));
        assertEquals("query", RequestLimits.unparsableUri("/api/v1/tools?q=a^b").field());
        assertEquals("path", RequestLimits.unparsableUri("/api/v1/tools/a|b").field());
        assertTrue(RequestLimits.unparsableUri("/api/v1/tools/%ZZ").reason().contains("not a valid URI"));
    }
}
