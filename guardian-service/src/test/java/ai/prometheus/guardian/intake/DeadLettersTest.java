package ai.prometheus.guardian.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void theConsumerGroupSitsBetweenTheTopicAndTheSuffix() {
        assertEquals(
                "sandbox-service",
                DeadLetters.consumerGroup(
                        "prometheus.tool-invocation.requests.sandbox-service.dlq",
                        "prometheus.tool-invocation.requests"));
        assertEquals("guardian-service", DeadLetters.consumerGroup("prometheus.errors.guardian-service.dlq", null));
        assertEquals(
                "memory-guild-service-test",
                DeadLetters.consumerGroup(
                        "prometheus.tool-invocation.results.memory-guild-service-test.dlq", "some.other.topic"));
    }
}
