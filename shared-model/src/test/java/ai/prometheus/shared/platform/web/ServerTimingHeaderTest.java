package ai.prometheus.shared.platform.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.shared.testing.ServerTimings;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerTimingHeaderTest {

    @Test
    void stagesAreMillisecondsToTheMicrosecondCutNotRoundedInOrder() {
        String value = new ServerTimingHeader()
                .stage("claim", 312_999)
                .stage("run", 5_431_000)
                .stage("total", 12_007_500)
                .value();
        assertEquals("claim;dur=0.312, run;dur=5.431, total;dur=12.007", value);
        assertEquals(
                List.of("claim", "run", "total"),
                List.copyOf(ServerTimings.parse(value).keySet()));
    }

    @Test
    void aStageThatDidNotHappenIsLeftOutAndZeroIsWritten() {
        assertEquals(
                "queue;dur=0.000, total;dur=1.050",
                new ServerTimingHeader()
                        .stage("claim", -1)
                        .stage("queue", 999)
                        .stage("total", 1_050_000)
                        .value());
    }
}
