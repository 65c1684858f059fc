package ai.prometheus.registry.usage;

/**
 * Log-scale latency buckets (each 10% wider than the last, from 1 ms to about 20 minutes) kept
 * as counters per usage window, so percentiles of any set of windows come from summing counters.
 * A percentile read back is the upper edge of its bucket: at most 10% above the true value.
 */
public final class LatencyHistogram {

    public static final int BUCKETS = 150;
    private static final double GROWTH = 1.1;

    private LatencyHistogram() {}

    /** The bucket of a latency, 0-based: bucket 0 holds everything under 1 ms. */
    public static int bucketOf(long latencyMs) {
        if (latencyMs < 1) {
            return 0;
        }
        int bucket = (int) Math.floor(Math.log(latencyMs) / Math.log(GROWTH)) + 1;
        return Math.min(bucket, BUCKETS - 1);
    }

    /** The upper edge, in ms, of a bucket. */
    public static long upperBoundOf(int bucket) {
        if (bucket == 0) {
            return 1;
        }
        return (long) Math.ceil(Math.pow(GROWTH, bucket));
    }

    /** The {@code quantile} (0..1) of the latencies counted in {@code buckets}, capped at the true maximum. */
    public static long quantile(long[] buckets, double quantile, long maxMs) {
        long total = 0;
        for (long count : buckets) {
            total += count;
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return Math.min(upperBoundOf(i), maxMs);
            }
        }
        return maxMs;
    }
}
