package ai.prometheus.sandbox.invocation;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InvocationChannelCheckTest {

    @Test
    void aMaxAgeBelowTheLongestHandlingIsRefusedNamingBothSettings() {
        // SmallRye's default against the shipped maximum wall time and grace.
        String problem = InvocationChannelCheck.problem(InvocationChannelCheck.DEFAULT_MAX_AGE_MS, 120_000, 300_000);
        assertNotNull(problem);
        assertTrue(problem.contains("sandbox.limits.max.wall-ms"), problem);
        assertTrue(problem.contains("unprocessed-record-max-age.ms"), problem);
        assertNotNull(InvocationChannelCheck.problem(420_000, 120_000, 300_000));
    }

    @Test
    void aLongerMaxAgeOrSwitchedOffMonitoringIsAccepted() {
        assertNull(InvocationChannelCheck.problem(600_000, 120_000, 300_000));
        assertNull(InvocationChannelCheck.problem(0, 120_000, 300_000));
    }
}
