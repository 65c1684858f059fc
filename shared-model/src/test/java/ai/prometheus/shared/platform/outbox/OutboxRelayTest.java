package ai.prometheus.shared.platform.outbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class OutboxRelayTest {

    @Test
    void onlyFailuresOfTheRecordItselfPark() {
        assertTrue(OutboxRelay.neverSendable(new RecordTooLargeException("too large")));
        assertTrue(OutboxRelay.neverSendable(new SerializationException("bad")));
        assertFalse(OutboxRelay.neverSendable(new TimeoutException("broker away")));
        assertFalse(OutboxRelay.neverSendable(new NotLeaderOrFollowerException("moving")));
    }
}
