package ai.prometheus.shared.platform.web;

/**
 * A W3C {@code Server-Timing} header's value, stage by stage ({@code claim;dur=0.312, run;dur=5.431,
 * total;dur=7.120}: milliseconds to the microsecond), so every service that times its stages writes
 * them the same way and one reader (the benchmarks', the tests') takes them all.
 */
public final class ServerTimingHeader {

    public static final String NAME = "Server-Timing";

    private final StringBuilder value = new StringBuilder(96);

    /**
     * Adds {@code name;dur=ms} with three decimals, cut (not rounded) so a stage's dur is never
     * above what it measured; a negative {@code nanos} (a stage that did not happen) is left out.
     */
    public ServerTimingHeader stage(String name, long nanos) {
        if (nanos < 0) {
            return this;
        }
        long micros = nanos / 1_000;
        if (!value.isEmpty()) {
            value.append(", ");
        }
        // The fraction's three digits, zeros kept: 1,000 + fraction without its leading 1.
        value.append(name).append(";dur=").append(micros / 1_000).append('.');
        value.append(Long.toString(1_000 + micros % 1_000), 1, 4);
        return this;
    }

    /** The value as written so far. */
    public String value() {
        return value.toString();
    }
}
