package ai.prometheus.memory.backup;

import java.util.UUID;

/**
 * What a restore did. Rows whose id already exists (or that would duplicate a current memory)
 * are left as they are, so restoring the same file twice changes nothing the second time.
 *
 * @param reembedding memories restored without a usable embedding (another model made it, or none
 *     was stored); the embedding worker computes them with the running model
 */
public record RestoreReport(UUID backupId, Counts contexts, Counts memories, Counts shares, long reembedding) {

    public record Counts(long restored, long skipped) {}
}
