package ai.prometheus.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a {@code Server-Timing} value as the services write it ({@code ServerTimingHeader}). */
public final class ServerTimings {

    private ServerTimings() {}

    /** The value's entries, in order: name to dur in milliseconds; fails on a missing or malformed one. */
    public static Map<String, Double> parse(String header) {
        assertTrue(header != null, "no Server-Timing header");
        Map<String, Double> stages = new LinkedHashMap<>();
        for (String entry : header.split(",")) {
            String[] parts = entry.trim().split(";dur=");
            assertEquals(2, parts.length, header);
            stages.put(parts[0], Double.parseDouble(parts[1]));
        }
        return stages;
    }
}
